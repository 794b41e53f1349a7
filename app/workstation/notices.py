"""What the workstation tells its subscribers: small frozen values, one class per kind of news.

Each notice carries the new state itself (an immutable :class:`CallSession` or :class:`StatusView`),
so a window redraws from the notice without asking back (Anki's ``OpChanges`` idea).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from app.refused import Refused
from app.session.call import CallSession
from app.status.view import StatusView
from app.store.faults import StoreFault
from app.telephony.events import HidHeadset
from app.wire.contacts import ContactOut
from app.wire.crm import CrmContactOut
from app.wire.dispositions import Catalogue, DispositionIn
from app.wire.recordings import RecordingPolicy
from app.wire.statuses import StatusChangeIn


@dataclass(frozen=True)
class CallChanged:
    """A call session moved (or had something attached). ``session.phase`` ``done`` is its last notice."""

    session: CallSession


@dataclass(frozen=True)
class StatusChanged:
    """The status view changed; ``change`` is the record sent to the server, when one was."""

    view: StatusView
    change: StatusChangeIn | None = None


@dataclass(frozen=True)
class MuteChanged:
    muted: bool


@dataclass(frozen=True)
class ContactLookedUp:
    """The card's contact for a call: ``contact`` ``None`` means unknown caller, unless ``error`` says
    the lookup failed; ``crm``: what the centre's CRM knows of an unknown caller (shown as the CRM's)."""

    call_id: str
    number: str
    contact: ContactOut | None
    error: str = ""
    crm: CrmContactOut | None = None


@dataclass(frozen=True)
class DispositionQueued:
    """A call's disposition went into the outbox."""

    disposition: DispositionIn


@dataclass(frozen=True)
class Problem:
    """Something the operator (or the log) should know: the phone refused a command, a phone event
    contradicted what the workstation knew, a lookup failed."""

    message: str
    where: str = ""
    refusal: Refused | None = None
    """The refusal behind it, when there is one: the UI words it from its key (``ui.refusals``)."""


@dataclass(frozen=True)
class DispositionNotSaved:
    """The local store refused a call's disposition (disk full, damaged file): the call is still in
    after-call work, the form stays open with what was typed, and submitting again retries."""

    call_id: str
    message: str


@dataclass(frozen=True)
class StoreFailing:
    """The local store refused a write (disk full, read-only, damaged): what was refused is held in
    memory and tried again (``app.workstation.held``); the window says what to do about ``fault``."""

    fault: StoreFault
    message: str
    held: int


@dataclass(frozen=True)
class StoreSaved:
    """The local store works again and everything held was written (``written`` records)."""

    written: int


@dataclass(frozen=True)
class StatusRefused:
    """The server refused a status change this desk sent; ``view`` is the status the desk went back
    to (what the server holds), ``reason`` the server's answer."""

    change: StatusChangeIn
    reason: str
    view: StatusView


@dataclass(frozen=True)
class CatalogueChanged:
    """The server's catalogue changed: the reasons and disposition codes offered follow."""

    catalogue: Catalogue


@dataclass(frozen=True)
class HeadsetChanged:
    """The USB headsets plugged in, the one whose buttons and lights are used (``active``, empty when
    none) and, when it was just unplugged, ``lost`` (the calls go on without its buttons)."""

    devices: tuple[HidHeadset, ...]
    active: str
    lost: str = ""


RecordingState = Literal["off", "available", "starting", "recording", "paused", "finished", "failed"]


@dataclass(frozen=True)
class RecordingView:
    """One call's recording as the card shows it."""

    call_id: str
    state: RecordingState
    policy: RecordingPolicy
    record_id: str = ""
    """The call's id as the server knows it (dispositions use the same)."""
    queue: str | None = None
    started_at: datetime | None = None
    path: str = ""
    pauses: tuple[tuple[float, float], ...] = ()
    error: str = ""


@dataclass(frozen=True)
class RecordingNotice:
    """A call's recording changed (started, paused, resumed, finished, failed, or became available)."""

    view: RecordingView


@dataclass(frozen=True)
class AudioRouted:
    """The headset's sound device was unplugged, or came back: where the calls' sound goes now
    (``device``; "" when nowhere, the silent fallback), ``back`` when it is the headset again. The calls
    themselves go on untouched."""

    headset: str
    device: str
    back: bool = False


Notice = (
    CallChanged
    | StatusChanged
    | MuteChanged
    | ContactLookedUp
    | DispositionQueued
    | Problem
    | DispositionNotSaved
    | StoreFailing
    | StoreSaved
    | StatusRefused
    | CatalogueChanged
    | RecordingNotice
    | HeadsetChanged
    | AudioRouted
)
