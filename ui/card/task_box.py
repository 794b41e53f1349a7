"""The task above the card while its client is previewed (preview dialling): the card below is the
client's full card, read before anything is dialled; this box says it is a preview of a task, with no
call yet, and why the task exists: its kind and reason, the attempts so far, the web request's text.

When a call rings in during the preview, that call takes the card and this box says the preview is set
aside until the call is over. Built the first time a task is previewed (idle memory). The task's texts
come from outside (a caller's number, a web form's text): plain text only.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from app.wire.tasks import TaskOut
from ui.labels import format_datetime
from ui.plain import plain_label, set_plain
from ui.tasks.words import attempt_label, why_label
from ui.theme import set_role


class TaskBox(QFrame):
    """The task being previewed, or the note that it is set aside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("task_box")
        self.setProperty("panel", "true")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        self.title = plain_label()
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setWordWrap(True)
        set_role(self.title, "warning")
        self.why = plain_label()
        self.attempts = plain_label()
        self.attempts.setWordWrap(True)
        set_role(self.attempts, "muted")
        self.request = plain_label()
        self.request.setWordWrap(True)
        self.request.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for widget in (self.title, self.why, self.attempts, self.request):
            layout.addWidget(widget)
        self.task: TaskOut | None = None
        self.aside = False

    def show_task(self, task: TaskOut | None, *, aside: bool = False) -> None:
        """``task`` in preview (``None``: none); ``aside``: a call holds the card meanwhile."""
        self.task, self.aside = task, aside
        self.retranslate()

    def retranslate(self) -> None:
        task = self.task
        self.setVisible(task is not None)
        if task is None:
            return
        if self.aside:
            title = QCoreApplication.translate(
                "Card", "Task preview set aside for this call: it comes back when the call is over"
            )
        else:
            title = QCoreApplication.translate("Card", "Task preview: no call yet. %1").replace(
                "%1", task.phone
            )
        set_plain(self.title, title)
        set_plain(self.why, QCoreApplication.translate("Card", "Why: %1").replace("%1", why_label(task)))
        self.why.setVisible(not self.aside)
        lines = [f"{format_datetime(a.at)}  {attempt_label(a)}" for a in task.attempts]
        head = QCoreApplication.translate("Card", "Attempts so far: %1").replace(
            "%1", str(len(task.attempts))
        )
        set_plain(self.attempts, "\n".join([head, *lines]))
        self.attempts.setVisible(not self.aside)
        set_plain(
            self.request,
            QCoreApplication.translate("Card", "Request: %1").replace("%1", task.text) if task.text else "",
        )
        self.request.setVisible(bool(task.text) and not self.aside)
