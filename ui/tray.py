"""The system tray icon: status at a glance, the status menu, and the way back to a hidden window.

A ``QSystemTrayIcon`` exists only once shown: the icon was built and never shown (issue 13, defect 5),
so an operator who closed the window had no way back. The desktop shows it always (Qt adds it to a
tray that appears later); where there is no tray, closing the window minimises it (``ui.leaving``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QSystemTrayIcon

from app.wire.statuses import NotReadyReason
from ui.i18n import on_language_change
from ui.status_menu import StatusMenu, StatusView, status_icon_name, status_text
from ui.theme import icon


class Tray(QObject):
    """The tray icon and its menu (status choices, Show window, Quit); the icon colour is the status."""

    status_requested = Signal(object)
    """A :class:`~ui.status_menu.StatusChoice` to apply now."""
    next_status_requested = Signal(object)
    """A :class:`~ui.status_menu.StatusChoice` for after the call (``None``: clear)."""
    show_window_requested = Signal()
    """The operator clicked the icon or chose "Show window"."""
    quit_requested = Signal()
    """The operator chose Quit."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icon("ringdesk"), self)
        self.menu = StatusMenu()
        self.menu.status_chosen.connect(self.status_requested)
        self.menu.next_status_chosen.connect(self.next_status_requested)
        self.show_window = QAction(self)
        self.show_window.triggered.connect(self.show_window_requested)
        self.quit = QAction(self)
        self.quit.triggered.connect(self.quit_requested)
        self.menu.set_tail([self.show_window, self.quit])
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self._view: StatusView | None = None
        self.notice: tuple[str, str] | None = None
        """The last notice shown from the icon (title, text): what the operator was told."""
        on_language_change(self, self.retranslate)
        self.retranslate()

    def show(self) -> None:
        """Put the icon in the tray (it is not there until shown)."""
        self.icon.show()

    def notify(self, title: str, text: str) -> None:
        """A notice from the icon (a balloon, or the desktop's notification)."""
        self.notice = (title, text)
        self.icon.showMessage(title, text, self.icon.icon(), 10000)

    def show_reasons(self, reasons: list[NotReadyReason]) -> None:
        """The not-ready reasons of the catalogue; the menu offers those a person may choose."""
        self.menu.show_reasons(reasons)

    def show_status(self, view: StatusView) -> None:
        """Show the status as the icon's tooltip and badge colour."""
        self._view = view
        self.menu.show_status(view)
        self.icon.setIcon(icon(status_icon_name(view.status, view.reason)))
        self.retranslate()

    def retranslate(self) -> None:
        """Re-set the texts in the current language (on every language switch: a tray icon is no widget)."""
        self.show_window.setText(QCoreApplication.translate("Tray", "Show window"))
        self.quit.setText(QCoreApplication.translate("Tray", "Quit"))
        text = status_text(self._view.status, self._view.reason) if self._view else ""
        # Tray tooltips are plain text on every platform we ship to.
        self.icon.setToolTip(f"ringdesk: {text}" if text else "ringdesk")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window_requested.emit()
