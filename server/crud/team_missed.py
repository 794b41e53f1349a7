"""The team board's missed-call figures (``GET /team/missed``): what a team lead's team still owes
its callers, and how fast it called back today.

Which missed calls are a team's: a task made for the team, or a task of no team (missed-call tasks
have none) in a queue one of the team's operators answers, or of no queue. An operator with no
queue list answers every queue, so then every unassigned task is the team's, as ``GET /tasks``
lists them.

The callback SLA of a day: of the missed-call tasks made that day (not cancelled: a call that
turned out accepted withdraws its task), the share an operator called back (any outcome) within
``callback_sla_minutes`` of the missed call. A task whose window is still running and not yet
called back does not count yet: it can still make it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.orm import Session

from app.wire.tasks import AttemptKind, TaskKind, TaskState
from app.wire.team_tasks import MissedSummary
from server.crud.tasks import ACTIVE
from server.models import Role, Task, TaskAttempt, User


def team_queues(session: Session, team_ids: Iterable[int]) -> set[str] | None:
    """The queues the teams' active operators answer; ``None``: every queue (one answers all)."""
    queues: set[str] = set()
    rows = session.scalars(
        select(User).where(User.team_id.in_(list(team_ids)), User.role == Role.OPERATOR, User.active)
    )
    for operator in rows:
        if operator.queues is None:
            return None
        queues.update(operator.queues)
    return queues


def team_tasks(session: Session, team_ids: frozenset[int] | None) -> ColumnElement[bool]:
    """The condition for the teams' tasks (``None``: every team's, an admin's view)."""
    if team_ids is None:
        return true()
    queues = team_queues(session, team_ids)
    unassigned_ours = true() if queues is None else or_(Task.queue.is_(None), Task.queue.in_(sorted(queues)))
    return or_(Task.team_id.in_(list(team_ids)), and_(Task.team_id.is_(None), unassigned_ours))


def summary(
    session: Session,
    *,
    team_ids: frozenset[int] | None,
    day_start: datetime,
    now: datetime,
    sla_minutes: int,
) -> MissedSummary:
    """The figures (module notes) for the teams, today being from ``day_start``."""
    ours = team_tasks(session, team_ids)
    missed = and_(Task.kind == TaskKind.CALLBACK_MISSED, ours)
    waiting, oldest = session.execute(
        select(func.count(Task.id), func.min(Task.created_at)).where(missed, Task.state.in_(ACTIVE))
    ).one()
    first_call = (
        select(TaskAttempt.task_id, func.min(TaskAttempt.at).label("at"))
        .where(TaskAttempt.kind == AttemptKind.CALL)
        .group_by(TaskAttempt.task_id)
        .subquery()
    )
    window = timedelta(minutes=sla_minutes)
    met = counted = 0
    rows = session.execute(
        select(Task.created_at, first_call.c.at)
        .outerjoin(first_call, first_call.c.task_id == Task.id)
        .where(missed, Task.created_at >= day_start, Task.state != TaskState.CANCELLED)
    )
    for created_at, called_at in rows:
        if called_at is not None and called_at <= created_at + window:
            met += 1
            counted += 1
        elif called_at is not None or now >= created_at + window:
            counted += 1
    return MissedSummary(
        waiting=waiting, oldest_at=oldest, sla_minutes=sla_minutes, sla_met=met, sla_counted=counted
    )
