"""The Reports window's Charts tab: the lead picks a chart (calls and share answered by hour of the
day, conversion by advertising line, operators compared with their team's median) and it is drawn
from the reports the window read for the period (:mod:`app.reports.charts`,
:class:`~ui.team.reports.chart.ChartWidget`)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from app.reports import charts
from app.reports.charts import Chart
from app.reports.state import ReportDesk
from ui.team.reports.chart import ChartWidget


class ChartsPage(QWidget):
    def __init__(self, desk: ReportDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.chooser = QComboBox(self)
        self.chooser.currentIndexChanged.connect(lambda _i: self.draw())
        self.chart = ChartWidget(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chooser, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.chart, 1)
        self.retranslate()

    def draw(self) -> None:
        """The chart chosen, from the reports last read (nothing read yet: an empty chart)."""
        kind = self.chooser.currentData()
        names = {
            "offered": self.tr("Offered"),
            "accepted": self.tr("Accepted"),
            "missed": self.tr("Missed"),
            "answered_share": self.tr("Answered, %"),
            "conversion": self.tr("Conversion"),
            "handled": self.tr("Handled"),
        }
        chart = Chart(categories=[])
        title = self.chooser.currentText()
        if kind == "hours" and self.desk.charts is not None:
            chart = charts.by_hour(self.desk.charts[0])
        elif kind == "lines" and self.desk.charts is not None:
            chart = charts.conversion_by_line(self.desk.charts[1])
        elif kind == "operators" and self.desk.operators is not None:
            chart = charts.operator_comparison(self.desk.operators)
            team = next((m.team for m in self.desk.operators.medians), None)
            if team:
                title = f"{title}: {team}"
        empty = self.tr("No calls in this period")
        self.chart.show_chart(chart, title, names, empty=empty, reference=self.tr("Team median"))

    def retranslate(self) -> None:
        chosen = self.chooser.currentData() or "hours"
        self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItem(self.tr("Calls and share answered by hour of the day"), "hours")
        self.chooser.addItem(self.tr("Conversion by advertising line"), "lines")
        self.chooser.addItem(self.tr("Operators compared: calls handled"), "operators")
        self.chooser.setCurrentIndex(max(0, self.chooser.findData(chosen)))
        self.chooser.blockSignals(False)
        self.draw()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
