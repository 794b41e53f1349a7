"""What the Reports window's charts draw, from reports as the server sends them: calls by hour of
the day summed over the days (a gap hour kept, so the axis is the clock), conversion by line best
first (lines without handled calls left out), operators of one team with its median."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.reports.charts import by_hour, conversion_by_line, operator_comparison
from app.wire.reports import GroupBy, Interval, OperatorReport, OperatorRow, Report, ReportRow, TeamMedian

MSK = timezone(timedelta(hours=3))
DAY = datetime(2026, 12, 1, tzinfo=MSK)


def report(
    rows: list[ReportRow], by: GroupBy = GroupBy.NONE, interval: Interval | None = Interval.HOUR
) -> Report:
    return Report(
        since=DAY, until=DAY + timedelta(days=2), time_zone="Europe/Moscow", interval=interval, by=by,
        rows=rows, total=ReportRow(),
    )  # fmt: skip


def test_calls_by_hour_of_the_day_over_two_days() -> None:
    rows = [
        ReportRow(start=DAY.replace(hour=9), offered=4, accepted=3, missed=1),
        ReportRow(start=DAY.replace(hour=11), offered=2, accepted=2),
        ReportRow(start=(DAY + timedelta(days=1)).replace(hour=9), offered=6, accepted=3, missed=3),
    ]
    chart = by_hour(report(rows))
    assert chart.categories == ["09", "10", "11"]  # the quiet hour stays on the axis
    assert [s.values for s in chart.bars] == [[10, 0, 2], [6, 0, 2], [4, 0, 0]]
    assert chart.line is not None and chart.line.values == [0.6, 0.0, 1.0]
    assert by_hour(report([])).categories == []


def test_conversion_by_line_best_first() -> None:
    rows = [
        ReportRow(group="+74950000001", handled=4, successful=1, conversion=0.25),
        ReportRow(group="+74950000002", handled=2, successful=2, conversion=1.0),
        ReportRow(group="+74950000003", offered=3, missed=3),  # nothing handled: no conversion
        ReportRow(group=None, handled=1, conversion=0.0),  # no line dialled
    ]
    chart = conversion_by_line(report(rows, GroupBy.DNIS, None))
    assert chart.categories == ["+74950000002", "+74950000001"]
    assert chart.bars[0].values == [1.0, 0.25] and chart.percent_bars


def test_operators_of_one_team_with_its_median() -> None:
    ops = OperatorReport(
        since=DAY, until=DAY, time_zone="Europe/Moscow",
        operators=[
            OperatorRow(group="anna", team="north", handled=10),
            OperatorRow(group="boris", team="north", handled=4),
            OperatorRow(group="sveta", team="south", handled=7),
        ],
        medians=[
            TeamMedian(team="north", operators=2, handled=7.0),
            TeamMedian(team="south", operators=1, handled=7.0),
        ],
    )  # fmt: skip
    chart = operator_comparison(ops)
    assert chart.categories == ["anna", "boris"] and chart.bars[0].values == [10.0, 4.0]
    assert chart.reference == 7.0
    assert operator_comparison(ops, "south").categories == ["sveta"]
