"""The reports a team lead looks at, as state the window renders (``ui.team.reports``).

One :class:`ReportDesk` per Reports window: it asks the server (through the desktop's one
:class:`~app.client.api.ApiClient`) for the call report and the per-operator analytics of the
current :class:`~app.client.report_calls.ReportQuery`, keeps the last answers, and saves an export
to the file the lead chose. A failed request leaves the last answers (and the lead's choices) as
they were: the window shows why, nothing the lead had on screen is lost.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Protocol

from app.client.report_calls import ReportFile
from app.client.report_query import ReportQuery
from app.wire.reports import CallCard, DrillDown, GroupBy, Interval, OperatorReport, Report


class ReportsApi(Protocol):
    async def calls_report(self, query: ReportQuery) -> Report: ...

    async def operators_report(self, query: ReportQuery) -> OperatorReport: ...

    async def report_calls(
        self, query: ReportQuery, *, start: str | None, group: str | None, figure: str
    ) -> DrillDown: ...

    async def report_file(
        self, query: ReportQuery, *, operators: bool, format: str, encoding: str = "utf-8"
    ) -> ReportFile: ...

    async def report_call_card(self, call_id: str) -> CallCard: ...


@dataclass(frozen=True)
class ExportKind:
    """One export button: the server's ``format`` and ``encoding``, and the file's suffix."""

    key: str
    format: str
    encoding: str
    suffix: str


EXPORTS = (
    ExportKind("csv_utf8", "csv", "utf-8", ".csv"),
    ExportKind("csv_cp1251", "csv", "cp1251", ".csv"),
    ExportKind("xlsx", "xlsx", "utf-8", ".xlsx"),
)


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file beside it: a failed write never leaves
    half a report where the lead expects a whole one (nor destroys the file it would replace)."""
    handle, temporary = tempfile.mkstemp(prefix=".ringdesk-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ReportDesk:
    """The query the lead set up and the last answers to it (module notes)."""

    def __init__(self, api: ReportsApi, *, tz: str, today: date) -> None:
        self.api = api
        self.query = ReportQuery(first=today, last=today, tz=tz, interval=Interval.HOUR, by=GroupBy.NONE)
        self.report: Report | None = None
        """The call report last received (for :attr:`shown`, the query that asked for it)."""
        self.shown: ReportQuery | None = None
        self.operators: OperatorReport | None = None
        self.charts: tuple[Report, Report] | None = None

    def choose(
        self,
        *,
        first: date | None = None,
        last: date | None = None,
        interval: Interval | str | None = "keep",
        by: GroupBy | None = None,
    ) -> ReportQuery:
        """Change what the next :meth:`load` asks (``interval`` ``None``: the whole period)."""
        query = self.query
        if first is not None:
            query = replace(query, first=first)
        if last is not None:
            query = replace(query, last=last)
        if interval != "keep":
            query = replace(query, interval=interval if isinstance(interval, Interval) else None)
        if by is not None:
            query = replace(query, by=by)
        if query.last < query.first:
            query = replace(query, last=query.first)
        self.query = query
        return query

    async def load(self) -> Report:
        """The call report for the current query (kept; the last one stays on failure)."""
        query = self.query
        report = await self.api.calls_report(query)
        self.report, self.shown = report, query
        return report

    async def load_charts(self) -> tuple[Report, Report]:
        """The reports the charts draw for the current period: by hour (no grouping) and by
        advertising line for the whole period (the operators' chart uses :attr:`operators`)."""
        query = self.query
        hourly = await self.api.calls_report(replace(query, interval=Interval.HOUR, by=GroupBy.NONE))
        lines = await self.api.calls_report(replace(query, interval=None, by=GroupBy.DNIS))
        self.charts = (hourly, lines)
        return hourly, lines

    async def load_operators(self) -> OperatorReport:
        operators = await self.api.operators_report(self.query)
        self.operators = operators
        return operators

    async def calls_behind(self, row: int | None, figure: str) -> DrillDown:
        """The calls behind ``figure`` of the shown report's ``row`` (``None``: the total)."""
        report, query = self.report, self.shown
        if report is None or query is None:
            raise LookupError("no report shown")
        if row is None:
            return await self.api.report_calls(
                replace(query, by=GroupBy.NONE), start=None, group=None, figure=figure
            )
        shown = report.rows[row]
        start = shown.start.isoformat() if shown.start is not None else None
        return await self.api.report_calls(query, start=start, group=shown.group, figure=figure)

    async def call_card(self, call_id: str) -> CallCard:
        """One call of a drill-down opened: its card as the server gives it (read-only)."""
        return await self.api.report_call_card(call_id)

    async def export(self, kind: ExportKind, path: Path, *, operators: bool = False) -> ReportFile:
        """Save the server's export of the current query to ``path`` (whole or not at all)."""
        got = await self.api.report_file(
            self.query, operators=operators, format=kind.format, encoding=kind.encoding
        )
        write_atomically(path, got.content)
        return got

    def suggested_name(self, kind: ExportKind, *, operators: bool = False) -> str:
        """A file name for the save dialog: what and which days, the encoding when it matters."""
        query = self.query
        what = "operators" if operators else f"calls-{query.by.value}"
        days = query.first.strftime("%Y%m%d")
        if query.last != query.first:
            days += "-" + query.last.strftime("%Y%m%d")
        tail = "-cp1251" if kind.encoding == "cp1251" else ""
        return f"{what}-{days}{tail}{kind.suffix}"
