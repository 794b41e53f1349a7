"""Tasks on the desktop, wired at start-up: the core's task desk and list watch, the window's task
actions, reminders (tray and window) and the missed-call badge. The panel's widgets
(``ui.tasks.panel``) are imported and built only when the panel is first shown, so an operator who
never opens it carries none of it (idle memory, issue 5).

Data flows one way: the watch and the desk report (:class:`TaskLists`, :class:`DeskView`), this hook
hands it to the panel; the actions call the desk's intents, whose refusals and failures go to the
status line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QSizePolicy

from app.client.errors import ApiError
from app.refused import Refused
from app.sync.service import SyncService
from app.tasks.board import TaskLists, TaskWatch
from app.tasks.desk import TaskDesk
from app.tasks.desk_view import DeskPhase, DeskView
from app.tasks.outcomes import CallOutcomeReporter
from app.workstation import Workstation
from ui.actions import ActionId
from ui.card.binding import CardPreview
from ui.desk import Desk
from ui.i18n import on_language_change
from ui.main_window import MainWindow
from ui.refusals import error_text
from ui.theme import set_role
from ui.tool_buttons import toolbar_buttons
from ui.tray import Tray

if TYPE_CHECKING:
    from ui.tasks.panel import TasksPanel

log = logging.getLogger(__name__)


class TasksHook:
    """``desk`` and ``watch`` (core), ``panel`` (``None`` until first shown) and ``badge``."""

    def __init__(
        self,
        window: MainWindow,
        workstation: Workstation,
        sync: SyncService,
        *,
        operator: str,
        tray: Tray | None,
        desk: Desk,
        reports_calls: bool = False,
        quiet: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.window = window
        self.tray = tray
        self.status_desk = desk
        self.sync = sync
        self.desk = TaskDesk(sync.api, sync.outbox, workstation)
        self.watch = TaskWatch(sync.api, operator, quiet=quiet)
        """The lists, refreshed once no call pops (``quiet``: the core's ``PopWatch``, issue 15)."""
        self.reporter = CallOutcomeReporter(workstation.hub, sync.outbox) if reports_calls else None
        """Reports inbound calls that rang here to the server (operators only: the server's rule)."""
        self.panel: TasksPanel | None = None
        self.dock: QDockWidget | None = None
        self.reminder_text = ""
        self._jobs: set[asyncio.Future[None]] = set()
        self.client_name: str | None = None
        """The CRM name of the task's client (``None``: unknown, or not looked up yet)."""
        actions = window.action_collection
        self.actions = actions
        self.badge = QLabel()
        """The missed-call count on the toolbar, beside "Tasks" (hidden at zero)."""
        self.badge.setObjectName("tasks_badge")
        set_role(self.badge, "danger", "badge")
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        window.toolbar.addAction(actions[ActionId.TASKS])
        toolbar_buttons(window.toolbar, actions[ActionId.TASKS])
        self._badge_action = window.toolbar.addWidget(self.badge)
        """A widget on a tool bar is shown and hidden through its action."""
        self._badge_action.setVisible(False)
        call_menu = window.menus[0]
        call_menu.addSeparator()
        for action_id in (
            ActionId.TASKS,
            ActionId.NEXT_TASK,
            ActionId.DIAL_TASK,
            ActionId.GIVE_BACK_TASK,
            ActionId.TASK_NOT_REACHED,
        ):
            call_menu.addAction(actions[action_id])
        actions[ActionId.TASKS].triggered.connect(self.show_panel)
        actions[ActionId.NEXT_TASK].triggered.connect(self.next_task)
        actions[ActionId.DIAL_TASK].triggered.connect(lambda: self._run(self.desk.dial()))
        actions[ActionId.TASK_NOT_REACHED].triggered.connect(self._not_reached)
        actions[ActionId.GIVE_BACK_TASK].triggered.connect(lambda: self._run(self.desk.release()))
        self.desk.subscribe(self._on_view)
        self.watch.subscribe(self._on_lists)
        on_language_change(self.badge, self._retranslate)
        self._on_view(self.desk.view)

    def start(self) -> None:
        self.watch.start()

    async def stop(self) -> None:
        for job in list(self._jobs):
            job.cancel()
        await self.watch.stop()
        await self.desk.close()
        if self.reporter is not None:
            self.reporter.close()

    # ----- intents ---------------------------------------------------------------------------------

    def show_panel(self) -> TasksPanel:
        """Show the panel (built now the first time) and put the keyboard in it."""
        if self.panel is None:
            from ui.tasks.panel import TasksPanel  # first use only (idle memory)

            self.panel = TasksPanel(self.actions)
            self.dock = QDockWidget()
            self.dock.setObjectName("tasks")
            self.dock.setWidget(self.panel)
            self.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
            self.panel.show_lists(self.watch.lists)
            self.panel.show_view(self.desk.view)
            self.panel.show_client(self.client_name)
            self.panel.show_reminder(self.reminder_text)
            self._retranslate()
            self.watch.kick()
        assert self.dock is not None
        self.dock.show()
        self.dock.raise_()
        self.panel.mine.setFocus()
        return self.panel

    def next_task(self) -> None:
        self.show_panel()
        self._run(self.desk.take_next())

    def _not_reached(self) -> None:
        try:
            self.desk.not_reached()
        except Refused as refused:
            self.status_desk.status_line.showMessage(error_text(refused), 10000)

    def _run(self, intent: Coroutine[Any, Any, Any]) -> None:
        async def guarded() -> None:
            try:
                await intent
            except (Refused, ApiError) as exc:
                self.status_desk.status_line.showMessage(error_text(exc), 10000)
            except Exception as exc:  # a failure must not vanish into the loop
                log.warning("task intent failed: %s", exc, exc_info=True)
                self.status_desk.status_line.showMessage(error_text(exc), 10000)

        job = asyncio.ensure_future(guarded())
        self._jobs.add(job)
        job.add_done_callback(self._jobs.discard)

    # ----- what the core reports -------------------------------------------------------------------

    def _on_view(self, view: DeskView) -> None:
        actions = self.actions
        actions[ActionId.DIAL_TASK].setEnabled(view.phase is DeskPhase.PREVIEW and not view.set_aside)
        # Esc gives the task back only while the preview has the card: with a call on the desk, Esc
        # is that call's (the keypad, the forms); the panel's button waits until the call is over too.
        actions[ActionId.GIVE_BACK_TASK].setEnabled(view.phase is DeskPhase.PREVIEW and not view.set_aside)
        actions[ActionId.TASK_NOT_REACHED].setEnabled(
            view.phase is DeskPhase.WRAP_UP and view.suggestion is not None
        )
        actions[ActionId.NEXT_TASK].setEnabled(view.phase is DeskPhase.IDLE)
        preview = None
        if view.phase is DeskPhase.PREVIEW and view.task is not None:  # the card shows the client
            preview = CardPreview(
                view.task, self.desk.dial_target, view.contact, view.looked_up, view.set_aside, view.dialling
            )
        self.status_desk.card.show_preview(preview)
        self._show_client(view.contact.name if view.contact is not None else None)
        if view.notice in ("reported", "released"):
            self.watch.kick()
        if self.panel is not None:
            self.panel.show_view(view)

    def _show_client(self, name: str | None) -> None:
        self.client_name = name
        if self.panel is not None:
            self.panel.show_client(name)

    def _on_lists(self, lists: TaskLists) -> None:
        self.badge.setText(str(lists.missed))
        self._badge_action.setVisible(lists.missed > 0)
        self.badge.setToolTip(QCoreApplication.translate("Tasks", "Missed calls not called back yet"))
        for task in lists.reminders:
            text = QCoreApplication.translate("Tasks", "Callback due: %1").replace("%1", task.phone)
            self.reminder_text = text
            if self.tray is not None:
                self.tray.notify(QCoreApplication.translate("Tasks", "Callback due"), text)
            self.status_desk.status_line.showMessage(text, 30000)
        if self.panel is not None:
            self.panel.show_lists(lists)
            self.panel.show_reminder(self.reminder_text)

    def _retranslate(self) -> None:
        if self.dock is not None:
            self.dock.setWindowTitle(QCoreApplication.translate("Tasks", "Tasks"))
        with contextlib.suppress(RuntimeError):
            self.badge.setToolTip(QCoreApplication.translate("Tasks", "Missed calls not called back yet"))
