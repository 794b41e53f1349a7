"""Calls: every source's reports of one inbound call merged into one row, and the callback task a
missed call makes.

Merge rules (:func:`record`), whatever order reports arrive in:

* A field a report leaves out keeps its value; a field it gives replaces it (later is better
  informed: a PBX's hang-up report knows the end time its join report did not). Except a wait given
  as a lower bound (``wait_at_least``: a desktop's report, which saw only the ring at that desk, a
  part of the caller's wait): it raises the wait, never lowers it, so a PBX's queue wait or a longer
  ring at another desk stands whichever report arrives first.
* ``accepted`` wins: once any source says an operator answered, the call stays accepted, and the
  missed-call attempt it had added to a task is withdrawn (the task cancelled if nothing else is on it).
* Otherwise the latest report's outcome and reason stand, then a ``missed``/``abandoned`` call whose
  caller waited less than ``non_target_seconds`` becomes ``non_target`` (hung up within the greeting).
* A call that ends up ``missed`` with a caller number gets its callback task (``server.crud.tasks``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.wire.calls import CallOut, CallOutcome, CallReportIn, MissedReason
from app.wire.statuses import OperatorStatus
from server.crm import outbox as crm_outbox
from server.crud import task_rules, tasks
from server.crud.routing import answers_queue
from server.models import Call, OperatorCurrentStatus, Role, Task, User, utcnow
from server.reports import maintain as reports
from server.webhooks import events as webhook_events


def _row(session: Session, call_id: str) -> Call:
    """The call's row, locked; inserted first when new (a concurrent first report waits, then merges)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(Call)
        .values(
            call_id=call_id, outcome=CallOutcome.MISSED, sources=[], created_at=utcnow(), updated_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["call_id"])
    )
    call = session.scalars(
        select(Call)
        .where(Call.call_id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return call


def record(
    session: Session,
    report: CallReportIn,
    *,
    source: str,
    non_target_seconds: float,
    service_level: Callable[[str | None], int] | None = None,
    wait_at_least: bool = False,
) -> Call:
    """Merge ``report`` from ``source`` into its call (module notes); flushed, not committed.
    ``service_level`` (``Settings.service_level_for``) gives the call its queue's N for the reports'
    service level (left as it was without it: a routing report knows no answer). ``wait_at_least``:
    the report's wait is a lower bound (a desktop's ring), kept only where it is longer."""
    call = _row(session, report.call_id)
    fresh, had_end = not call.sources, call.ended_at is not None
    known_wait = call.wait_seconds
    for name in (
        "caller",
        "dnis",
        "queue",
        "operator",
        "arrived_at",
        "answered_at",
        "ended_at",
        "wait_seconds",
    ):
        value = getattr(report, name)
        if value is not None:
            setattr(call, name, value)
    until = call.answered_at or call.ended_at
    timed = (until - call.arrived_at).total_seconds() if call.arrived_at and until else None
    if wait_at_least and report.wait_seconds is not None:
        call.wait_seconds = max(w for w in (known_wait, timed, report.wait_seconds) if w is not None)
    elif report.wait_seconds is None and timed is not None:
        call.wait_seconds = timed
    if fresh or call.outcome is not CallOutcome.ACCEPTED:
        call.outcome, call.missed_reason = report.outcome, report.missed_reason
    if (
        call.outcome is CallOutcome.MISSED
        and call.missed_reason is MissedReason.ABANDONED
        and call.wait_seconds is not None
        and call.wait_seconds < non_target_seconds
    ):
        call.outcome, call.missed_reason = CallOutcome.NON_TARGET, None
    arrived = call.arrived_at or call.ended_at or utcnow()  # a report without times is a live one
    if call.outcome is CallOutcome.MISSED and task_rules.out_of_hours(session, arrived):
        call.missed_reason = MissedReason.OUT_OF_HOURS  # the centre was closed: whatever the PBX saw
    if source not in call.sources:
        call.sources = [*call.sources, source]
    if service_level is not None:
        call.service_seconds = service_level(call.queue)
    session.flush()
    _follow_task(session, call)
    reports.refresh(session, [call.call_id])  # the report rollups, in this same transaction
    webhook_events.call_recorded(session, call, fresh=fresh, had_end=had_end)
    crm_outbox.call_recorded(session, call)
    return call


def _follow_task(session: Session, call: Call) -> None:
    if call.outcome is CallOutcome.MISSED and call.task_id is None and call.caller is not None:
        at: datetime = call.ended_at or call.arrived_at or utcnow()
        reason = call.missed_reason.value if call.missed_reason is not None else "missed"
        task = tasks.add_missed(
            session,
            phone=call.caller,
            reason=reason,
            call_id=call.call_id,
            at=at,
            queue=call.queue,
            dnis=call.dnis,
        )
        call.task_id = task.id
    elif call.outcome is not CallOutcome.MISSED and call.task_id is not None:
        task_row = session.get(Task, call.task_id)
        if task_row is not None:
            tasks.withdraw_missed(session, task_row, call.call_id)
        call.task_id = None
    session.flush()


def anyone_logged_in(session: Session, queue: str) -> bool:
    """Whether any active operator who answers ``queue`` is logged in (any status but offline)."""
    query = (
        select(OperatorCurrentStatus.operator_id)
        .join(User, User.id == OperatorCurrentStatus.operator_id)
        .where(
            User.role == Role.OPERATOR,
            User.active.is_(True),
            OperatorCurrentStatus.status != OperatorStatus.OFFLINE,
            answers_queue(queue, session.get_bind().dialect.name),
        )
        .limit(1)
    )
    return session.execute(query).first() is not None


def call_out(call: Call) -> CallOut:
    return CallOut(
        id=call.id,
        call_id=call.call_id,
        outcome=call.outcome,
        missed_reason=call.missed_reason,
        caller=call.caller,
        dnis=call.dnis,
        queue=call.queue,
        operator=call.operator,
        arrived_at=call.arrived_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        wait_seconds=call.wait_seconds,
        sources=list(call.sources),
        task_id=call.task_id,
    )
