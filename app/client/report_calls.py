"""The team lead's report calls of :class:`app.client.api.ApiClient` (``docs/reports.md``): the call
report, the per-operator analytics with each team's median, the calls behind one figure
(drill-down) and one of those calls opened, and either report as a file the server wrote (CSV in
UTF-8 with a BOM or Windows-1251, or XLSX), kept byte for byte so what is saved is exactly the
server's export.

The report wire models (:mod:`app.wire.reports`) are imported by the calls that answer with them, on
first use: every desktop has this mixin, an operator's never calls it, and loading the models costs
memory and import time at start (issue 15). A lead's first report read pays a few ms once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.client.answers import ok
from app.client.errors import classify
from app.client.mixin import SendsRequests

if TYPE_CHECKING:
    from app.client.report_query import ReportQuery
    from app.wire.reports import CallCard, DrillDown, LiveReport, OperatorReport, Report


@dataclass(frozen=True)
class ReportFile:
    """A report as the server exported it: the file name it suggests and the bytes."""

    name: str
    content: bytes


def _file_name(disposition: str | None, fallback: str) -> str:
    if not disposition:
        return fallback
    from email.message import Message

    header = Message()
    header["Content-Disposition"] = disposition
    name = header.get_param("filename", header="Content-Disposition")
    return name if isinstance(name, str) and name else fallback


class ReportCalls(SendsRequests):
    """Mixed into :class:`~app.client.api.ApiClient` (which supplies :meth:`request`)."""

    async def calls_report(self, query: ReportQuery) -> Report:
        """``GET /reports/calls``: figures per interval and group, then the total."""
        from app.wire.reports import Report

        return ok(Report, await self.request("GET", "/reports/calls", params=query.params()))

    async def operators_report(self, query: ReportQuery) -> OperatorReport:
        """``GET /reports/operators``: each operator over the period, each team's median beside."""
        params = {k: v for k, v in query.params().items() if k in ("from", "to", "tz")}
        from app.wire.reports import OperatorReport

        return ok(OperatorReport, await self.request("GET", "/reports/operators", params=params))

    async def report_calls(
        self, query: ReportQuery, *, start: str | None, group: str | None, figure: str
    ) -> DrillDown:
        """``GET /reports/calls/list``: the calls behind one figure of one row (``start``: the row's
        interval start as the report gave it, ``None`` for the whole period; ``group``: the row's
        group as shown, ``None`` for the empty group or no grouping)."""
        from app.wire.reports import DrillDown

        params = {**query.params(), "figure": figure}
        if start is not None:
            params["start"] = start
        if group is not None:
            params["group"] = group
        return ok(DrillDown, await self.request("GET", "/reports/calls/list", params=params))

    async def report_call_card(self, call_id: str) -> CallCard:
        """``GET /reports/calls/card``: one call of a drill-down opened (the client's contact card,
        the dispositions with their script answers, the recordings)."""
        from app.wire.reports import CallCard

        return ok(CallCard, await self.request("GET", "/reports/calls/card", params={"call_id": call_id}))

    async def report_file(
        self, query: ReportQuery, *, operators: bool, format: str, encoding: str = "utf-8"
    ) -> ReportFile:
        """The call report (or, ``operators``, the analytics) as the server's ``format`` file
        (``csv`` with ``encoding`` ``utf-8`` or ``cp1251``, or ``xlsx``)."""
        params = (
            query.params()
            if not operators
            else {k: v for k, v in query.params().items() if k in ("from", "to", "tz")}
        )
        params = {**params, "format": format, "encoding": encoding}
        path = "/reports/operators" if operators else "/reports/calls"
        response = await self.request("GET", path, params=params)
        if response.status_code != 200:
            raise classify(response)
        fallback = f"{'operators' if operators else 'calls'}.{format}"
        return ReportFile(_file_name(response.headers.get("content-disposition"), fallback), response.content)

    async def live_report(self, tz: str) -> LiveReport:
        """``GET /reports/live``: today so far per queue (service level, abandoned, missed not
        called back, AHT) for the dashboard and the wallboard."""
        from app.wire.reports import LiveReport

        return ok(LiveReport, await self.request("GET", "/reports/live", params={"tz": tz}))
