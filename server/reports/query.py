"""A report from the rollups: sums per interval and group for a period, scoped to what the asker may
see, then the ratios (``docs/reports.md``).

On PostgreSQL the intervals are cut in SQL (``intervals.sql_start``), so a month over a million calls
reads a few hundred thousand rollup rows and sends back one row per interval and group. On SQLite
the rollup rows are summed per bucket and group in SQL and folded into intervals in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, cast, func, literal_column, or_, select, text, true
from sqlalchemy.orm import Session

from app.wire.reports import GroupBy, Interval, OperatorReport, OperatorRow, Report, ReportRow, TeamMedian
from server.models import DispositionCode, Team, User
from server.models.reports import MEASURES, ReportRollup
from server.reports import quality
from server.reports.intervals import sql_start, start_of

Sums = dict[str, int]


@dataclass(frozen=True)
class Scope:
    """Whose figures: every team (``team_ids`` ``None``), or these teams plus the calls nobody
    answered in the queues their operators answer (``queues`` ``None``: every queue)."""

    team_ids: frozenset[int] | None = None
    queues: frozenset[str] | None = None

    def condition(self) -> ColumnElement[bool]:
        table = ReportRollup.__table__
        if self.team_ids is None:
            return true()
        unanswered = true() if self.queues is None else table.c.queue.in_(sorted({"", *self.queues}))
        return or_(table.c.team_id.in_(sorted(self.team_ids)), and_(table.c.team_id == 0, unanswered))


_DIM = {
    GroupBy.NONE: "all",
    GroupBy.QUEUE: "all",
    GroupBy.TEAM: "all",
    GroupBy.OPERATOR: "operator",
    GroupBy.DNIS: "dnis",
    GroupBy.CODE: "code",
    GroupBy.REQUEST_TYPE: "request_type",
}


def _group_column(by: GroupBy) -> ColumnElement[str]:
    table = ReportRollup.__table__
    if by is GroupBy.NONE:
        return literal_column("''", String)
    if by is GroupBy.QUEUE:
        return table.c.queue
    if by is GroupBy.TEAM:
        return cast(table.c.team_id, String)
    return table.c.key


def sums(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    interval: Interval | None,
    by: GroupBy,
    zone: ZoneInfo,
    scope: Scope,
) -> dict[tuple[datetime | None, str], Sums]:
    """The summed measures per (interval start, group key) for ``[since, until)``; with ``interval``
    ``None`` the whole period is one interval (start ``None``)."""
    table = ReportRollup.__table__
    group = _group_column(by).label("grp")
    totals = [func.sum(table.c[name]) for name in MEASURES]
    where = and_(
        table.c.dim == _DIM[by],
        table.c.bucket_start >= since,
        table.c.bucket_start < until,
        scope.condition(),
    )
    out: dict[tuple[datetime | None, str], Sums] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    rows: Iterable[Sequence[Any]]
    if interval is None:
        whole = select(group, *totals).where(where).group_by(text("1"))
        rows = ((None, key, *values) for key, *values in session.execute(whole))
    elif postgres and interval is not Interval.QUARTER:
        start = sql_start(table.c.bucket_start, interval, zone.key).label("start")
        rows = session.execute(select(start, group, *totals).where(where).group_by(text("1"), text("2")))
    if interval is None or (postgres and interval is not Interval.QUARTER):
        for at, key, *values in rows:
            out[(at, str(key))] = dict(zip(MEASURES, (int(v or 0) for v in values), strict=True))
        return out
    buckets = (
        select(table.c.bucket_start, group, *totals).where(where).group_by(table.c.bucket_start, text("2"))
    )
    bucket: datetime
    for bucket, key, *values in session.execute(buckets):
        at = start_of(bucket, interval, zone)
        sums_ = out.setdefault((at, str(key)), dict.fromkeys(MEASURES, 0))
        for name, value in zip(MEASURES, values, strict=True):
            sums_[name] += int(value or 0)
    return out


def _ratio(top: float, bottom: float, digits: int = 4) -> float | None:
    return round(top / bottom, digits) if bottom else None


def row_of(
    values: Sums,
    *,
    start: datetime | None,
    group: str | None,
    category: str | None = None,
    quality_score: float | None = None,
) -> ReportRow:
    """The report row of summed measures: sums first, ratios of the sums (never an average of ratios)."""
    handle_ms = values["talk_ms"] + values["hold_ms"] + values["acw_ms"]
    return ReportRow(
        start=start,
        group=group,
        category=category,
        offered=values["offered"],
        accepted=values["accepted"],
        non_target=values["non_target"],
        missed=values["missed"],
        called_back=values["called_back"],
        callback_share=_ratio(values["called_back"], values["missed"]),
        avg_callback_seconds=_ratio(values["callback_ms"] / 1000, values["called_back"], 1),
        handled=values["handled"],
        unanswered=values["unanswered"],
        successful=values["successful"],
        non_target_handled=values["non_target_handled"],
        talk_seconds=round(values["talk_ms"] / 1000),
        hold_seconds=round(values["hold_ms"] / 1000),
        acw_seconds=round(values["acw_ms"] / 1000),
        aht_seconds=_ratio(handle_ms / 1000, values["handled"], 1),
        acw_share=_ratio(values["acw_ms"], handle_ms),
        conversion=_ratio(values["successful"], values["handled"]),
        quality_score=quality_score,  # from the evaluations, read apart (server.reports.quality)
        answered_in_time=values["answered_in_time"],
        service_level=_ratio(values["answered_in_time"], values["offered"] - values["non_target"]),
        avg_answer_seconds=_ratio(values["answer_wait_ms"] / 1000, values["accepted"], 1),
    )


def add(into: Sums, values: Sums) -> None:
    for name in MEASURES:
        into[name] = into.get(name, 0) + values[name]


@dataclass(frozen=True)
class Names:
    """How group keys read: operator ids and team ids as names, codes with their category."""

    operators: dict[str, str]
    teams: dict[str, str]
    categories: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> Names:
        return cls(
            operators={str(uid): name for uid, name in session.execute(select(User.id, User.name))},
            teams={str(tid): name for tid, name in session.execute(select(Team.id, Team.name))},
            categories={
                code: str(category)
                for code, category in session.execute(select(DispositionCode.code, DispositionCode.category))
            },
        )

    def label(self, by: GroupBy, key: str) -> str | None:
        if by is GroupBy.NONE or key in ("", "0"):
            return None
        if by is GroupBy.OPERATOR:
            return self.operators.get(key, f"user-{key}")
        if by is GroupBy.TEAM:
            return self.teams.get(key, f"team-{key}")
        return key


def build(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    interval: Interval | None,
    by: GroupBy,
    zone: ZoneInfo,
    scope: Scope,
) -> Report:
    """The report for ``[since, until)`` (both UTC, on bucket boundaries)."""
    found = sums(session, since=since, until=until, interval=interval, by=by, zone=zone, scope=scope)
    scored = quality.scores(
        session, since=since, until=until, interval=interval, by=by, zone=zone, team_ids=scope.team_ids
    )
    names = Names.load(session)
    rows = []
    total: Sums = dict.fromkeys(MEASURES, 0)
    for (start, key), values in sorted(found.items(), key=lambda item: (item[0][0] or since, item[0][1])):
        add(total, values)
        rows.append(
            row_of(
                values,
                start=start.astimezone(zone) if start is not None else None,
                group=names.label(by, key),
                category=names.categories.get(key) if by is GroupBy.CODE else None,
                quality_score=quality.average(scored, start, key),
            )
        )
    return Report(
        since=since.astimezone(zone),
        until=until.astimezone(zone),
        time_zone=zone.key,
        interval=interval,
        by=by,
        rows=rows,
        total=row_of(total, start=None, group=None, quality_score=quality.overall(scored)),
    )


def median(values: Iterable[float | None]) -> float | None:
    """The median of the defined values (the mean of the middle two for an even count)."""
    known = sorted(value for value in values if value is not None)
    if not known:
        return None
    middle = len(known) // 2
    return round(known[middle] if len(known) % 2 else (known[middle - 1] + known[middle]) / 2, 4)


def build_operators(
    session: Session, *, since: datetime, until: datetime, zone: ZoneInfo, scope: Scope
) -> OperatorReport:
    """Each operator's figures over the period, and per team the median operator's beside them
    (the median, not the mean: one new operator does not drag the team's bar)."""
    found = sums(
        session, since=since, until=until, interval=None, by=GroupBy.OPERATOR, zone=zone, scope=scope
    )
    scored = quality.scores(
        session,
        since=since,
        until=until,
        interval=None,
        by=GroupBy.OPERATOR,
        zone=zone,
        team_ids=scope.team_ids,
    )
    names = Names.load(session)
    teams = {
        str(uid): names.teams.get(str(tid)) for uid, tid in session.execute(select(User.id, User.team_id))
    }
    rows = []
    for key in sorted({key for _, key in found} | {key for _, key in scored}):
        values = found.get((None, key), dict.fromkeys(MEASURES, 0))  # scored, but no figures: zeros
        if not key:
            continue  # calls nobody answered: no operator to put them against
        row = row_of(
            values,
            start=None,
            group=names.label(GroupBy.OPERATOR, key),
            quality_score=quality.average(scored, None, key),
        )
        rows.append(OperatorRow(**row.model_dump(), team=teams.get(key)))
    rows.sort(key=lambda r: (r.team or "", r.group or ""))
    medians = []
    for team in sorted({row.team for row in rows}, key=lambda t: t or ""):
        members = [row for row in rows if row.team == team]
        medians.append(
            TeamMedian(
                team=team,
                operators=len(members),
                handled=median(row.handled for row in members),
                aht_seconds=median(row.aht_seconds for row in members),
                conversion=median(row.conversion for row in members),
                acw_share=median(row.acw_share for row in members),
                avg_callback_seconds=median(row.avg_callback_seconds for row in members),
                quality_score=median(row.quality_score for row in members),
            )
        )
    return OperatorReport(
        since=since.astimezone(zone),
        until=until.astimezone(zone),
        time_zone=zone.key,
        operators=rows,
        medians=medians,
    )
