"""The task queue: taking the next task with a lease, renewing it, reporting on it, and the team
leads' reassign and cancel. Tasks are made in ``server.crud.tasks``.

**Claiming** (:func:`claim_next`) picks and leases in one transaction. PostgreSQL: ``SELECT ... ORDER
BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED``: a worker that meets a row another worker is
claiming skips it, and a row claimed and committed since the statement's snapshot is re-checked when
locked (READ COMMITTED re-evaluates the ``WHERE``), so no task is handed out twice by any number of
workers. SQLite: every transaction is ``BEGIN IMMEDIATE`` (``server.db``), so claims take turns.

**Local hours**: a task is offered only while its client's local time is within business hours
(``app.local_time``, the rule the card's light uses). The zone is fixed when the task is made (the
contact's, else the number's, else ``task_default_time_zone``); the zones where it is outside hours
now are worked out once a minute (:func:`closed_zones`), so the claim itself stays an indexed query.

**Leases**: ``in_progress`` with ``lease_until`` in the past is claimable again without any write: a
desktop killed mid-task gives it back by doing nothing. The same operator asking again gets their own
unexpired task back (a restarted desktop resumes it).
"""

from __future__ import annotations

import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, Select, func, or_, select, text
from sqlalchemy.orm import Session

from app.local_time import BusinessHours, client_time
from app.wire.tasks import AttemptKind, ResultIn, ResultOutcome, TaskState
from server.chains import trigger as chain_trigger
from server.crud.tasks import WAITING
from server.models import Task, TaskAttempt, User
from server.reports import maintain as reports
from server.webhooks import events as webhook_events


@dataclass(frozen=True)
class Rules:
    """The server settings the queue follows."""

    lease: timedelta
    retry: timedelta
    max_attempts: int
    default_zone: str
    hours: BusinessHours = field(default_factory=BusinessHours)


class TaskConflict(Exception):
    """The task is not in a state that allows this (claimed by someone else, closed): a 409."""


@lru_cache(maxsize=4)
def _closed_zones(minute: datetime, hours: BusinessHours) -> tuple[str, ...]:
    return tuple(
        sorted(
            name
            for name in zoneinfo.available_timezones()
            if (local := client_time(name, minute, hours)) is not None and not local.open
        )
    )


def closed_zones(now: datetime, rules: Rules) -> tuple[str, ...]:
    """Every IANA zone where it is outside business hours now: worked out once a minute (hours
    change on whole hours), with no database work, so the claim stays one indexed query."""
    return _closed_zones(now.replace(second=0, microsecond=0), rules.hours)


@lru_cache(maxsize=4)
def _joined(zones: tuple[str, ...]) -> str:
    """The closed zones as the one text parameter PostgreSQL splits (``string_to_array``): a ``NOT
    IN`` of some 350 zones rendered 350 parameters with their casts on every claim, and the statement,
    too long for psycopg's cache, was parsed again each time (27 ms of a 34 ms claim on 100,000 tasks);
    an array parameter still cost 1.3 ms per pick to dump. The zone filters rows the index walk meets,
    never the index's key, so ``ANY`` costs no plan."""
    return ",".join(zones)  # IANA zone names hold no commas


def _pick(conditions: list[ColumnElement[bool]]) -> Select[Task]:
    return (
        select(Task)
        .where(*conditions)
        .order_by(Task.priority, Task.due_at, Task.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


_ALLOWED = """(owner_id IS NULL OR owner_id = :me)
      AND (team_id IS NULL OR team_id = :team)
      AND NOT (coalesce(time_zone, :default_zone) = ANY(string_to_array(:closed, ',')))
      AND (CAST(:any_queue AS boolean) OR queue IS NULL OR queue = ANY(string_to_array(:queues, :sep)))"""

_RETURNED = ", ".join(f"tasks.{column.name}" for column in Task.__table__.columns)
_CLAIM_SQL = f"""
WITH mine AS (
    SELECT id FROM tasks
    WHERE state = 'in_progress' AND claimed_by_id = :me AND lease_until > :now
    ORDER BY id LIMIT 1
), lapsed AS (
    SELECT id FROM tasks
    WHERE state = 'in_progress' AND lease_until <= :now AND {_ALLOWED}
    ORDER BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
), waiting AS (
    SELECT id FROM tasks
    WHERE state IN ('open', 'not_reached') AND due_at <= :now AND {_ALLOWED}
    ORDER BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED
), picked AS (
    SELECT id FROM mine UNION ALL SELECT id FROM lapsed UNION ALL SELECT id FROM waiting LIMIT 1
)
UPDATE tasks SET state = 'in_progress', claimed_by_id = :me, lease_until = :until
FROM picked WHERE tasks.id = picked.id
RETURNING {_RETURNED}
"""
"""The claim on PostgreSQL as one statement (one round trip, no ORM unit of work): the caller's own
unexpired task, else the first whose lease ran out, else the first waiting one, each pick walking its
index in queue order. A CTE that locks rows is run only as far as it is read, and ``LIMIT 1`` over
the ``UNION ALL`` stops reading at the first row: a caller holding a task locks nothing else, and the
waiting tasks are not walked while a lapsed one is there. ``SKIP LOCKED`` and READ COMMITTED's
re-check of a locked row's ``WHERE`` keep a task from being handed out twice (module notes)."""

_QUEUE_SEP = "\x1f"  # unit separator: never in a queue code
_CLAIM = text(_CLAIM_SQL).columns(*Task.__table__.columns)


def _claim_postgres(session: Session, *, user: User, now: datetime, rules: Rules) -> Task | None:
    queues = user.queues
    params = {
        "me": user.id,
        "team": user.team_id,
        "now": now,
        "until": now + rules.lease,
        "default_zone": rules.default_zone,
        "closed": _joined(closed_zones(now, rules)),
        "any_queue": queues is None,
        "queues": _QUEUE_SEP.join(queues or ()),
        "sep": _QUEUE_SEP,
    }
    claimed = select(Task).from_statement(_CLAIM).execution_options(populate_existing=True)
    return session.scalars(claimed, params).first()


def claim_next(session: Session, *, user: User, now: datetime, rules: Rules) -> Task | None:
    """Lease the next task ``user`` may work (module notes); flushed, not committed.

    Two picks, each walking an index in queue order: tasks whose lease ran out first (a handful:
    they were first in line already), then the waiting ones (the partial index
    ``ix_tasks_waiting``, whose ``WHERE`` the query repeats word for word). On PostgreSQL the
    same picks and the lease are one statement (:data:`_CLAIM_SQL`)."""
    if session.get_bind().dialect.name == "postgresql":
        return _claim_postgres(session, user=user, now=now, rules=rules)
    mine = session.scalars(
        select(Task)
        .where(Task.state == TaskState.IN_PROGRESS, Task.claimed_by_id == user.id, Task.lease_until > now)
        .order_by(Task.id)
        .limit(1)
    ).first()
    if mine is not None:
        mine.lease_until = now + rules.lease
        session.flush()
        return mine
    allowed = [
        or_(Task.owner_id.is_(None), Task.owner_id == user.id),
        or_(Task.team_id.is_(None), Task.team_id == user.team_id),
        func.coalesce(Task.time_zone, rules.default_zone).not_in(closed_zones(now, rules)),
    ]
    if user.queues is not None:
        allowed.append(or_(Task.queue.is_(None), Task.queue.in_(list(user.queues))))
    lapsed = [Task.state == TaskState.IN_PROGRESS, Task.lease_until <= now]
    task = session.scalars(_pick([*lapsed, *allowed])).first()
    if task is None:
        task = session.scalars(_pick([Task.state.in_(WAITING), Task.due_at <= now, *allowed])).first()
    if task is None:
        return None
    task.state = TaskState.IN_PROGRESS
    task.claimed_by_id = user.id
    task.lease_until = now + rules.lease
    session.flush()
    return task


def lock(session: Session, task_id: int) -> Task | None:
    return session.scalars(select(Task).where(Task.id == task_id).with_for_update()).first()


def _held_by(task: Task, user: User) -> None:
    if task.state is not TaskState.IN_PROGRESS or task.claimed_by_id != user.id:
        raise TaskConflict("this task is not claimed by you (its lease ran out and it was offered again?)")


def renew(task: Task, *, user: User, now: datetime, rules: Rules) -> None:
    _held_by(task, user)
    if task.lease_until is not None and task.lease_until <= now:
        raise TaskConflict("the lease ran out: take the task again with POST /tasks/next")
    task.lease_until = now + rules.lease


def release(task: Task, *, user: User) -> None:
    """Give a held task back before its lease runs out (given up in the preview): it is waiting again
    at once, in its old place (``due_at`` and attempts unchanged, no call counted)."""
    _held_by(task, user)
    task.state = TaskState.NOT_REACHED if task.calls_made else TaskState.OPEN
    task.claimed_by_id = None
    task.lease_until = None


def report(
    session: Session,
    task: Task,
    *,
    user: User,
    result: ResultIn,
    now: datetime,
    rules: Rules,
    key: uuid.UUID | None,
) -> None:
    """Store the result of the operator's call: closes the task, or reschedules a "not reached" by the
    retry rule (expired after the last attempt). Flushed."""
    _held_by(task, user)
    outcome = (
        result.outcome.value if result.reason is None else f"{result.outcome.value}:{result.reason.value}"
    )
    session.add(
        TaskAttempt(
            task_id=task.id,
            at=now,
            kind=AttemptKind.CALL,
            outcome=outcome,
            operator_id=user.id,
            call_id=result.call_id,
            comment=result.comment,
            idempotency_key=key,
        )
    )
    task.calls_made += 1
    task.claimed_by_id = None
    task.lease_until = None
    if result.outcome is ResultOutcome.DONE:
        task.state = TaskState.DONE
    elif result.outcome is ResultOutcome.SENT_ONLY:
        task.state = TaskState.SENT_ONLY
    elif task.calls_made >= rules.max_attempts:
        task.state = TaskState.EXPIRED
    else:
        task.state = TaskState.NOT_REACHED
        task.due_at = now + rules.retry
    session.flush()
    missed_calls = session.scalars(
        select(TaskAttempt.call_id).where(
            TaskAttempt.task_id == task.id,
            TaskAttempt.kind == AttemptKind.MISSED_CALL,
            TaskAttempt.call_id.is_not(None),
        )
    )
    made = [result.call_id] if result.call_id else []  # made on this task: its request type
    reports.refresh(session, [*(call_id for call_id in missed_calls if call_id), *made])  # now called back
    webhook_events.task_reported(session, task)
    chain_trigger.task_reported(session, task, result.outcome.value, user.name)


def replayed(session: Session, key: uuid.UUID) -> TaskAttempt | None:
    return session.scalars(select(TaskAttempt).where(TaskAttempt.idempotency_key == key)).first()


def reassign(task: Task, owner: User | None) -> None:
    if task.state.closed:
        raise TaskConflict(f"the task is already {task.state.value}")
    task.owner_id = owner.id if owner is not None else None
    if owner is not None:
        task.team_id = owner.team_id
    if task.state is TaskState.IN_PROGRESS:
        task.state, task.claimed_by_id, task.lease_until = TaskState.OPEN, None, None


def cancel(task: Task) -> None:
    if task.state.closed:
        raise TaskConflict(f"the task is already {task.state.value}")
    task.state, task.claimed_by_id, task.lease_until = TaskState.CANCELLED, None, None
