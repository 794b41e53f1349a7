"""The report figures as the Reports window shows them: which columns, their headers (translated),
and each value's text (counts, durations ``m:ss``, shares as percents, interval starts in the
centre's clock). Definitions of every figure: ``docs/reports.md``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from app.wire.reports import COUNTED, Interval, ReportRow
from ui.actions import QT_TRANSLATE_NOOP
from ui.elapsed import format_duration
from ui.labels import format_date


@dataclass(frozen=True)
class Figure:
    """One column: the wire field, its header and how a value reads."""

    key: str
    source: str
    """The header in English (marked for translation; :meth:`header` gives it translated)."""
    kind: str
    """``count``, ``seconds`` (a sum), ``average`` (seconds), ``share`` or ``score``."""

    def header(self) -> str:
        return QCoreApplication.translate("ReportFigures", self.source)

    @property
    def counted(self) -> bool:
        """Whether a double-click lists the calls behind it (``docs/reports.md``, drill-down)."""
        return self.key in COUNTED


CALL_FIGURES = (
    Figure("offered", QT_TRANSLATE_NOOP("ReportFigures", "Offered"), "count"),
    Figure("accepted", QT_TRANSLATE_NOOP("ReportFigures", "Accepted"), "count"),
    Figure("answered_in_time", QT_TRANSLATE_NOOP("ReportFigures", "Answered in time"), "count"),
    Figure("service_level", QT_TRANSLATE_NOOP("ReportFigures", "Service level"), "share"),
    Figure("avg_answer_seconds", QT_TRANSLATE_NOOP("ReportFigures", "Speed of answer"), "average"),
    Figure("non_target", QT_TRANSLATE_NOOP("ReportFigures", "Non-target"), "count"),
    Figure("missed", QT_TRANSLATE_NOOP("ReportFigures", "Missed"), "count"),
    Figure("called_back", QT_TRANSLATE_NOOP("ReportFigures", "Called back"), "count"),
    Figure("callback_share", QT_TRANSLATE_NOOP("ReportFigures", "Called back, %"), "share"),
    Figure("avg_callback_seconds", QT_TRANSLATE_NOOP("ReportFigures", "Callback in"), "average"),
    Figure("handled", QT_TRANSLATE_NOOP("ReportFigures", "Handled"), "count"),
    Figure("unanswered", QT_TRANSLATE_NOOP("ReportFigures", "Not answered"), "count"),
    Figure("successful", QT_TRANSLATE_NOOP("ReportFigures", "Successful"), "count"),
    Figure("non_target_handled", QT_TRANSLATE_NOOP("ReportFigures", "Judged non-target"), "count"),
    Figure("talk_seconds", QT_TRANSLATE_NOOP("ReportFigures", "Talk"), "seconds"),
    Figure("hold_seconds", QT_TRANSLATE_NOOP("ReportFigures", "Hold"), "seconds"),
    Figure("acw_seconds", QT_TRANSLATE_NOOP("ReportFigures", "ACW"), "seconds"),
    Figure("aht_seconds", QT_TRANSLATE_NOOP("ReportFigures", "AHT"), "average"),
    Figure("acw_share", QT_TRANSLATE_NOOP("ReportFigures", "ACW share"), "share"),
    Figure("conversion", QT_TRANSLATE_NOOP("ReportFigures", "Conversion"), "share"),
    Figure("quality_score", QT_TRANSLATE_NOOP("ReportFigures", "Quality"), "score"),
)

OPERATOR_FIGURES = tuple(
    f
    for f in CALL_FIGURES
    if f.key
    in (
        "handled",
        "unanswered",
        "successful",
        "aht_seconds",
        "acw_share",
        "conversion",
        "called_back",
        "avg_callback_seconds",
        "quality_score",
    )
)
MEDIAN_KEYS = ("handled", "aht_seconds", "conversion", "acw_share", "avg_callback_seconds", "quality_score")
"""The figures the server gives a team median for."""


def value_text(kind: str, value: float | int | None) -> str:
    """A value as a cell reads it; ``None`` (nothing to divide by) is empty."""
    if value is None:
        return ""
    if kind == "count":
        return f"{value:g}" if isinstance(value, float) else str(value)
    if kind in ("seconds", "average"):
        return format_duration(float(value))
    if kind == "share":
        return f"{value * 100:.1f} %".replace(".0 %", " %")
    return f"{value:g} %"


def figure_text(figure: Figure, row: ReportRow) -> str:
    return value_text(figure.kind, getattr(row, figure.key))


def start_text(start: datetime | None, interval: Interval | None) -> str:
    """An interval's start in the centre's clock (its offset as the server gave it)."""
    if start is None:
        return QCoreApplication.translate("ReportFigures", "Whole period")
    if interval in (Interval.QUARTER, Interval.HOUR):
        return f"{format_date(start.date())} {start:%H:%M}"
    if interval is Interval.WEEK:
        return QCoreApplication.translate("ReportFigures", "Week of %1").replace(
            "%1", format_date(start.date())
        )
    if interval is Interval.MONTH:
        return f"{start:%m.%Y}"
    return format_date(start.date())


def interval_names() -> list[tuple[str, str]]:
    """(the wire value, ``""`` for the whole period; its name)."""
    return [
        (Interval.QUARTER.value, QCoreApplication.translate("ReportFigures", "15 minutes")),
        (Interval.HOUR.value, QCoreApplication.translate("ReportFigures", "Hour")),
        (Interval.DAY.value, QCoreApplication.translate("ReportFigures", "Day")),
        (Interval.WEEK.value, QCoreApplication.translate("ReportFigures", "Week")),
        (Interval.MONTH.value, QCoreApplication.translate("ReportFigures", "Month")),
        ("", QCoreApplication.translate("ReportFigures", "Whole period")),
    ]


def group_names() -> list[tuple[str, str]]:
    return [
        ("none", QCoreApplication.translate("ReportFigures", "Nothing")),
        ("queue", QCoreApplication.translate("ReportFigures", "Queue")),
        ("team", QCoreApplication.translate("ReportFigures", "Team")),
        ("operator", QCoreApplication.translate("ReportFigures", "Operator")),
        ("dnis", QCoreApplication.translate("ReportFigures", "Advertising line")),
        ("code", QCoreApplication.translate("ReportFigures", "Disposition")),
        ("request_type", QCoreApplication.translate("ReportFigures", "Request type")),
    ]


def group_header(by: str) -> str:
    return dict(group_names()).get(by, "")


def no_group() -> str:
    """The empty group: the calls nobody answered have no operator or team."""
    return QCoreApplication.translate("ReportFigures", "(none)")
