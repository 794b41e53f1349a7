"""Tasks: made from missed calls, callbacks (dispositions) and web requests, and read back.

Every task records its client's zone when it is made (the contact's, else the number's as
``app.phones.time_zone_for`` finds it), which the queue (``server.crud.task_queue``) checks against
business hours before offering it. A second missed call from a number whose callback task is still
open adds an attempt to it instead of a second task.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app import phones
from app.wire.tasks import (
    AttemptKind,
    AttemptOut,
    CallbackOwner,
    RequestType,
    TaskKind,
    TaskOut,
    TaskState,
)
from server.crud import task_rules
from server.models import Call, Contact, ContactPhone, Disposition, Task, TaskAttempt, User
from server.models.users import Person

WAITING = (TaskState.OPEN, TaskState.NOT_REACHED)
"""States a task waits to be claimed in."""
ACTIVE = (TaskState.OPEN, TaskState.NOT_REACHED, TaskState.IN_PROGRESS)
"""States of a task still to be worked (a second missed call adds to it)."""


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
        due_at=due_at,
        calls_made=0,
        **task_rules.clock(task_rules.load(session), kind, due_at),
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
    owner: Person | None,
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
    session: Session, row: Disposition, *, operator: Person, owner: CallbackOwner
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


def out(session: Session, task: Task, *, now: datetime | None = None, asker: User | None = None) -> TaskOut:
    """The task as the API shows it. ``asker``: the user asking, whose name needs no query (on the
    next-task path the task is the asker's own, and usually unowned: one round trip fewer)."""
    known = {asker.id: asker.name} if asker is not None else {}
    ids = {uid for uid in (task.owner_id, task.claimed_by_id) if uid is not None and uid not in known}
    names: dict[int, str] = dict(known)
    if ids:
        names.update(
            (uid, name) for uid, name in session.execute(select(User.id, User.name).where(User.id.in_(ids)))
        )
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
        sla_starts_at=task.sla_starts_at,
        sla_due_at=task.sla_due_at,
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
