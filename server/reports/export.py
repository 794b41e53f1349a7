"""Reports as CSV (through the KPI export's writer: UTF-8 with a BOM, or Windows-1251 with ``;`` and
decimal commas for Russian Excel) and as XLSX (XlsxWriter: numbers stay numbers, times are Excel
times in the centre's local time, the header frozen).

One table shape for both: a row per interval and group, then the total.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

import xlsxwriter

from app.wire.reports import OperatorReport, Report, ReportRow
from server.kpi.export import Encoding, write_csv

FIGURES = (
    "offered",
    "accepted",
    "non_target",
    "missed",
    "called_back",
    "callback_share",
    "avg_callback_seconds",
    "handled",
    "unanswered",
    "successful",
    "non_target_handled",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "aht_seconds",
    "acw_share",
    "conversion",
    "quality_score",
    "answered_in_time",
    "service_level",
    "avg_answer_seconds",
)
"""The columns after the row's start and group; new ones are added at the end."""


def _start(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def table(report: Report | OperatorReport) -> tuple[list[str], list[list[object]]]:
    """The header and rows both formats write (the total last)."""
    if isinstance(report, OperatorReport):
        header = ["operator", "team", *FIGURES]
        rows: list[list[object]] = [
            [row.group, row.team, *(getattr(row, name) for name in FIGURES)] for row in report.operators
        ]
        return header, rows
    header = ["start", report.by.value, "category", *FIGURES]
    rows = [_line(row, _start(row.start)) for row in report.rows]
    rows.append(_line(report.total, "total"))
    return header, rows


def _line(row: ReportRow, start: str) -> list[object]:
    return [start, row.group, row.category, *(getattr(row, name) for name in FIGURES)]


def to_csv(report: Report | OperatorReport, encoding: Encoding = "utf-8") -> bytes:
    header, rows = table(report)
    return write_csv(header, rows, encoding)


def to_xlsx(report: Report | OperatorReport, title: str = "report") -> bytes:
    header, rows = table(report)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet(title[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    sheet.freeze_panes(1, 0)
    for index, row in enumerate(rows, start=1):
        _write_row(sheet, index, row)
    sheet.set_column(0, 2, 18)
    book.close()
    return buffer.getvalue()


def _write_row(sheet: xlsxwriter.worksheet.Worksheet, index: int, row: Sequence[object]) -> None:
    for column, value in enumerate(row):
        if value is None:
            continue
        if isinstance(value, bool | int | float):
            sheet.write_number(index, column, float(value))
        else:
            sheet.write_string(index, column, str(value))
