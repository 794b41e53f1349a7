"""A small chart widget of our own, drawn with QPainter: grouped bars per category, optionally a
share drawn as a line against a right-hand 0-100 % axis and a horizontal reference line (a median).
QtCharts (PySide6-Addons) would add over 100 MB to the installer for three charts; this is about
two hundred lines. Colours come from the theme, so light and dark both read; the names of the
series are given translated by the caller."""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.reports.charts import Chart
from ui.theme import colours

STEPS = 5
"""Grid lines above zero: a 1-2-5 top divides into whole steps (50: 10, 20, ...)."""


def nice_ceiling(value: float) -> float:
    """The axis's top: 1, 2 or 5 times a power of ten, at least ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)


class ChartWidget(QWidget):
    """Draws one :class:`~app.reports.charts.Chart` (module notes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chart")
        self.chart: Chart | None = None
        self.title = ""
        self.names: dict[str, str] = {}
        self.empty_text = ""
        self.reference_name = ""
        self.setMinimumHeight(260)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_chart(
        self, chart: Chart, title: str, names: dict[str, str], *, empty: str, reference: str = ""
    ) -> None:
        """Draw ``chart`` under ``title``; ``names`` are the series' words; ``empty`` when no data."""
        self.chart, self.title, self.names, self.empty_text = chart, title, names, empty
        self.reference_name = reference
        self.update()

    def _colours(self) -> list[QColor]:
        palette = colours()
        return [
            QColor(palette.info),
            QColor(palette.success),
            QColor(palette.danger),
            QColor(palette.neutral),
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(palette.base))
        text, muted = QColor(palette.text), QColor(palette.muted)
        metrics = painter.fontMetrics()
        line_h = metrics.height()
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text)
        painter.drawText(QRectF(12, 6, self.width() - 24, line_h + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        painter.setFont(self.font())
        chart = self.chart
        if chart is None or not chart.categories:
            painter.setPen(muted)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        top_value = max([v for s in chart.bars for v in s.values] + [chart.reference or 0.0, 0.0])
        top = 1.0 if chart.percent_bars else nice_ceiling(top_value)
        left = metrics.horizontalAdvance("0000 %") + 16
        right = self.width() - (metrics.horizontalAdvance("100 %") + 16 if chart.line else 16)
        plot = QRectF(left, 2 * line_h + 16, right - left, self.height() - 4 * line_h - 28)
        self._legend(painter, chart, right, line_h)
        # grid and the left axis
        for step in range(STEPS + 1):
            value = top * step / STEPS
            y = plot.bottom() - plot.height() * step / STEPS
            painter.setPen(QPen(QColor(palette.border), 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            label = f"{value * 100:.0f} %" if chart.percent_bars else f"{value:g}"
            painter.drawText(QRectF(0, y - line_h / 2, left - 8, line_h), Qt.AlignmentFlag.AlignRight, label)
            if chart.line is not None:
                share = f"{step * 100 // STEPS} %"
                painter.drawText(
                    QRectF(plot.right() + 8, y - line_h / 2, 60, line_h), Qt.AlignmentFlag.AlignLeft, share
                )
        count = len(chart.categories)
        slot = plot.width() / count
        bars = max(1, len(chart.bars))
        bar_w = max(2.0, slot * 0.8 / bars)
        fills = self._colours()
        every = max(1, math.ceil(metrics.horizontalAdvance(max(chart.categories, key=len) + "  ") / slot))
        for index, category in enumerate(chart.categories):
            x0 = plot.left() + index * slot + slot * 0.1
            for n, series in enumerate(chart.bars):
                value = series.values[index]
                height = plot.height() * min(value, top) / top if top else 0.0
                painter.fillRect(
                    QRectF(x0 + n * bar_w, plot.bottom() - height, bar_w - 1, height), fills[n % len(fills)]
                )
            if index % every == 0:
                painter.setPen(text)
                painter.drawText(
                    QRectF(plot.left() + index * slot - slot, plot.bottom() + 4, slot * 3, line_h),
                    Qt.AlignmentFlag.AlignHCenter,
                    category,
                )
        if chart.line is not None:
            pen = QPen(QColor(palette.warning), 3)
            painter.setPen(pen)
            points = [
                QPointF(plot.left() + (i + 0.5) * slot, plot.bottom() - plot.height() * max(0.0, min(1.0, v)))
                for i, v in enumerate(chart.line.values)
            ]
            for a, b in itertools.pairwise(points):
                painter.drawLine(a, b)
            painter.setBrush(QColor(palette.warning))
            for point in points:
                painter.drawEllipse(point, 4, 4)
        if chart.reference is not None:
            y = plot.bottom() - plot.height() * min(chart.reference, top) / top
            pen = QPen(text, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(
                QRectF(plot.left() + 4, y - line_h - 2, plot.width() - 8, line_h),
                Qt.AlignmentFlag.AlignRight,
                f"{self.reference_name} {chart.reference:g}",
            )
        painter.end()

    def _legend(self, painter: QPainter, chart: Chart, right: float, line_h: int) -> None:
        entries = [(self.names.get(s.name, s.name), self._colours()[n % 4]) for n, s in enumerate(chart.bars)]
        if chart.line is not None:
            entries.append((self.names.get(chart.line.name, chart.line.name), QColor(colours().warning)))
        metrics = painter.fontMetrics()
        x = right
        y = line_h + 10
        for name, colour in reversed(entries):
            width = metrics.horizontalAdvance(name)
            x -= width
            painter.setPen(QColor(colours().text))
            painter.drawText(QRectF(x, y, width + 2, line_h), Qt.AlignmentFlag.AlignLeft, name)
            x -= 16
            painter.fillRect(QRectF(x, y + line_h / 2 - 5, 10, 10), colour)
            x -= 14
