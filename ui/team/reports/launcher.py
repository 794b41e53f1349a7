"""``Reports...`` on the Team window: opens the one Reports window (:mod:`ui.team.reports.window`).

The Reports window (its charts, drill-downs and the report wire models) is imported on the first click:
a lead's Team window is open all shift, the reports now and then (issue 15's memory budget)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QPushButton, QWidget

if TYPE_CHECKING:
    from app.reports.state import ReportDesk
    from ui.team.reports.window import ReportsWindow


class ReportsLauncher(QPushButton):
    """ "Reports..." on the Team window (Alt+R or Ctrl+Shift+R there): one Reports window, reused.
    ``attach`` gives it the core; until then it stays disabled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportsButton")
        self.make_desk: Callable[[], ReportDesk] | None = None
        self.window_: ReportsWindow | None = None
        self.player: Callable[[], Any] | None = None
        self.clicked.connect(self.open_reports)
        self.setEnabled(False)
        self.retranslate()

    def attach(self, make_desk: Callable[[], ReportDesk], player: Callable[[], Any] | None = None) -> None:
        self.make_desk = make_desk
        self.player = player
        self.setEnabled(True)

    def open_reports(self) -> None:
        if self.make_desk is None:
            return
        if self.window_ is None:
            from ui.team.reports.window import ReportsWindow

            self.window_ = ReportsWindow(self.make_desk())
            if self.player is not None:
                self.window_.attach_player(self.player)
            self.window_.reload()
        self.window_.show()
        self.window_.raise_()
        self.window_.activateWindow()

    async def aclose(self) -> None:
        if self.window_ is not None:
            await self.window_.aclose()

    def retranslate(self) -> None:
        self.setText(self.tr("&Reports..."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
