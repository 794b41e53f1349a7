"""The admin's task rules (``app.wire.task_rules``): read, saved, and applied to the waiting tasks.

The queue orders by the stored ``priority`` column (``ix_tasks_waiting``), so a rule change
renumbers the tasks still to be worked at once (six ``UPDATE``s, one per kind and day/night) and the
claim stays one indexed query. Whether a task was made while the centre was closed is kept in its
SLA clock: ``sla_starts_at`` later than ``due_at`` (the clock waited for the opening). Changed hours
apply to tasks made from then on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session

from app.wire.task_rules import TaskRules
from app.wire.tasks import TaskKind, TaskState
from server.models import Task, TaskRulesDoc

ROW_ID = 1
_TO_WORK = (TaskState.OPEN, TaskState.NOT_REACHED, TaskState.IN_PROGRESS)


def load(session: Session) -> TaskRules:
    """The rules in force: the admin's document, else the defaults."""
    row = session.get(TaskRulesDoc, ROW_ID)
    return TaskRules.model_validate(row.document) if row is not None else TaskRules()


def save(session: Session, rules: TaskRules) -> None:
    """Store the rules and renumber the tasks still to be worked (module notes). Flushed."""
    row = session.get(TaskRulesDoc, ROW_ID)
    document = rules.model_dump(mode="json")
    if row is None:
        session.add(TaskRulesDoc(id=ROW_ID, document=document))
    else:
        row.document = document
    night = and_(Task.sla_starts_at.is_not(None), Task.sla_starts_at > Task.due_at)
    for kind in TaskKind:
        for is_night, where in ((True, night), (False, or_(Task.sla_starts_at.is_(None), ~night))):
            session.execute(
                update(Task)
                .where(Task.kind == kind, Task.state.in_(_TO_WORK), where)
                .values(priority=rules.priority(kind, in_hours=not is_night))
                .execution_options(synchronize_session=False)
            )
    session.flush()


def clock(rules: TaskRules, kind: TaskKind, due_at: datetime) -> dict[str, object]:
    """A new task's ``priority`` and SLA clock: the clock starts when it falls due, or at the centre's
    next opening when it is closed then (and then the task goes after the day's tasks of its kind)."""
    starts = rules.hours.next_opening(due_at)
    return {
        "priority": rules.priority(kind, in_hours=starts == due_at),
        "sla_starts_at": starts,
        "sla_due_at": starts + timedelta(minutes=rules.sla_minutes),
    }


def out_of_hours(session: Session, at: datetime) -> bool:
    """Whether the centre was closed at ``at`` (never, when no hours are set)."""
    return not load(session).hours.is_open(at)


__all__ = ["clock", "load", "out_of_hours", "save"]
