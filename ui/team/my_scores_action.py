"""The "My scores" entry at the top of the main window's tools menu, on every desktop; the window it
opens (:mod:`ui.team.my_scores`, with the score form and the quality wire models) is imported on the
first click, not at start: an operator's idle desktop never needs it (issue 15's idle memory)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from ui.i18n import on_language_change

if TYPE_CHECKING:
    from ui.team.my_scores import MyScoresWindow, ScoresApi


class MyScores:
    """ "My scores" at the top of the main window's tools menu: opens (and re-reads) the window."""

    def __init__(self, window: QMainWindow, menu: QMenu, api: ScoresApi) -> None:
        self.api = api
        self.window: MyScoresWindow | None = None
        self.action = QAction(window)
        self.action.setObjectName("myScoresAction")
        self.action.triggered.connect(self.open)
        first = menu.actions()
        if first:
            menu.insertAction(first[0], self.action)
        else:
            menu.addAction(self.action)
        window.addAction(self.action)
        on_language_change(self.action, self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        self.action.setText(QCoreApplication.translate("MyScores", "My &scores"))

    def open(self) -> None:
        if self.window is None:
            from ui.team.my_scores import MyScoresWindow

            self.window = MyScoresWindow(self.api)
        self.window.reload()
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    async def aclose(self) -> None:
        if self.window is not None:
            await self.window.aclose()
