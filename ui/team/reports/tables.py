"""The Reports window's two tables (:mod:`ui.team.reports.window`): the call report and the
per-operator analytics as the lead reads them, every cell plain text (names and lines come from
outside). Strings keep the window's translation context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from app.wire.reports import GroupBy, OperatorReport, Report
from app.wire.tasks import RequestType
from ui.labels import disposition_label
from ui.tasks.words import request_label
from ui.team.reports.figures import (
    CALL_FIGURES,
    MEDIAN_KEYS,
    OPERATOR_FIGURES,
    figure_text,
    group_header,
    no_group,
    start_text,
    value_text,
)

FIGURE_ROLE = Qt.ItemDataRole.UserRole + 1
"""A cell's figure key (a counted one may be drilled into)."""
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
"""A cell's report row index (``-1``: the total)."""


def request_text(value: str) -> str:
    """A request type as the tasks show it (an unknown one as the server named it)."""
    try:
        return request_label(RequestType(value))
    except ValueError:
        return value


def cell(text: str, *, number: bool = False) -> QTableWidgetItem:
    """A read-only cell of plain text; a number is right-aligned."""
    item = QTableWidgetItem(text)  # plain text always: names and lines are outside text
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def report_table(parent: QWidget) -> QTableWidget:
    """A read-only table of single cells, for a report's rows."""
    table = QTableWidget(parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    return table


def fill_calls(table: QTableWidget, report: Report) -> None:
    """``table`` shows the call report: a row per interval (and group), then the total in bold; each
    counted figure's cell knows its figure and row, for the drill-down."""
    by = report.by.value
    figures = CALL_FIGURES
    with_group = report.by is not GroupBy.NONE
    headers = (
        [QCoreApplication.translate("ReportsWindow", "Interval")]
        + ([group_header(by)] if with_group else [])
        + [f.header() for f in figures]
    )
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(report.rows) + 1)
    rows = [*report.rows, report.total]
    bold = QFont(table.font())
    bold.setBold(True)
    for r, row in enumerate(rows):
        total = r == len(report.rows)
        first = (
            QCoreApplication.translate("ReportsWindow", "Total")
            if total
            else start_text(row.start, report.interval)
        )
        cells = [first]
        if with_group:
            group = "" if total else (row.group if row.group is not None else no_group())
            if report.by is GroupBy.CODE and row.group is not None and not total:
                group = disposition_label(row.group)
            if report.by is GroupBy.REQUEST_TYPE and row.group is not None and not total:
                group = request_text(row.group)
            cells.append(group)
        for c, text in enumerate(cells):
            table.setItem(r, c, cell(text))
        for c, figure in enumerate(figures, start=len(cells)):
            item = cell(figure_text(figure, row), number=True)
            if figure.counted:
                item.setData(FIGURE_ROLE, figure.key)
                item.setData(ROW_ROLE, -1 if total else r)
            table.setItem(r, c, item)
        if total:
            for c in range(table.columnCount()):
                shown = table.item(r, c)
                if shown is not None:
                    shown.setFont(bold)
    table.resizeColumnsToContents()


def fill_operators(table: QTableWidget, report: OperatorReport) -> None:
    """``table`` shows the per-operator analytics, team by team, each team closed by its median in
    bold italics."""
    figures = OPERATOR_FIGURES
    operator, team_header = (
        QCoreApplication.translate("ReportsWindow", "Operator"),
        QCoreApplication.translate("ReportsWindow", "Team"),
    )
    headers = [operator, team_header] + [f.header() for f in figures]
    table.clear()
    table.setColumnCount(len(headers))
    table.setHorizontalHeaderLabels(headers)
    medians = {m.team: m for m in report.medians}
    teams = sorted({row.team for row in report.operators}, key=lambda t: t or "")
    table.setRowCount(len(report.operators) + len(teams))
    italic = QFont(table.font())
    italic.setItalic(True)
    italic.setBold(True)
    r = 0
    for team in teams:
        for row in (o for o in report.operators if o.team == team):
            table.setItem(r, 0, cell(row.group or ""))
            table.setItem(r, 1, cell(team or no_group()))
            for c, figure in enumerate(figures, start=2):
                table.setItem(r, c, cell(figure_text(figure, row), number=True))
            r += 1
        median = medians.get(team)
        label = cell(
            QCoreApplication.translate("ReportsWindow", "Team median (%1 operators)").replace(
                "%1", str(median.operators if median else 0)
            )
        )
        label.setFont(italic)
        table.setItem(r, 0, label)
        team_item = cell(team or no_group())
        team_item.setFont(italic)
        table.setItem(r, 1, team_item)
        for c, figure in enumerate(figures, start=2):
            value = getattr(median, figure.key) if median is not None and figure.key in MEDIAN_KEYS else None
            item = cell(value_text(figure.kind, value), number=True)
            item.setFont(italic)
            table.setItem(r, c, item)
        r += 1
    table.resizeColumnsToContents()
