"""The quality score of report rows: the average score of the evaluations (``server.models.quality``,
``docs/quality.md``) of calls that started in the row's interval, as ``GET /kpi`` counts them.

Read per request rather than rolled up: evaluations are a few per operator per week (a team lead
scores recorded calls by hand), so a month's are a small indexed read on ``call_started_at``. Only
groupings that an evaluation carries fill it: none, team and operator; a row grouped by queue, line
or code has no score (an evaluation names no queue, line or code).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.wire.reports import GroupBy, Interval
from server.models import Evaluation, User
from server.reports.facts import bucket_of
from server.reports.intervals import start_of

Scores = dict[tuple[datetime | None, str], tuple[float, int]]


def scores(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    interval: Interval | None,
    by: GroupBy,
    zone: ZoneInfo,
    team_ids: frozenset[int] | None,
) -> Scores:
    """(sum, count) of the scores per (interval start, group key as the rollups key it)."""
    if by not in (GroupBy.NONE, GroupBy.TEAM, GroupBy.OPERATOR):
        return {}
    query = (
        select(Evaluation.call_started_at, Evaluation.score, User.id, User.team_id)
        .join(User, User.id == Evaluation.operator_id)
        .where(Evaluation.call_started_at >= since, Evaluation.call_started_at < until)
    )
    if team_ids is not None:
        query = query.where(User.team_id.in_(sorted(team_ids)))
    out: Scores = {}
    for started, score, user_id, team_id in session.execute(query):
        at = start_of(bucket_of(started), interval, zone) if interval is not None else None
        key = {GroupBy.NONE: "", GroupBy.TEAM: str(team_id or 0), GroupBy.OPERATOR: str(user_id)}[by]
        total, count = out.get((at, key), (0.0, 0))
        out[(at, key)] = (total + score, count + 1)
    return out


def average(found: Scores, at: datetime | None, key: str) -> float | None:
    total, count = found.get((at, key), (0.0, 0))
    return round(total / count, 1) if count else None


def overall(found: Scores) -> float | None:
    total = sum(value for value, _ in found.values())
    count = sum(count for _, count in found.values())
    return round(total / count, 1) if count else None
