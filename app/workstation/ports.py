"""What the workstation needs from the outside world, as small Protocols it is handed.

The composition root (``ui/main.py``) passes the real things: the :class:`TelephonyService` for phone
commands, the server client with its local cache for contacts, the outbox of ``app/sync`` for what
must reach the server. Tests pass fakes. Nothing here does I/O itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.wire.contacts import ContactOut
from app.wire.crm import CrmContactOut
from app.wire.dispositions import DispositionIn
from app.wire.statuses import StatusChangeIn


class PhoneCommands(Protocol):
    """Sends one command to the telephony service and waits for its result
    (:meth:`app.telephony.supervisor.TelephonyService.send`)."""

    async def send(self, command: cmd.Command, timeout_s: float = ...) -> ev.CommandResult: ...


class ContactLookup(Protocol):
    """Finds the contact behind a phone number as the phone gave it (raw: the lookup normalises it
    with :func:`app.phones.lookup_keys`). ``None``: no such contact; a :class:`CrmContactOut`: none
    in ringdesk, but the centre's CRM knows the number. Should answer from its cache when the server
    is slow; an exception is shown to the operator as a lookup failure."""

    async def lookup(self, number: str) -> ContactOut | CrmContactOut | None: ...


class Outbox(Protocol):
    """Keeps records for the server until they are delivered (``app/sync``). Called on the event loop's
    thread; must return at once (store locally, send in the background) and assign each record its
    ``Idempotency-Key`` so a replay is not stored twice."""

    def put_disposition(self, disposition: DispositionIn) -> None: ...

    def put_status(self, change: StatusChangeIn) -> None: ...


@dataclass(frozen=True)
class KnownContact:
    """The contact behind a number dialled, already looked up (a task's preview): the call takes it
    as it is, without a second lookup, so the card that showed it stays on it. ``None``: looked up
    and unknown."""

    contact: ContactOut | None
