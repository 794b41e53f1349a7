"""The Tasks panel: the task in hand (preview before dialling), my due tasks and the team queue with
counts by state, the missed-call badge and due callbacks. It only renders what the core reports
(:class:`~app.tasks.board.TaskLists`, :class:`~app.tasks.desk.DeskView`); its buttons are the window's
actions (Next task, Call the client, Not reached), so every key works from anywhere in the window.

Built on first use (``ui.tasks.hook``). Outside text (the number, the client's name, the web request's
text, comments) is shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.tasks.board import TaskLists
from app.tasks.desk_view import DeskPhase, DeskView
from app.wire.tasks import TaskOut, TaskState
from ui.actions import ActionCollection, ActionId
from ui.labels import format_datetime
from ui.plain import plain_label, set_plain
from ui.tasks.words import (
    attempt_label,
    kind_label,
    notice_label,
    reason_label,
    request_label,
    state_label,
    why_label,
)
from ui.theme import TASK_STATE_BADGES, set_role, task_state_colour
from ui.tool_buttons import action_button

SHOWN_STATES = (TaskState.OPEN, TaskState.IN_PROGRESS, TaskState.NOT_REACHED)


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


class TaskList(QTreeWidget):
    """One list of tasks: state (its colour), number, why, due, calls made."""

    def __init__(self) -> None:
        super().__init__()
        self.setRootIsDecorated(False)
        self.setColumnCount(5)
        self.setUniformRowHeights(True)
        self.tasks: list[TaskOut] = []

    def show_tasks(self, tasks: tuple[TaskOut, ...]) -> None:
        self.tasks = list(tasks)
        self.clear()
        for task in tasks:
            why = kind_label(task.kind)
            if task.request_type is not None:
                why = f"{why}: {request_label(task.request_type)}"
            item = QTreeWidgetItem(
                [
                    state_label(task.state),
                    task.phone,
                    why,
                    format_datetime(task.due_at),
                    str(task.calls_made),
                ]
            )
            item.setIcon(0, _swatch(task_state_colour(task.state)))
            item.setData(0, Qt.ItemDataRole.UserRole, task.id)
            self.addTopLevelItem(item)
        for column in range(self.columnCount()):
            self.resizeColumnToContents(column)

    def retranslate(self) -> None:
        self.setHeaderLabels(
            [self.tr("State"), self.tr("Number"), self.tr("Why"), self.tr("Due"), self.tr("Calls")]
        )
        self.show_tasks(tuple(self.tasks))


class TasksPanel(QWidget):
    """The panel; ``show_lists``, ``show_view``, ``show_client`` and ``show_reminder`` draw it."""

    def __init__(self, actions: ActionCollection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasks_panel")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title = QLabel()
        set_role(self.title, "title")
        self.missed = QLabel()
        set_role(self.missed, "danger", "badge")
        top.addWidget(self.title)
        top.addWidget(self.missed)
        top.addStretch(1)
        layout.addLayout(top)
        counts = QHBoxLayout()
        self.counts: dict[TaskState, QLabel] = {}
        for state in SHOWN_STATES:
            label = QLabel()
            set_role(label, TASK_STATE_BADGES[state], "badge")
            self.counts[state] = label
            counts.addWidget(label)
        counts.addStretch(1)
        layout.addLayout(counts)
        self.reminder = plain_label()
        set_role(self.reminder, "warning")
        self.reminder.setWordWrap(True)
        self.reminder.hide()
        layout.addWidget(self.reminder)
        buttons = QHBoxLayout()
        self.buttons: dict[ActionId, QToolButton] = {}
        for action_id in (
            ActionId.NEXT_TASK,
            ActionId.DIAL_TASK,
            ActionId.GIVE_BACK_TASK,
            ActionId.TASK_NOT_REACHED,
        ):
            button = action_button(actions[action_id])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.buttons[action_id] = button
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.notice = QLabel()
        set_role(self.notice, "muted")
        layout.addWidget(self.notice)

        self.preview = QFrame()
        self.preview.setProperty("panel", "true")
        card = QVBoxLayout(self.preview)
        head = QHBoxLayout()
        self.state = QLabel()
        set_role(self.state, TASK_STATE_BADGES[TaskState.OPEN], "badge")  # a badge from the start
        self.why = plain_label()
        head.addWidget(self.state)
        head.addWidget(self.why, 1)
        card.addLayout(head)
        self.client = plain_label()
        set_role(self.client, "title")
        self.number = plain_label()
        self.due = QLabel()
        self.attempts = plain_label()
        self.attempts.setWordWrap(True)
        self.request = plain_label()
        self.request.setWordWrap(True)
        self.request.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.client, self.number, self.due, self.attempts, self.request):
            card.addWidget(widget)
        layout.addWidget(self.preview)
        self.preview.hide()

        self.mine_title = QLabel()
        self.mine = TaskList()
        self.team_title = QLabel()
        self.team = TaskList()
        for part in (self.mine_title, self.mine, self.team_title, self.team):
            layout.addWidget(part)
        layout.setStretchFactor(self.mine, 1)
        layout.setStretchFactor(self.team, 2)
        self.lists = TaskLists()
        self.view = DeskView()
        self.client_name: str | None = None
        self.retranslate()

    # ----- what the core reports -------------------------------------------------------------------

    def show_lists(self, lists: TaskLists) -> None:
        self.lists = lists
        self.mine.show_tasks(lists.mine)
        self.team.show_tasks(lists.team)
        self._counts()

    def show_view(self, view: DeskView) -> None:
        self.view = view
        self._preview()

    def show_client(self, name: str | None) -> None:
        """The client's name from the CRM (``None``: not a known contact)."""
        self.client_name = name
        self._preview()

    def show_reminder(self, text: str) -> None:
        set_plain(self.reminder, text)
        self.reminder.setVisible(bool(text))

    # ----- drawing ---------------------------------------------------------------------------------

    def _counts(self) -> None:
        lists = self.lists
        self.missed.setText(self.tr("Missed calls: %1").replace("%1", str(lists.missed)))
        self.missed.setVisible(lists.missed > 0)
        for state, label in self.counts.items():
            label.setText(f"{state_label(state)}: {lists.counts.get(state, 0)}")
        self.mine_title.setText(self.tr("My due tasks (%1)").replace("%1", str(len(lists.mine))))
        self.team_title.setText(self.tr("Team queue (%1)").replace("%1", str(len(lists.team))))

    def _preview(self) -> None:
        view, task = self.view, self.view.task
        self.notice.setText(notice_label(view.notice) if view.phase is DeskPhase.IDLE else self._phase_text())
        self.preview.setVisible(task is not None)
        if task is None:
            return
        self.state.setText(state_label(task.state))
        set_role(self.state, TASK_STATE_BADGES[task.state], "badge")
        set_plain(self.why, why_label(task))
        set_plain(self.client, self.client_name or self.tr("Unknown client"))
        set_plain(self.number, task.phone)
        self.due.setText(self.tr("Due: %1").replace("%1", format_datetime(task.due_at)))
        lines = [f"{format_datetime(a.at)}  {attempt_label(a)}" for a in task.attempts]
        head = self.tr("Attempts so far: %1").replace("%1", str(len(task.attempts)))
        set_plain(self.attempts, "\n".join([head, *lines]))
        set_plain(self.request, task.text)
        self.request.setVisible(bool(task.text))

    def _phase_text(self) -> str:
        view = self.view
        if view.phase is DeskPhase.PREVIEW and view.set_aside:
            return self.tr("A call came in: the task waits until it is over")
        if view.phase is DeskPhase.PREVIEW:
            return self.tr("Read the task, then call the client")
        if view.phase is DeskPhase.CALLING:
            return self.tr("Calling the client")
        if view.suggestion is not None:
            return self.tr("The client was not reached (%1): press Not reached").replace(
                "%1", reason_label(view.suggestion.value)
            )
        return self.tr("Finish the call: its result closes the task")

    def retranslate(self) -> None:
        self.title.setText(self.tr("Tasks"))
        self.mine.retranslate()
        self.team.retranslate()
        self._counts()
        self._preview()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
