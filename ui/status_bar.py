"""The operator's status, always in sight: status and reason, time in it, the next status, phone health.

A status that says "Ready" while the phone is unregistered is the classic lie of agent desktops, so a
lost registration is shown in red next to the status rather than hidden in a log.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QPoint, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from app.wire.statuses import NotReadyReason, OperatorStatus
from ui.actions import ActionCollection, ActionId
from ui.elapsed import Clock, ElapsedLabel, utc_now
from ui.plain import plain_label, set_plain
from ui.status_menu import StatusChoice, StatusMenu, StatusView, status_icon_name, status_text
from ui.theme import icon, set_role


class StatusBar(QFrame):
    """Status, reason, time in status, next status and the status menu (F2; Ctrl+N during a call)."""

    status_requested = Signal(object)
    """The operator chose a :class:`~ui.status_menu.StatusChoice` to apply now."""
    next_status_requested = Signal(object)
    """The operator chose a :class:`~ui.status_menu.StatusChoice` for after the call (``None``: clear)."""

    def __init__(
        self, actions: ActionCollection, parent: QWidget | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self._view: StatusView | None = None
        self.dot = QLabel()
        self.status = plain_label()
        set_role(self.status, "title")
        self.time_in_status = ElapsedLabel(clock=clock)
        self.next = plain_label()
        set_role(self.next, "info", "badge")
        self.unregistered = plain_label()
        set_role(self.unregistered, "danger", "badge")
        self.menu = StatusMenu(self)
        self.menu.status_chosen.connect(self.status_requested)
        self.menu.next_status_chosen.connect(self.next_status_requested)
        self.button = QToolButton()
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        actions[ActionId.STATUS_MENU].triggered.connect(self._open_menu)
        actions[ActionId.NEXT_STATUS].triggered.connect(self._open_menu)
        actions[ActionId.READY].triggered.connect(lambda: self._pick(StatusChoice(OperatorStatus.READY)))
        actions[ActionId.END_SHIFT].triggered.connect(
            lambda: self._pick(StatusChoice(OperatorStatus.OFFLINE))
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for widget in (self.dot, self.status, self.time_in_status, self.next, self.unregistered):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.button)
        self.retranslate()

    def show_reasons(self, reasons: list[NotReadyReason]) -> None:
        """The not-ready reasons the menu offers (from the server's catalogue)."""
        self.menu.show_reasons(reasons)

    def show_status(self, view: StatusView) -> None:
        """Show the operator's status; time in status counts from ``view.since``."""
        fresh = self._view is None or self._view.since != view.since
        self._view = view
        self.menu.show_status(view)
        limit = view.reason.max_minutes if view.reason else None
        if fresh:
            self.time_in_status.start(view.since, warn_after=timedelta(minutes=limit) if limit else None)
        self.dot.setPixmap(icon(status_icon_name(view.status, view.reason)).pixmap(16, 16))
        self.retranslate()

    def _pick(self, choice: StatusChoice) -> None:
        if self._view is not None and self._view.in_call:
            self.next_status_requested.emit(choice)
        else:
            self.status_requested.emit(choice)

    def _open_menu(self) -> None:
        self.menu.popup(self.button.mapToGlobal(QPoint(0, self.button.height())))
        if self.menu.actions():
            self.menu.setActiveAction(self.menu.actions()[0])

    def retranslate(self) -> None:
        """Re-set the texts in the current language."""
        view = self._view
        self.button.setText(self.tr("Status"))
        set_plain(self.status, status_text(view.status, view.reason) if view else self.tr("Not logged in"))
        nxt = view.next if view else None
        if nxt is not None:
            reason = next((r for r in self.menu.reasons() if r.code == nxt.reason), None)
            set_plain(self.next, self.tr("Next: %1").replace("%1", status_text(nxt.status, reason)))
        self.next.setVisible(nxt is not None)
        set_plain(self.unregistered, self.tr("Phone not registered: no calls"))
        self.unregistered.setVisible(view is not None and not view.registered)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


__all__ = ["StatusBar", "StatusChoice", "StatusView"]
