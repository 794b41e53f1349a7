"""Tasks: made from missed calls, callbacks and web requests; claimed one at a time; reported on.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app import phones
from app.local_time import BusinessHours, client_time
from app.wire.tasks import (
    AttemptKind,
    AttemptOut,
    CallbackOwner,
    RequestType,
    ResultIn,
    ResultOutcome,
    TaskKind,
    TaskOut,
    TaskState,
)
from server.models import Call, Contact, ContactPhone, Disposition, Task, TaskAttempt, User

PRIORITY = {TaskKind.CALLBACK_MISSED: 0, TaskKind.CALLBACK_SCHEDULED: 1, TaskKind.WEB_REQUEST: 2}
"""Lower is offered first: missed calls, then callbacks that fell due, then web requests."""
WAITING = (TaskState.OPEN, TaskState.NOT_REACHED)
"""States a task waits to be claimed in."""
ACTIVE = (TaskState.OPEN, TaskState.NOT_REACHED, TaskState.IN_PROGRESS)
"""States of a task still to be worked (a second missed call adds to it)."""


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


def client_zone(session: Session, phone: str, contact_id: int | None) -> tuple[int | None, str | None]:
    """The contact a number belongs to (when not given) and the client's zone, as the card finds it."""
    contact = session.get(Contact, contact_id) if contact_id is not None else None
    if contact is None:
        contact = session.scalars(
            select(Contact)
            .join(ContactPhone, ContactPhone.contact_id == Contact.id)
            .where(ContactPhone.e164 == phone)
        ).first()
    zone = contact.time_zone if contact is not None and contact.time_zone else phones.time_zone_for(phone)
    return (contact.id if contact is not None else None), zone


def _new_task(
    session: Session,
    *,
    kind: TaskKind,
    phone: str,
    due_at: datetime,
    contact_id: int | None = None,
    **values: object,
) -> Task:
    contact_id, zone = client_zone(session, phone, contact_id)
    task = Task(
        kind=kind,
        state=TaskState.OPEN,
        phone=phone,
        contact_id=contact_id,
        time_zone=zone,
        priority=PRIORITY[kind],
        due_at=due_at,
        calls_made=0,
        **values,
    )
    session.add(task)
    session.flush()
    return task


def add_missed(
    session: Session,
    *,
    phone: str,
    reason: str,
    call_id: str,
    at: datetime,
    queue: str | None,
    dnis: str | None,
) -> Task:
    """The callback task of a missed call: a new one, or the client's open one with an attempt added
    (a second missed call is one more reason to call back, not a second task). Flushed."""
    query = (
        select(Task)
        .where(Task.phone == phone, Task.kind == TaskKind.CALLBACK_MISSED, Task.state.in_(ACTIVE))
        .order_by(Task.id)
        .limit(1)
        .with_for_update()
    )
    task = session.scalars(query).first()
    if task is None:
        task = _new_task(
            session, kind=TaskKind.CALLBACK_MISSED, phone=phone, due_at=at, queue=queue, dnis=dnis
        )
    session.add(
        TaskAttempt(task_id=task.id, at=at, kind=AttemptKind.MISSED_CALL, outcome=reason, call_id=call_id)
    )
    session.flush()
    return task


def withdraw_missed(session: Session, task: Task, call_id: str) -> None:
    """A call reported missed turned out accepted: drop its attempt, and the task if that was all."""
    for attempt in session.scalars(
        select(TaskAttempt).where(
            TaskAttempt.task_id == task.id,
            TaskAttempt.call_id == call_id,
            TaskAttempt.kind == AttemptKind.MISSED_CALL,
        )
    ):
        session.delete(attempt)
    session.flush()
    left = session.scalar(select(func.count()).select_from(TaskAttempt).where(TaskAttempt.task_id == task.id))
    if not left and task.state is TaskState.OPEN:
        task.state = TaskState.CANCELLED
        session.flush()


def create_callback(
    session: Session,
    *,
    phone: str,
    due_at: datetime,
    owner: User | None,
    team_id: int | None,
    contact_id: int | None,
    queue: str | None,
    text: str,
    disposition_id: int | None,
) -> Task:
    return _new_task(
        session,
        kind=TaskKind.CALLBACK_SCHEDULED,
        phone=phone,
        due_at=due_at,
        contact_id=contact_id,
        owner_id=owner.id if owner is not None else None,
        team_id=team_id,
        queue=queue,
        text=text,
        disposition_id=disposition_id,
    )


def callback_from_disposition(
    session: Session, row: Disposition, *, operator: User, owner: CallbackOwner
) -> Task | None:
    """The task a disposition's callback time makes (none without one); the number is the call's
    caller, else the contact's first number (none known: no task). Flushed."""
    if row.callback_at is None:
        return None
    phone = session.scalar(select(Call.caller).where(Call.call_id == row.call_id))
    if phone is None and row.contact_id is not None:
        phone = session.scalar(
            select(ContactPhone.e164)
            .where(ContactPhone.contact_id == row.contact_id)
            .order_by(ContactPhone.id)
        )
    if phone is None:
        return None
    return create_callback(
        session,
        phone=phone,
        due_at=row.callback_at,
        owner=operator if owner is CallbackOwner.ME else None,
        team_id=operator.team_id,
        contact_id=row.contact_id,
        queue=row.queue,
        text=row.comment,
        disposition_id=row.id,
    )


def create_request(
    session: Session,
    *,
    phone: str,
    request_type: RequestType,
    text: str,
    queue: str | None,
    due_at: datetime,
    source: str,
    key: uuid.UUID | None,
) -> Task:
    return _new_task(
        session,
        kind=TaskKind.WEB_REQUEST,
        phone=phone,
        due_at=due_at,
        request_type=request_type,
        text=text,
        queue=queue,
        source=source,
        idempotency_key=key,
    )


def by_key(session: Session, key: uuid.UUID) -> Task | None:
    return session.scalars(select(Task).where(Task.idempotency_key == key)).first()


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


def out(session: Session, task: Task, *, now: datetime | None = None) -> TaskOut:
    ids = {task.owner_id or 0, task.claimed_by_id or 0}
    names: dict[int, str] = {
        uid: name for uid, name in session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    }
    rows = session.execute(
        select(TaskAttempt, User.name)
        .outerjoin(User, User.id == TaskAttempt.operator_id)
        .where(TaskAttempt.task_id == task.id)
        .order_by(TaskAttempt.at, TaskAttempt.id)
    ).all()
    attempts = [
        AttemptOut(
            at=a.at, kind=a.kind, outcome=a.outcome, operator=name, call_id=a.call_id, comment=a.comment
        )
        for a, name in rows
    ]
    expired_lease = task.lease_until is not None and now is not None and task.lease_until <= now
    return TaskOut(
        id=task.id,
        kind=task.kind,
        state=TaskState.OPEN if task.state is TaskState.IN_PROGRESS and expired_lease else task.state,
        phone=task.phone,
        contact_id=task.contact_id,
        queue=task.queue,
        dnis=task.dnis,
        owner=names.get(task.owner_id) if task.owner_id is not None else None,
        due_at=task.due_at,
        priority=task.priority,
        request_type=task.request_type,
        text=task.text,
        time_zone=task.time_zone,
        attempts=attempts,
        calls_made=task.calls_made,
        claimed_by=names.get(task.claimed_by_id) if task.claimed_by_id is not None else None,
        lease_until=task.lease_until,
        created_at=task.created_at,
    )


def list_tasks(
    session: Session,
    *,
    team_ids: frozenset[int] | None,
    operator: User | None,
    states: Sequence[TaskState],
    limit: int,
) -> Sequence[Task]:
    """Tasks in order of the queue. ``operator``: theirs and their team's unowned ones; else
    ``team_ids``'s and the unassigned ones (``None``: all)."""
    query = select(Task).order_by(Task.priority, Task.due_at, Task.id).limit(limit)
    if states:
        query = query.where(Task.state.in_(list(states)))
    if operator is not None:
        query = query.where(
            or_(
                Task.owner_id == operator.id,
                Task.claimed_by_id == operator.id,
                and_(Task.owner_id.is_(None), or_(Task.team_id.is_(None), Task.team_id == operator.team_id)),
            )
        )
    elif team_ids is not None:
        query = query.where(or_(Task.team_id.is_(None), Task.team_id.in_(team_ids)))
    return list(session.scalars(query))
