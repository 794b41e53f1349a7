"""The task queue: taking the next task with a lease, renewing it, reporting on it, and the team
leads' reassign and cancel. Tasks are made in ``server.crud.tasks``.

**Claiming** (:func:`claim_next`) picks and leases in one transaction. PostgreSQL: ``SELECT ... ORDER
BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED``: a worker that meets a row another worker is
claiming skips it, and a row claimed and committed since the statement's snapshot is re-checked when
locked (READ COMMITTED re-evaluates the ``WHERE``), so no task is handed out twice by any number of
workers. SQLite: every transaction is ``BEGIN IMMEDIATE`` (``server.db``), so claims take turns.

**Local hours**: a task is offered only while its client's local time is within business hours
(``app.local_time``, the rule the card's light uses). The zone is fixed when the task is made (the
contact's, else the number's, else ``task_default_time_zone``); the open zones are worked out first
(few distinct zones), so the claim itself stays one indexed query.

**Leases**: ``in_progress`` with ``lease_until`` in the past is claimable again without any write: a
desktop killed mid-task gives it back by doing nothing. The same operator asking again gets their own
unexpired task back (a restarted desktop resumes it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.local_time import BusinessHours, client_time
from app.wire.tasks import AttemptKind, ResultIn, ResultOutcome, TaskState
from server.crud.tasks import WAITING
from server.models import Task, TaskAttempt, User


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


def _claimable(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Task.state.in_(WAITING), Task.due_at <= now),
        and_(Task.state == TaskState.IN_PROGRESS, Task.lease_until <= now),
    )


def open_zones(session: Session, now: datetime, rules: Rules) -> list[str]:
    """The zones among claimable tasks where it is business hours now."""
    zone = func.coalesce(Task.time_zone, rules.default_zone)
    zones = session.scalars(select(zone).where(_claimable(now)).distinct())
    result = []
    for name in zones:
        local = client_time(name, now, rules.hours)
        if local is None or local.open:  # an unknown zone name cannot be checked: never blocks
            result.append(name)
    return result


def claim_next(session: Session, *, user: User, now: datetime, rules: Rules) -> Task | None:
    """Lease the next task ``user`` may work (module notes); flushed, not committed."""
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
    zones = open_zones(session, now, rules)
    if not zones:
        return None
    conditions = [
        _claimable(now),
        or_(Task.owner_id.is_(None), Task.owner_id == user.id),
        or_(Task.team_id.is_(None), Task.team_id == user.team_id),
        func.coalesce(Task.time_zone, rules.default_zone).in_(zones),
    ]
    if user.queues is not None:
        conditions.append(or_(Task.queue.is_(None), Task.queue.in_(list(user.queues))))
    pick = (
        select(Task)
        .where(*conditions)
        .order_by(Task.priority, Task.due_at, Task.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    task = session.scalars(pick).first()
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
