"""Operator statuses on the wire: what the operator (or their team lead, or the system) chose.

Status is kept apart from the phone's state (idle, ringing, talking): the two drifting apart is the
classic agent-desktop complaint, so the board shows both (``registered`` is phone health).

Five statuses, and a reason for one of them:

- ``offline``: not working. Before the shift, after it (end of shift is ``offline`` set by the
  operator) and when a desktop vanished without ending its shift (set by the system: without it a
  dead workstation would show "ready" on the board forever). ``source`` tells these apart.
- ``ready``: waiting for a call.
- ``not_ready``: logged in but not taking calls, always with a ``reason`` from the server's
  not-ready catalogue (:class:`NotReadyReason`): ``shift_start`` (logged in, not yet ready: Asterisk
  ``QueueAdd`` paused), ``break``, ``lunch``, ``meeting``, ``training``, ``back_of_queue``... Each
  reason carries the flags KPIs and routing need, so a new kind of pause is catalogue data, not a code
  change. A ``routable`` reason (``back_of_queue``) still gets calls, but only when nobody ready is
  free (a queue penalty); whether an operator can be offered a call is :func:`routable`.
- ``on_call``: on a call (follows from the phone, never chosen).
- ``acw``: after-call work, between the end of a call and the next status.
"""

from __future__ import annotations

from enum import StrEnum

from app.wire.common import CallId, CatalogueCode, Id64, Label, Line, UserName, UtcDatetime, WireModel
from app.wire.schema import Field, model_validator


class OperatorStatus(StrEnum):
    """What an operator is doing from the queue's point of view (stored as the value by the server)."""

    OFFLINE = "offline"
    READY = "ready"
    NOT_READY = "not_ready"
    ON_CALL = "on_call"
    ACW = "acw"

    @property
    def logged_in(self) -> bool:
        """Whether the operator is on shift (every status but ``offline``)."""
        return self is not OperatorStatus.OFFLINE

    @property
    def needs_reason(self) -> bool:
        """Whether the status takes a reason from the not-ready catalogue (only ``not_ready`` does)."""
        return self is OperatorStatus.NOT_READY


class StatusSource(StrEnum):
    """Who made a status change."""

    OPERATOR = "operator"
    TEAM_LEAD = "team_lead"
    SYSTEM = "system"


SYSTEM_ONLY = frozenset({OperatorStatus.ON_CALL})
"""Statuses that follow from facts (a call in progress), never chosen by a person."""

SHIFT_START = "shift_start"
"""The reason code a desktop sends on login: on shift, not yet ready. Every catalogue has it."""
PHONE_OFFLINE = "phone_offline"
"""The reason a desktop reports while its phone is unregistered under a routable choice."""
CONNECTION_LOST = "connection_lost"
"""The reason the server records when an operator's desktop fell silent (killed, cut off): not
routable until the desktop is back and the operator chooses again (``server.presence``)."""
SYSTEM_REASONS = frozenset({SHIFT_START, PHONE_OFFLINE, CONNECTION_LOST})
"""The reasons desktops set by themselves: the server marks them ``system`` in its catalogue."""
BACK_OF_QUEUE = "back_of_queue"
"""The usual routable reason: calls only when no ready operator is free."""


def check_reason(status: OperatorStatus, reason: str | None) -> str | None:
    """Why ``reason`` does not go with ``status`` (an English sentence), or ``None`` when it does."""
    if status.needs_reason and reason is None:
        return "a not_ready status needs a reason code from the not-ready catalogue"
    if not status.needs_reason and reason is not None:
        return f"only a not_ready status carries a reason, not {status.value}"
    return None


class NotReadyReason(WireModel):
    """One reason an operator is ``not_ready``, with the flags KPIs, routing and the board need."""

    code: CatalogueCode
    label_en: Label
    label_ru: Label
    routable: bool = False
    """Calls may still be offered, but only when no ready operator is free (``back_of_queue``)."""
    productive: bool = False
    """Counts as working time (training, coaching) rather than a pause."""
    max_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    """The board flags the operator once the reason has lasted longer (``None``: no limit)."""
    needs_approval: bool = False
    """A team lead must approve it before it applies (break approval)."""
    active: bool = True
    """Retired reasons stay in the catalogue so old status changes still resolve, but are not offered."""
    system: bool = False
    """Set by the desktop itself, never chosen by a person (``shift_start`` on login, ``phone_offline``
    when the phone loses its registration): no status menu, tray or Force dialog offers it
    (:func:`choosable`), and the server refuses it in a force."""


def choosable(reason: NotReadyReason) -> bool:
    """Whether a person (the operator, or a team lead forcing a status) may pick ``reason``: active
    and not one the system sets by itself. Every chooser offers exactly these."""
    return reason.active and not reason.system


def routable(status: OperatorStatus, reason: NotReadyReason | None = None) -> bool:
    """Whether the queue may offer this operator a call.

    ``ready`` is; ``not_ready`` is only with a routable reason (and then after every ready operator:
    back of queue); ``offline``, ``on_call`` and ``acw`` are not. ``reason`` is the catalogue entry of
    the status's reason code.
    """
    if status is OperatorStatus.READY:
        return True
    return status is OperatorStatus.NOT_READY and reason is not None and reason.routable


class StatusChangeIn(WireModel):
    """One status change as sent to the server. ``at`` is when it happened on the sender's clock."""

    operator: UserName
    """Login of the operator whose status changes (a team lead may change someone else's)."""
    status: OperatorStatus
    reason: CatalogueCode | None = None
    """The not-ready reason code (``shift_start``, ``break``...): required with ``not_ready``, and
    only there."""
    at: UtcDatetime
    source: StatusSource = StatusSource.OPERATOR
    request: Id64 | None = None
    """The team lead's force (``app.wire.requests``) this change applies, when the operator's desktop
    applies it after a call: then ``source`` is ``team_lead`` for the operator's own status, and the
    server settles that request. ``None`` for every other change."""

    @model_validator(mode="after")
    def _reason_matches_status(self) -> StatusChangeIn:
        if problem := check_reason(self.status, self.reason):
            raise ValueError(problem)
        return self


class StatusChangeOut(StatusChangeIn):
    """A stored status change."""

    id: int
    by: UserName | None = None
    """Login of whoever made the change when it is not the operator (a team lead); ``None`` otherwise."""
    received_at: UtcDatetime


class BoardRow(WireModel):
    """One operator on the team lead's live board."""

    operator: UserName
    name: Line = ""
    """Display name for the board; empty when the server knows only the login."""
    team: UserName | None = None
    status: OperatorStatus
    reason: CatalogueCode | None = None
    since: UtcDatetime
    """When the current status began: the board shows time in status from it."""
    source: StatusSource = StatusSource.OPERATOR
    routable: bool = False
    """:func:`routable` for the status and reason, computed by the server so the board needs no catalogue."""
    max_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    """The reason's time limit, copied in so the board can flag an overlong break without the catalogue."""
    amber_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    """The board turns the row amber past this many minutes in the status (:class:`Threshold`)."""
    red_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    """...and red past this many."""
    call_id: CallId | None = None
    """The call in progress while ``on_call`` or ``acw``."""
    registered: bool | None = None
    """Whether the operator's phone is registered (``None``: unknown): "ready" with a dead phone is not."""

    @model_validator(mode="after")
    def _reason_matches_status(self) -> BoardRow:
        if problem := check_reason(self.status, self.reason):
            raise ValueError(problem)
        return self


class Threshold(WireModel):
    """Board colours for time in a status: ``key`` is a not-ready reason code (``break``) or a
    status without a reason (``acw``, ``on_call``). Past ``amber_minutes`` the row turns amber, past
    ``red_minutes`` red. Kept on the server so every team lead's board agrees."""

    key: CatalogueCode
    amber_minutes: int = Field(ge=1, le=24 * 60)
    red_minutes: int = Field(ge=1, le=24 * 60)

    @model_validator(mode="after")
    def _amber_first(self) -> Threshold:
        if self.red_minutes < self.amber_minutes:
            raise ValueError("red_minutes must not be below amber_minutes")
        return self


def threshold_key(status: OperatorStatus, reason: str | None) -> str:
    """The :class:`Threshold` key for a status: its reason when it has one, else the status."""
    return reason if reason is not None else status.value
