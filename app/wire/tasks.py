"""Tasks on the wire: callbacks and requests an operator works through, one at a time.

A task is created by a missed call (``callback_missed``), by a disposition with a callback time
(``callback_scheduled``) or by a website or other source through ``POST /tasks`` (``web_request``,
with a :class:`RequestType` from the catalogue). An operator takes the next one with
``POST /tasks/next`` (a lease they renew), calls, and reports a :class:`ResultIn`. The rules are in
``docs/tasks.md``; the server side in ``server/crud/tasks.py``.
"""

from __future__ import annotations

from enum import StrEnum

from app.wire.calls import PhoneText
from app.wire.common import CallId, Code, Comment, UserName, UtcDatetime, WireModel
from app.wire.schema import Field, model_validator

MAX_DUE_DAYS = 366
"""How far ahead a task may fall due: a year. Later than that is a typo, not a plan."""


class TaskKind(StrEnum):
    CALLBACK_MISSED = "callback_missed"
    CALLBACK_SCHEDULED = "callback_scheduled"
    WEB_REQUEST = "web_request"


class TaskState(StrEnum):
    """The states, colour-coded the same everywhere (``ui/theme.py`` on the desktop)."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    """Claimed by an operator whose lease has not run out."""
    DONE = "done"
    NOT_REACHED = "not_reached"
    """Called, nobody answered: offered again after the retry delay."""
    SENT_ONLY = "sent_only"
    """Answered by e-mail or SMS only."""
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    """Not reached after the last allowed attempt."""

    @property
    def closed(self) -> bool:
        return self in CLOSED_STATES


CLOSED_STATES = frozenset({TaskState.DONE, TaskState.SENT_ONLY, TaskState.CANCELLED, TaskState.EXPIRED})


class RequestType(StrEnum):
    """The catalogue of web and other requests."""

    SALES = "sales"
    SERVICE = "service"
    COMPLAINT = "complaint"
    WHERE_TO_BUY = "where_to_buy"
    DISCOUNT = "discount"
    OTHER = "other"


class CallbackOwner(StrEnum):
    """Who a disposition's callback belongs to (VICIdial's USERONLY / ANYONE)."""

    ME = "me"
    ANYONE = "anyone"


class AttemptKind(StrEnum):
    MISSED_CALL = "missed_call"
    """The client called and nobody answered (again)."""
    CALL = "call"
    """An operator worked the task."""


class ResultOutcome(StrEnum):
    DONE = "done"
    NOT_REACHED = "not_reached"
    SENT_ONLY = "sent_only"


class NotReachedReason(StrEnum):
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    VOICEMAIL = "voicemail"
    WRONG_NUMBER = "wrong_number"


class AttemptOut(WireModel):
    at: UtcDatetime
    kind: AttemptKind
    outcome: str
    """For a missed call its reason; for a call the :class:`ResultOutcome` (and reason)."""
    operator: str | None = None
    call_id: str | None = None
    comment: str = ""


class TaskOut(WireModel):
    id: int
    kind: TaskKind
    state: TaskState
    phone: str
    contact_id: int | None = None
    queue: str | None = None
    dnis: str | None = None
    owner: str | None = None
    """The operator it belongs to; ``None``: anyone of the team may take it."""
    due_at: UtcDatetime
    priority: int
    request_type: RequestType | None = None
    text: str = ""
    time_zone: str | None = None
    attempts: list[AttemptOut] = Field(default_factory=list)
    calls_made: int = 0
    claimed_by: str | None = None
    lease_until: UtcDatetime | None = None
    created_at: UtcDatetime
    sla_starts_at: UtcDatetime | None = None
    """When the SLA clock started: when the task fell due, or the centre's next opening."""
    sla_due_at: UtcDatetime | None = None


class TaskIn(WireModel):
    """A request from a website or another source (``POST /tasks`` with a source key)."""

    kind: TaskKind = TaskKind.WEB_REQUEST
    phone: PhoneText
    request_type: RequestType
    text: Comment = ""
    queue: Code | None = None
    due_at: UtcDatetime | None = None
    """When to call at the earliest; now when left out. Not in the past, at most a year ahead."""

    @model_validator(mode="after")
    def _web_only(self) -> TaskIn:
        if self.kind is not TaskKind.WEB_REQUEST:
            raise ValueError("sources create web_request tasks; callbacks come from calls and dispositions")
        return self


class ResultIn(WireModel):
    """What came of working a claimed task."""

    outcome: ResultOutcome
    reason: NotReachedReason | None = None
    comment: Comment = ""
    call_id: CallId | None = None

    @model_validator(mode="after")
    def _reason(self) -> ResultIn:
        if self.reason is not None and self.outcome is not ResultOutcome.NOT_REACHED:
            raise ValueError("reason is only for not_reached")
        return self


class ReassignIn(WireModel):
    owner: UserName | None
    """The new owner; ``None`` hands it to anyone of the team."""


__all__ = [
    "CLOSED_STATES",
    "MAX_DUE_DAYS",
    "AttemptKind",
    "AttemptOut",
    "CallbackOwner",
    "NotReachedReason",
    "ReassignIn",
    "RequestType",
    "ResultIn",
    "ResultOutcome",
    "TaskIn",
    "TaskKind",
    "TaskOut",
    "TaskState",
]
