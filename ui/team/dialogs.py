"""The Team window's dialogs: force a status, and one operator's status history."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.status.choice import offered
from app.wire.statuses import NotReadyReason, OperatorStatus, StatusChangeOut
from ui.i18n import pick
from ui.labels import format_datetime, reason_label
from ui.plain import plain_label
from ui.status_menu import status_text


class ForceDialog(QDialog):
    """Pick the status to force on an operator (applied after their current call)."""

    def __init__(self, operator: str, reasons: list[NotReadyReason], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Force a status: %1").replace("%1", operator))
        self.choice = QComboBox(self)
        self.choice.addItem(status_text(OperatorStatus.READY), (OperatorStatus.READY, None))
        for reason in offered(reasons):  # what a person may choose: no system-only reasons
            label = pick(reason.label_en, reason.label_ru)
            self.choice.addItem(label, (OperatorStatus.NOT_READY, reason.code))
        self.choice.addItem(self.tr("End of shift"), (OperatorStatus.OFFLINE, None))
        form = QFormLayout()
        form.addRow(self.tr("Operator"), plain_label(operator, self))  # the title may be cut short
        form.addRow(self.tr("New status"), self.choice)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        # what the button does, in either language (Qt's Russian "OK" stays Latin)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Set status"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance(self.windowTitle()) + 160)

    def chosen(self) -> tuple[OperatorStatus, str | None]:
        status, reason = self.choice.currentData()
        return status, reason


class HistoryDialog(QDialog):
    """One operator's recent status changes, newest first."""

    def __init__(self, operator: str, changes: list[StatusChangeOut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Status history: %1").replace("%1", operator))
        self.table = QTableWidget(len(changes), 4, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Status"), self.tr("Reason"), self.tr("By")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, change in enumerate(reversed(changes)):
            cells = [
                f"{format_datetime(change.at)}:{change.at.astimezone():%S}",
                status_text(change.status),
                reason_label(change.reason),
                change.by or self._source(change),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(520, 420)

    def _source(self, change: StatusChangeOut) -> str:
        return self.tr("system") if change.source.value == "system" else self.tr("operator")
