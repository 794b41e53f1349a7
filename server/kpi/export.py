"""A KPI report as CSV: one line per operator, then per team, then the total.

``encoding="cp1251"`` is for Russian Excel, which opens a double-clicked CSV in the system's ANSI code
page and splits on ``;`` with a decimal comma; UTF-8 gets a BOM so Excel reads it as UTF-8 too.
Ratios are written as fractions (0.8125), durations in seconds, as in the JSON.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Literal

from app.wire.kpi import KpiReport, KpiRow

Encoding = Literal["utf-8", "cp1251"]

COLUMNS = (
    "handled",
    "missed",
    "successful",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "ready_seconds",
    "logged_in_seconds",
    "aht_seconds",
    "avg_acw_seconds",
    "occupancy",
    "target",
    "plan_completion",
    "evaluated",
    "quality_score",
)


def _cell(value: object, decimal_comma: bool) -> str:
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if decimal_comma and isinstance(value, float) else text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], encoding: Encoding = "utf-8") -> bytes:
    """Any table as CSV bytes in ``encoding`` (see the module notes): ``None`` is an empty cell, and
    for cp1251 floats get a decimal comma. Shared by the KPI and the report exports."""
    russian_excel = encoding == "cp1251"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if russian_excel else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value, russian_excel) for value in row])
    text = buffer.getvalue()
    # cp1251 covers Russian and English; anything else (a stray emoji in a name) becomes "?"
    return text.encode("cp1251", errors="replace") if russian_excel else ("\ufeff" + text).encode()


def _values(scope: str, row: KpiRow) -> list[object]:
    values = row.model_dump()
    return [scope, row.team or "", row.operator or "", *(values[c] for c in COLUMNS)]


def to_csv(report: KpiReport, encoding: Encoding = "utf-8") -> bytes:
    """The report as CSV bytes in ``encoding`` (see the module notes)."""
    rows = [
        *(_values("operator", row) for row in report.operators),
        *(_values("team", row) for row in report.teams),
        _values("total", report.total),
    ]
    return write_csv(["scope", "team", "operator", *COLUMNS], rows, encoding)
