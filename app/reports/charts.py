"""What the Reports window's charts draw, from the reports (Qt-free, so the sums are tested apart
from the drawing in ``ui.team.reports.chart``):

* calls by hour of the day over the period (offered, of them accepted and missed) with the share
  answered as a line: when the centre is busy and where calls are lost;
* conversion by advertising line (the number dialled): which line brings calls that end in sales;
* operator comparison: handled calls per operator over the period, the team's median as a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.wire.reports import OperatorReport, Report


@dataclass(frozen=True)
class Series:
    name: str
    """A key the window turns into words (``offered``, ``accepted``...)."""
    values: list[float]


@dataclass(frozen=True)
class Chart:
    categories: list[str]
    bars: list[Series] = field(default_factory=list)
    line: Series | None = None
    """A share (0-1) drawn against the right-hand axis."""
    reference: float | None = None
    """A horizontal line across the bars (a median), in the bars' unit."""
    percent_bars: bool = False
    """The bars are shares (0-1), shown as percents."""


def by_hour(report: Report) -> Chart:
    """Offered, accepted and missed per local hour of the day (summed over the period's days) and
    the share accepted; only the hours that had calls (``report`` by hour, no grouping)."""
    offered = [0] * 24
    accepted = [0] * 24
    missed = [0] * 24
    for row in report.rows:
        if row.start is None:
            continue
        hour = row.start.hour
        offered[hour] += row.offered
        accepted[hour] += row.accepted
        missed[hour] += row.missed
    hours = [h for h in range(24) if offered[h]]
    if hours:
        hours = list(range(hours[0], hours[-1] + 1))
    return Chart(
        categories=[f"{h:02}" for h in hours],
        bars=[
            Series("offered", [offered[h] for h in hours]),
            Series("accepted", [accepted[h] for h in hours]),
            Series("missed", [missed[h] for h in hours]),
        ],
        line=Series("answered_share", [accepted[h] / offered[h] if offered[h] else 0.0 for h in hours]),
    )


def conversion_by_line(report: Report) -> Chart:
    """Each advertising line's conversion (``report`` grouped by line for the whole period), the
    lines with handled calls, best first."""
    rows = sorted(
        (row for row in report.rows if row.group and row.conversion is not None),
        key=lambda row: (-(row.conversion or 0.0), row.group or ""),
    )
    return Chart(
        categories=[row.group or "" for row in rows],
        bars=[Series("conversion", [row.conversion or 0.0 for row in rows])],
        percent_bars=True,
    )


def operator_comparison(report: OperatorReport, team: str | None = None) -> Chart:
    """Handled calls per operator (of ``team``, or of the first team) with that team's median."""
    teams = [m.team for m in report.medians]
    chosen = team if team in teams else (teams[0] if teams else None)
    rows = [row for row in report.operators if row.team == chosen]
    median = next((m.handled for m in report.medians if m.team == chosen), None)
    return Chart(
        categories=[row.group or "" for row in rows],
        bars=[Series("handled", [float(row.handled) for row in rows])],
        reference=median,
    )
