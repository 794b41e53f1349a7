"""Each call's contribution to the report figures, from its raw rows (pure: rows in, facts out).

A call contributes one fact for itself (offered, and its outcome; called back and how fast when it
was missed) in the bucket it arrived in, and one per disposition (handled or unanswered, success,
talk/hold/ACW) in the bucket its handling ended in (ACW end, else hang-up) or, unanswered, rang in:
the same attribution as the KPIs (``server.kpi.compute.call_totals``). Definitions: ``docs/reports.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.wire.calls import CallOutcome
from app.wire.dispositions import DispositionCategory
from server.models.reports import DIMS, MEASURES

BUCKET = timedelta(minutes=15)
_MS = timedelta(milliseconds=1)


def bucket_of(at: datetime) -> datetime:
    """The 15-minute bucket ``at`` falls in (aligned in UTC, hence in every zone's local time)."""
    return at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)


def ms(span: timedelta) -> int:
    """A duration in whole milliseconds (floored), the unit the rollups add up exactly."""
    return span // _MS


@dataclass(frozen=True)
class CallRow:
    """What a fact needs of one ``calls`` row (operator resolved to a user id, 0: none)."""

    call_id: str
    outcome: CallOutcome
    queue: str | None
    dnis: str | None
    operator_id: int
    team_id: int
    arrived_at: datetime | None
    ended_at: datetime | None
    created_at: datetime
    missed_at: datetime | None = None
    """The missed-call attempt's time on the call's task (the moment the callback clock starts)."""
    called_back_at: datetime | None = None
    """The first operator call on the call's task at or after ``missed_at``."""
    wait_seconds: float | None = None
    """The caller's wait (the PBX's queue wait, else arrival to answer): an accepted call's is its
    answer wait."""
    service_seconds: int | None = None
    """The queue's N when the call was reported (``None``: none known, never in time)."""
    request_type: str | None = None
    """The request type of the task the call was made on (:func:`request_type_of`)."""


@dataclass(frozen=True)
class DispositionRow:
    id: int
    call_id: str
    operator_id: int
    team_id: int
    queue: str | None
    code: str
    category: DispositionCategory
    ring_at: datetime
    answer_at: datetime | None
    end_at: datetime
    acw_end_at: datetime | None
    hold_seconds: int | None


@dataclass(frozen=True)
class Fact:
    call_id: str
    disposition_id: int
    bucket_start: datetime
    operator_id: int = 0
    team_id: int = 0
    queue: str = ""
    dnis: str = ""
    code: str = ""
    request_type: str = ""
    values: tuple[int, ...] = field(default=(0,) * len(MEASURES))

    def row(self) -> dict[str, object]:
        return {
            "call_id": self.call_id,
            "disposition_id": self.disposition_id,
            "bucket_start": self.bucket_start,
            "operator_id": self.operator_id,
            "team_id": self.team_id,
            "queue": self.queue,
            "dnis": self.dnis,
            "code": self.code,
            "request_type": self.request_type,
            **dict(zip(MEASURES, self.values, strict=True)),
        }

    def rollup_keys(self) -> list[tuple[str, datetime, str, int, str]]:
        """The rollup rows this fact adds to: one per breakdown in :data:`DIMS`."""
        keys = {
            "all": "",
            "operator": str(self.operator_id) if self.operator_id else "",
            "dnis": self.dnis,
            "code": self.code,
            "request_type": self.request_type,
        }
        return [(dim, self.bucket_start, keys[dim], self.team_id, self.queue) for dim in DIMS]


def _values(**named: int) -> tuple[int, ...]:
    return tuple(named.get(name, 0) for name in MEASURES)


def request_type_of(made_on: Iterable[str | None], own_task: str | None) -> str:
    """A call's request type: that of the task an operator made it on (a web request's callback:
    the task's attempt names the call; the earliest such attempt with a type), else that of the
    call's own task (a missed call's callback task has none), else none (``''``)."""
    return next((kind for kind in made_on if kind), None) or own_task or ""


def answer_wait(call: CallRow) -> tuple[int, int]:
    """(answered in time, answer wait in ms) of a call: an accepted call whose wait is known
    counts its wait, and is in time when the wait is at most its queue's N (``docs/reports.md``)."""
    if call.outcome is not CallOutcome.ACCEPTED or call.wait_seconds is None:
        return 0, 0
    in_time = call.service_seconds is not None and call.wait_seconds <= call.service_seconds
    return int(in_time), round(call.wait_seconds * 1000)


def call_fact(call: CallRow) -> Fact:
    at = call.arrived_at or call.ended_at or call.created_at
    in_time, wait_ms = answer_wait(call)
    called_back = call.outcome is CallOutcome.MISSED and call.called_back_at is not None
    callback_ms = (
        ms(call.called_back_at - call.missed_at)
        if called_back and call.called_back_at is not None and call.missed_at is not None
        else 0
    )
    return Fact(
        call_id=call.call_id,
        disposition_id=0,
        bucket_start=bucket_of(at),
        operator_id=call.operator_id,
        team_id=call.team_id,
        queue=call.queue or "",
        dnis=call.dnis or "",
        request_type=call.request_type or "",
        values=_values(
            offered=1,
            accepted=int(call.outcome is CallOutcome.ACCEPTED),
            non_target=int(call.outcome is CallOutcome.NON_TARGET),
            missed=int(call.outcome is CallOutcome.MISSED),
            called_back=int(called_back),
            callback_ms=callback_ms,
            answered_in_time=in_time,
            answer_wait_ms=wait_ms,
        ),
    )


def disposition_fact(row: DispositionRow, dnis: str | None, request_type: str | None = None) -> Fact:
    if row.answer_at is None:
        at, values = row.ring_at, _values(unanswered=1)
    else:
        hold = (row.hold_seconds or 0) * 1000
        at = row.acw_end_at if row.acw_end_at is not None else row.end_at
        values = _values(
            handled=1,
            successful=int(row.category is DispositionCategory.SUCCESS),
            non_target_handled=int(row.category is DispositionCategory.NON_TARGET),
            talk_ms=max(ms(row.end_at - row.answer_at) - hold, 0),
            hold_ms=hold,
            acw_ms=ms(row.acw_end_at - row.end_at) if row.acw_end_at is not None else 0,
        )
    return Fact(
        call_id=row.call_id,
        disposition_id=row.id,
        bucket_start=bucket_of(at),
        operator_id=row.operator_id,
        team_id=row.team_id,
        queue=row.queue or "",
        dnis=dnis or "",
        code=row.code,
        request_type=request_type or "",
        values=values,
    )


def facts(
    calls: Iterable[CallRow],
    dispositions: Sequence[DispositionRow],
    request_types: dict[str, str] | None = None,
) -> list[Fact]:
    """Every fact of these calls and dispositions (a disposition's line dialled is its call's, and
    so is its request type; ``request_types``: those of calls with no ``calls`` row, by call id)."""
    by_id = {call.call_id: call for call in calls}
    out = [call_fact(call) for call in by_id.values()]
    for row in dispositions:
        call = by_id.get(row.call_id)
        kind = call.request_type if call is not None else (request_types or {}).get(row.call_id)
        out.append(disposition_fact(row, call.dnis if call is not None else None, kind))
    return out
