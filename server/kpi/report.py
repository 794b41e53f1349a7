"""A KPI report: each operator, each team (sums, then ratios) and the total, for one period.

Team rows are computed from the summed seconds and counts, never by averaging the operators' ratios
(an average of AHTs weighs a quiet operator like a busy one)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from app.wire.kpi import KpiReport
from server.kpi import events
from server.kpi.compute import Totals, call_totals, status_time


def build(
    session: Session,
    *,
    team_ids: frozenset[int] | None,
    operator_id: int | None,
    since: datetime,
    until: datetime,
    now: datetime | None = None,
) -> KpiReport:
    """The report for ``[since, until)``; time after ``now`` counts for nothing (today's report)."""
    now = now or datetime.now(UTC)
    status_until = max(min(until, now), since)
    people = events.load(session, team_ids=team_ids, operator_id=operator_id, since=since, until=until)
    rows = []
    teams: dict[str | None, Totals] = {}
    total = Totals()
    for person in people:
        totals = call_totals(person.calls, since, until)
        totals.ready, totals.logged_in, totals.shifts = status_time(
            person.before, [c for c in person.changes if c.at < status_until], since, status_until
        )
        totals.quality_sum, totals.evaluated = sum(person.scores), len(person.scores)
        if person.shift_target is not None:
            totals.target = person.shift_target * totals.shifts
        rows.append(totals.row(operator=person.name, team=person.team))
        teams.setdefault(person.team, Totals()).add(totals)
        total.add(totals)
    return KpiReport(
        since=since,
        until=until,
        operators=rows,
        teams=[t.row(team=name) for name, t in teams.items()],
        total=total.row(),
    )
