"""Operator statuses on the wire: what the operator (or their team lead, or the system) chose.

Status is kept apart from the phone's state (idle, ringing, talking): the two drifting apart is the
classic agent-desktop complaint, so the board shows both (``registered`` is phone health).

The set, from the contact-centre notes and the issue: ``shift_start`` (logged in, not yet taking calls:
Asterisk ``QueueAdd`` paused), ``ready``, ``on_call``, ``acw`` (after-call work), the not-ready family
``break``, ``lunch``, ``meeting``, ``training``, then ``back_of_queue`` (still routable but offered calls
only after everyone else: a queue penalty), ``end_of_shift`` (logged out properly) and ``offline``, which
only the system sets when a desktop vanished without ending its shift (crash, network): without it a
dead workstation would show "ready" on the board forever.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from app.wire.common import CatalogueCode, Code, Line, UtcDatetime, WireModel


class OperatorStatus(StrEnum):
    """What an operator is doing from the queue's point of view."""

    SHIFT_START = "shift_start"
    READY = "ready"
    ON_CALL = "on_call"
    ACW = "acw"
    BREAK = "break"
    LUNCH = "lunch"
    MEETING = "meeting"
    TRAINING = "training"
    BACK_OF_QUEUE = "back_of_queue"
    END_OF_SHIFT = "end_of_shift"
    OFFLINE = "offline"

    @property
    def routable(self) -> bool:
        """Whether the queue may offer this operator a call (back-of-queue: only after the others)."""
        return self in (OperatorStatus.READY, OperatorStatus.BACK_OF_QUEUE)


NOT_READY = frozenset(
    {
        OperatorStatus.BREAK,
        OperatorStatus.LUNCH,
        OperatorStatus.MEETING,
        OperatorStatus.TRAINING,
        OperatorStatus.BACK_OF_QUEUE,
    }
)
"""Statuses that take a reason from the not-ready catalogue."""
SYSTEM_ONLY = frozenset({OperatorStatus.ON_CALL, OperatorStatus.OFFLINE})
"""Statuses that follow from facts (a call, a lost desktop), never chosen by a person."""

StatusSource = Literal["operator", "team_lead", "system"]


class StatusChangeIn(WireModel):
    """One status change as sent to the server. ``at`` is when it happened on the sender's clock."""

    operator: Code
    """Login of the operator whose status changes (a team lead may change someone else's)."""
    status: OperatorStatus
    reason: CatalogueCode | None = None
    """A not-ready reason code from the catalogue (``smoke``, ``coaching``...)."""
    at: UtcDatetime
    source: StatusSource = "operator"


class StatusChangeOut(StatusChangeIn):
    """A stored status change."""

    id: int
    by: Code | None = None
    """Login of whoever made the change when it is not the operator (a team lead); ``None`` otherwise."""
    received_at: UtcDatetime


class BoardRow(WireModel):
    """One operator on the team lead's live board."""

    operator: Code
    name: Line = ""
    team: Code | None = None
    status: OperatorStatus
    reason: CatalogueCode | None = None
    since: UtcDatetime
    """When the current status began: the board shows time in status from it."""
    source: StatusSource = "operator"
    max_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    """The reason's time limit, copied in so the board can flag an overlong break without the catalogue."""
    call_id: Line | None = None
    """The call in progress while ``on_call`` or ``acw``."""
    registered: bool | None = None
    """Whether the operator's phone is registered (``None``: unknown): "ready" with a dead phone is not."""
