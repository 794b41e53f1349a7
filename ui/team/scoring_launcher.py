"""``Recorded calls...`` on the Team window. The window it opens (:mod:`ui.team.scoring`: the list, the
card's player and the score form) is imported on the first click: the Team window is open all shift,
scoring now and then (issue 15's memory budget)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QPushButton, QWidget

if TYPE_CHECKING:
    from app.quality.scoring import CallScoring
    from ui.team.scoring import ScoringWindow


class ScoringLauncher(QPushButton):
    """ "Recorded calls..." on the Team window: opens the selected operator's calls (one window,
    reused). ``attach`` gives it the lead's API client and player; until then it stays disabled."""

    def __init__(self, selected: Callable[[], str | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordedCallsButton")
        self._selected = selected
        self.scoring: CallScoring | None = None
        self.calls_window: ScoringWindow | None = None
        self.clicked.connect(self.open_selected)
        self.retranslate()

    def attach(self, scoring: CallScoring) -> None:
        self.scoring = scoring

    def update_enabled(self) -> None:
        self.setEnabled(self.scoring is not None and self._selected() is not None)

    def open_selected(self) -> None:
        operator = self._selected()
        if operator is None or self.scoring is None:
            return
        if self.calls_window is None:
            from ui.team.scoring import ScoringWindow

            self.calls_window = ScoringWindow(self.scoring)
        self.calls_window.open_operator(operator)
        self.calls_window.show()
        self.calls_window.raise_()
        self.calls_window.activateWindow()

    async def aclose(self) -> None:
        if self.calls_window is not None:
            await self.calls_window.aclose()

    def retranslate(self) -> None:
        self.setText(self.tr("Recorded calls..."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
