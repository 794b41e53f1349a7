"""Reads the raw events a KPI report needs: the operators in scope, their status changes in the
period (plus the one in force when it starts), their dispositions and their calls' quality scores.

Four queries whatever the number of operators, so a whole centre's day is one round trip each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.wire.dispositions import DispositionCategory
from server.kpi.compute import Call, Change
from server.models import (
    Disposition,
    DispositionCode,
    Evaluation,
    OperatorStatus,
    OperatorStatusChange,
    Role,
    Team,
    User,
)

LONGEST_CALL = timedelta(days=1)
"""How far before the period a call may have rung and still end inside it (for the query bound)."""


@dataclass
class OperatorEvents:
    user_id: int
    name: str
    team: str | None
    shift_target: int | None
    before: OperatorStatus | None = None
    changes: list[Change] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    """The quality scores of the operator's calls that started in the period (issue 18)."""


def load(
    session: Session,
    *,
    team_ids: frozenset[int] | None,
    operator_id: int | None,
    since: datetime,
    until: datetime,
) -> list[OperatorEvents]:
    """The events of every active operator in scope (``team_ids`` ``None``: every team), by team
    and name. An operator's shift target is their own, else their team's."""
    query = (
        select(User.id, User.name, Team.name, func.coalesce(User.shift_target, Team.shift_target))
        .outerjoin(Team, Team.id == User.team_id)
        .where(User.role == Role.OPERATOR, User.active.is_(True))
        .order_by(Team.name, User.name)
    )
    if team_ids is not None:
        query = query.where(User.team_id.in_(team_ids))
    if operator_id is not None:
        query = query.where(User.id == operator_id)
    people = {
        uid: OperatorEvents(uid, name, team, target) for uid, name, team, target in session.execute(query)
    }
    if not people:
        return []
    ids = list(people)

    # The change in force at `since`: each operator's latest before it (ties: the later stored).
    latest = (
        select(
            OperatorStatusChange.operator_id,
            OperatorStatusChange.status,
            func.row_number()
            .over(
                partition_by=OperatorStatusChange.operator_id,
                order_by=(OperatorStatusChange.at.desc(), OperatorStatusChange.id.desc()),
            )
            .label("n"),
        )
        .where(OperatorStatusChange.operator_id.in_(ids), OperatorStatusChange.at < since)
        .subquery()
    )
    for uid, status in session.execute(select(latest.c.operator_id, latest.c.status).where(latest.c.n == 1)):
        people[uid].before = OperatorStatus(status)

    changes = (
        select(OperatorStatusChange.operator_id, OperatorStatusChange.at, OperatorStatusChange.status)
        .where(
            OperatorStatusChange.operator_id.in_(ids),
            OperatorStatusChange.at >= since,
            OperatorStatusChange.at < until,
        )
        .order_by(OperatorStatusChange.at, OperatorStatusChange.id)
    )
    for uid, at, status in session.execute(changes):
        people[uid].changes.append(Change(at, status))

    calls = (
        select(Disposition, DispositionCode.category)
        .join(DispositionCode, DispositionCode.code == Disposition.code)
        .where(
            Disposition.operator_id.in_(ids),
            or_(
                and_(Disposition.ring_at >= since, Disposition.ring_at < until),
                and_(Disposition.end_at >= since - LONGEST_CALL, Disposition.end_at < until),
                and_(Disposition.acw_end_at >= since, Disposition.acw_end_at < until),
            ),
        )
    )
    for row, category in session.execute(calls):
        people[row.operator_id].calls.append(
            Call(
                ring_at=row.ring_at,
                answer_at=row.answer_at,
                end_at=row.end_at,
                acw_end_at=row.acw_end_at,
                hold_seconds=row.hold_seconds,
                successful=category == DispositionCategory.SUCCESS,
            )
        )

    scored = select(Evaluation.operator_id, Evaluation.score).where(
        Evaluation.operator_id.in_(ids),
        Evaluation.call_started_at >= since,
        Evaluation.call_started_at < until,
    )
    for uid, value in session.execute(scored):
        people[uid].scores.append(value)
    return list(people.values())
