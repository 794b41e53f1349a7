"""The Team window's missed calls: how many the team still owes a callback, how long the oldest has
waited, today's callback SLA, and the team's tasks, which the lead may reassign or cancel.

It renders :class:`~app.team.feed.Missed` (read by the feed with the board); the oldest call's age
ticks with the board's one-second timer. The actions are handed to the window (``reassign``,
``cancel``), which runs them on the feed; cancelling asks first, in a window-modal box opened with
``open()`` (never ``exec()``: a nested loop inside a qasync callback would stall the desktop).
Numbers and names are outside text, shown plain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.team.feed import Missed
from app.wire.tasks import TaskOut
from app.wire.team_tasks import MissedSummary
from ui.elapsed import format_duration, utc_now
from ui.labels import format_datetime
from ui.plain import plain_label
from ui.tasks.words import kind_label, state_label
from ui.theme import task_state_colour


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


class ReassignDialog(QDialog):
    """Pick who takes the task: an operator of the team, or anyone of it."""

    def __init__(self, task: TaskOut, operators: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reassign task: %1").replace("%1", task.phone))
        self.choice = QComboBox(self)
        self.choice.addItem(self.tr("Anyone in the team"), None)
        for operator in operators:
            self.choice.addItem(operator, operator)
        form = QFormLayout()
        form.addRow(self.tr("Number"), plain_label(task.phone, self))
        form.addRow(self.tr("Give to"), self.choice)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Reassign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen(self) -> str | None:
        owner: str | None = self.choice.currentData()
        return owner


class MissedPanel(QWidget):
    """The figures and the task list (module notes)."""

    def __init__(
        self,
        reassign: Callable[[int, str | None], None],
        cancel: Callable[[int], None],
        operators: Callable[[], list[str]],
        parent: QWidget | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(parent)
        self._reassign = reassign
        self._cancel = cancel
        self._operators = operators
        self._clock = clock
        self.summary: MissedSummary | None = None
        self.tasks: list[TaskOut] = []
        self.reassign_dialog: ReassignDialog | None = None
        self.cancel_box: QMessageBox | None = None

        self.waiting_caption = QLabel(self)
        self.waiting_value = QLabel(self)
        self.oldest_caption = QLabel(self)
        self.oldest_value = QLabel(self)
        self.sla_caption = QLabel(self)
        self.sla_value = QLabel(self)
        self.list = QTreeWidget(self)
        self.list.setRootIsDecorated(False)
        self.list.setColumnCount(5)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.reassign_button = QPushButton(self)
        self.cancel_button = QPushButton(self)
        self.reassign_button.clicked.connect(self.reassign_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)

        figures = QHBoxLayout()
        for caption, value in (
            (self.waiting_caption, self.waiting_value),
            (self.oldest_caption, self.oldest_value),
            (self.sla_caption, self.sla_value),
        ):
            figures.addWidget(caption)
            figures.addWidget(value)
            figures.addSpacing(16)
        figures.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reassign_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(figures)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.retranslate()

    # ------------------------------------------------------------------ rendering
    def show_missed(self, missed: Missed) -> None:
        """New figures and tasks from the feed; the selected task stays selected if still listed."""
        chosen = self.selected_task()
        self.summary = missed.summary
        self.tasks = list(missed.tasks)
        self._figures()
        self._fill(chosen.id if chosen is not None else None)

    def tick(self) -> None:
        """The oldest call's age, once a second."""
        self._oldest()

    def _figures(self) -> None:
        summary = self.summary
        if summary is None:
            for value in (self.waiting_value, self.oldest_value, self.sla_value):
                value.setText("—")
            return
        self.waiting_value.setText(str(summary.waiting))
        self._oldest()
        percent = summary.sla_percent
        if percent is None:
            text = self.tr("none due yet (within %1 min)").replace("%1", str(summary.sla_minutes))
        else:
            text = (
                self.tr("%1 % (%2 of %3 within %4 min)")
                .replace("%1", f"{percent:.0f}")
                .replace("%2", str(summary.sla_met))
                .replace("%3", str(summary.sla_counted))
                .replace("%4", str(summary.sla_minutes))
            )
        self.sla_value.setText(text)

    def _oldest(self) -> None:
        summary = self.summary
        if summary is None or summary.oldest_at is None:
            self.oldest_value.setText("—")
        else:
            self.oldest_value.setText(format_duration((self._clock() - summary.oldest_at).total_seconds()))

    def _fill(self, keep: int | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for task in self.tasks:
            item = QTreeWidgetItem(
                [
                    state_label(task.state),
                    task.phone,
                    kind_label(task.kind),
                    task.owner or self.tr("anyone"),
                    format_datetime(task.due_at),
                ]
            )
            item.setIcon(0, _swatch(task_state_colour(task.state)))
            item.setData(0, Qt.ItemDataRole.UserRole, task.id)
            self.list.addTopLevelItem(item)
            if task.id == keep:
                item.setSelected(True)
        for column in range(self.list.columnCount()):
            self.list.resizeColumnToContents(column)
        self.list.blockSignals(False)
        self._update_buttons()

    def retranslate(self) -> None:
        self.waiting_caption.setText(self.tr("Missed calls not called back:"))
        self.oldest_caption.setText(self.tr("Oldest waiting:"))
        self.sla_caption.setText(self.tr("Callback SLA today:"))
        self.reassign_button.setText(self.tr("Reassign task..."))
        self.cancel_button.setText(self.tr("Cancel task..."))
        self.list.setHeaderLabels(
            [self.tr("State"), self.tr("Number"), self.tr("Why"), self.tr("Owner"), self.tr("Due")]
        )
        self._figures()
        chosen = self.selected_task()
        self._fill(chosen.id if chosen is not None else None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ actions
    def selected_task(self) -> TaskOut | None:
        items = self.list.selectedItems()
        if not items:
            return None
        task_id = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((task for task in self.tasks if task.id == task_id), None)

    def select_task(self, task_id: int) -> None:
        for row in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(row)
            assert item is not None
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == task_id)

    def _update_buttons(self) -> None:
        chosen = self.selected_task() is not None
        self.reassign_button.setEnabled(chosen)
        self.cancel_button.setEnabled(chosen)

    def reassign_selected(self) -> None:
        task = self.selected_task()
        if task is None:
            return
        dialog = ReassignDialog(task, self._operators(), self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self._reassign(task.id, dialog.chosen()))
        self.reassign_dialog = dialog
        dialog.open()

    def cancel_selected(self) -> None:
        """Cancel the selected task, once the lead confirms (a cancelled callback is lost to the client)."""
        task = self.selected_task()
        if task is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Cancel task"))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            self.tr("Cancel the task for %1? Nobody will call this client back.").replace("%1", task.phone)
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Cancel task"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Keep it"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self._cancel(task.id) if button is yes else None)
        self.cancel_box = box
        box.open()


__all__ = ["MissedPanel", "ReassignDialog"]
