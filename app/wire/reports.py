"""Historical reports on the wire (``GET /reports/...``; definitions in ``docs/reports.md``).

Every figure comes from the server's rollups of raw events (calls, dispositions, task attempts).
Counts are integers, durations whole seconds (sums) or seconds with one decimal (averages), ratios
fractions (0.82) and ``None`` when undefined (nothing to divide by). Interval starts carry the
centre's offset at that moment (``2026-03-29T03:00:00+02:00``), so a day with a DST change reads
as the clock on the wall read.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from app.wire.contacts import ContactOut
from app.wire.schema import BaseModel, Field


class Interval(StrEnum):
    QUARTER = "15min"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class GroupBy(StrEnum):
    NONE = "none"
    QUEUE = "queue"
    TEAM = "team"
    OPERATOR = "operator"
    DNIS = "dnis"
    """The number the caller dialled: the advertising line."""
    CODE = "code"
    """The disposition code (its category beside it)."""
    REQUEST_TYPE = "request_type"
    """The request type of the task the call was made on (``app.wire.tasks.RequestType``)."""


class ReportRow(BaseModel):
    """The figures of one interval and group (``start``/``group`` ``None``: all of the period / all)."""

    start: datetime | None = None
    group: str | None = None
    category: str | None = None
    """The disposition category of ``group`` when grouping by code."""
    offered: int = 0
    accepted: int = 0
    non_target: int = 0
    missed: int = 0
    called_back: int = 0
    callback_share: float | None = None
    avg_callback_seconds: float | None = None
    handled: int = 0
    unanswered: int = 0
    successful: int = 0
    non_target_handled: int = 0
    talk_seconds: int = 0
    hold_seconds: int = 0
    acw_seconds: int = 0
    aht_seconds: float | None = None
    acw_share: float | None = None
    conversion: float | None = None
    quality_score: float | None = None
    """The average evaluation score (0-100) of the calls started in the row (none, team and operator
    groupings; ``None`` when nothing was scored)."""
    answered_in_time: int = 0
    """Accepted calls answered within their queue's N seconds of arriving."""
    service_level: float | None = None
    """``answered_in_time / (offered - non_target)``, as the live dashboard's."""
    avg_answer_seconds: float | None = None
    """The accepted calls' mean wait before the answer (speed of answer)."""


class Report(BaseModel):
    since: datetime
    until: datetime
    time_zone: str
    interval: Interval | None
    by: GroupBy
    rows: list[ReportRow] = Field(default_factory=list)
    total: ReportRow


class OperatorRow(ReportRow):
    team: str | None = None


class TeamMedian(BaseModel):
    team: str | None
    operators: int
    handled: float | None = None
    aht_seconds: float | None = None
    conversion: float | None = None
    acw_share: float | None = None
    avg_callback_seconds: float | None = None
    quality_score: float | None = None


class OperatorReport(BaseModel):
    """Per-operator analytics over a period with each team's median beside them."""

    since: datetime
    until: datetime
    time_zone: str
    operators: list[OperatorRow] = Field(default_factory=list)
    medians: list[TeamMedian] = Field(default_factory=list)


COUNTED = (
    "offered",
    "accepted",
    "non_target",
    "missed",
    "called_back",
    "handled",
    "unanswered",
    "successful",
    "non_target_handled",
)
"""The figures that count calls or dispositions: a drill-down lists exactly that many."""

DrillFigure = Literal[
    "offered",
    "accepted",
    "non_target",
    "missed",
    "called_back",
    "handled",
    "unanswered",
    "successful",
    "non_target_handled",
]


class DrillCall(BaseModel):
    """One call (``disposition_id`` 0) or one disposition of it behind a figure
    (``GET /reports/calls/list``): what the lead needs to find it and open its recording."""

    call_id: str
    disposition_id: int = 0
    at: datetime | None = None
    """When it arrived (a call), else when its handling started (a disposition: ring time)."""
    caller: str | None = None
    outcome: str | None = None
    queue: str | None = None
    dnis: str | None = None
    operator: str | None = None
    code: str | None = None
    talk_seconds: int | None = None
    hold_seconds: int | None = None
    acw_seconds: int | None = None
    comment: str = ""
    script_answers: dict[str, Any] = Field(default_factory=dict)
    recording_id: int | None = None
    """The stored recording of this call by its operator (``None``: none, or not stored yet)."""
    recording_seconds: float | None = None


class DrillDown(BaseModel):
    figure: DrillFigure
    since: datetime
    until: datetime
    group: str | None = None
    calls: list[DrillCall] = Field(default_factory=list)


class LiveQueue(BaseModel):
    """One queue today so far (``GET /reports/live``; definitions in ``docs/reports.md``)."""

    queue: str | None
    offered: int = 0
    accepted: int = 0
    non_target: int = 0
    missed: int = 0
    abandoned: int = 0
    """Missed calls whose caller hung up while waiting (after the greeting)."""
    missed_open: int = 0
    """Missed calls nobody has called back yet."""
    service_seconds: int = 20
    """N of this queue's service level."""
    answered_in_time: int = 0
    service_level: float | None = None
    """``answered_in_time / (offered - non_target)``: answered within N seconds of arriving."""
    aht_seconds: float | None = None
    waiting: int | None = None
    """Calls waiting in the queue now (``None``: no PBX adapter reports it, or its connection is down)."""
    longest_wait_seconds: float | None = None
    """How long the caller who has waited longest has waited so far, at the time of the read (0 when
    nobody waits; ``None`` with ``waiting``)."""


class LiveReport(BaseModel):
    day: date
    time_zone: str
    queues: list[LiveQueue] = Field(default_factory=list)
    total: LiveQueue
    pbx_configured: bool = False
    """A PBX adapter that reports its queues' waiting callers is configured (Asterisk AMI, FreeSWITCH ESL)."""
    pbx_connected: bool = False
    """... and its connection is up and synced: ``waiting`` is known."""


class CardDisposition(BaseModel):
    """One disposition of the call on its card: who handled it, how, what they noted and the
    answers given along the call script."""

    id: int
    operator: str | None = None
    code: str
    ring_at: datetime
    answer_at: datetime | None = None
    end_at: datetime
    acw_end_at: datetime | None = None
    hold_seconds: int | None = None
    comment: str = ""
    script_id: str | None = None
    script_version: int | None = None
    script_answers: dict[str, Any] = Field(default_factory=dict)
    script_name: str | None = None
    """The script's name (``None``: no such script version stored)."""
    script_questions: dict[str, str] = Field(default_factory=dict)
    """Each answered field's question as the script asked it (its label), by field id."""


class CardRecording(BaseModel):
    """A stored recording of the call (played through ``/recordings/{id}``, where every play is
    audited)."""

    id: int
    operator: str | None = None
    seconds: float


class CallCard(BaseModel):
    """One call as a lead opens it from a report (``GET /reports/calls/card``): the call, the
    client's contact card (read-only), its dispositions with the script answers, its recordings."""

    call_id: str
    outcome: str | None = None
    """``None``: no PBX or desktop reported the call (an outbound call known by its disposition)."""
    missed_reason: str | None = None
    caller: str | None = None
    dnis: str | None = None
    queue: str | None = None
    operator: str | None = None
    arrived_at: datetime | None = None
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_seconds: float | None = None
    service_seconds: int | None = None
    """The queue's N the call was counted against."""
    request_type: str | None = None
    contact: ContactOut | None = None
    dispositions: list[CardDisposition] = Field(default_factory=list)
    recordings: list[CardRecording] = Field(default_factory=list)
