"""What closing the window and quitting mean for an operator on shift (issue 13, defect 5).

Closing the window is not quitting: an operator who is Ready keeps getting calls, so a window that
just vanished would leave them reachable with no way to see it. Closing therefore asks, with the
harmless answer first: keep working in the tray (a notice then says they are still in their status
and how to come back) or, where the desktop has no system tray, minimise to the task bar; end the
shift and quit; or cancel. Quitting never loses a call or its result: during a call it is refused,
and during after-call work it asks, defaulting to going back to the form (the typed result is kept as
a draft and reopened at the next start if the operator quits anyway). When the local store refuses
writes (a full disk) and some are held in memory only, quitting would lose them: it asks first.

Questions are window-modal message boxes opened without a nested event loop (``open``, not ``exec``):
the qasync loop, the phone and the sync keep running while the question is on the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QMessageBox, QPushButton, QSystemTrayIcon

from app.session.phase import Phase
from app.workstation import Workstation
from ui.main_window import MainWindow
from ui.tray import Tray

_UNFINISHED = frozenset({Phase.ENDED, Phase.ACW})


class Question(QMessageBox):
    """A question about leaving, its buttons reachable by name (``named["keep"]``)."""

    def __init__(self, window: MainWindow, icon: QMessageBox.Icon, text: str) -> None:
        super().__init__(window)
        self.setIcon(icon)
        self.setWindowTitle("ringdesk")
        self.setText(text)
        self.named: dict[str, QPushButton] = {}

    def add(self, name: str, text: str, role: QMessageBox.ButtonRole) -> QPushButton:
        button = self.addButton(text, role)
        self.named[name] = button
        return button

    def chosen(self) -> str | None:
        """The name of the button the operator clicked (``None``: closed with Esc or the title bar)."""
        clicked = self.clickedButton()
        return next((name for name, button in self.named.items() if button is clicked), None)


class Leaving(QObject):
    """Answers the window's close and the Quit intents (menu, tray) of one desktop."""

    def __init__(
        self,
        window: MainWindow,
        workstation: Workstation,
        tray: Tray,
        status_text: Callable[[], str],
        quit_shift: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workstation = workstation
        self.tray = tray
        self.status_text = status_text
        self.quit_shift = quit_shift
        self.question: Question | None = None
        """The question on the screen now, if any (one at a time)."""
        window.close_requested.connect(self.window_closed)
        window.quit_requested.connect(self.quit_requested)
        tray.quit_requested.connect(self.quit_requested)

    def window_closed(self) -> None:
        """The operator closed the window: ask whether to keep working (tray or task bar) or quit."""
        status = self.status_text()
        if self.has_tray():
            text = QCoreApplication.translate(
                "Leaving", "You are still %1: calls keep ringing here while ringdesk runs in the tray."
            )
            keep = QCoreApplication.translate("Leaving", "Keep working in the tray")
        else:
            text = QCoreApplication.translate(
                "Leaving", "You are still %1: calls keep ringing here while ringdesk runs."
            )
            keep = QCoreApplication.translate("Leaving", "Minimise")
        box = self._ask(QMessageBox.Icon.Question, text.replace("%1", status))
        box.setDefaultButton(box.add("keep", keep, QMessageBox.ButtonRole.AcceptRole))
        box.add(
            "quit",
            QCoreApplication.translate("Leaving", "End shift and quit"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.setEscapeButton(
            box.add(
                "cancel", QCoreApplication.translate("Leaving", "Cancel"), QMessageBox.ButtonRole.RejectRole
            )
        )
        box.finished.connect(lambda _: self._after_close_question(box))
        box.open()

    def _after_close_question(self, box: Question) -> None:
        self._forget(box)
        chosen = box.chosen()
        if chosen == "keep":
            self.keep_working()
        elif chosen == "quit":
            self.quit_requested()

    def keep_working(self) -> None:
        """Out of the way but reachable: hidden to the tray with a notice, or minimised."""
        if not self.has_tray():
            self.window.showMinimized()
            return
        self.window.hide()
        self.tray.notify(
            QCoreApplication.translate("Leaving", "ringdesk is still running"),
            QCoreApplication.translate(
                "Leaving", "You are %1. Click the ringdesk icon to open the window."
            ).replace("%1", self.status_text()),
        )

    def has_tray(self) -> bool:
        """Whether the desktop shows a system tray now (some have none; a panel may start late)."""
        return QSystemTrayIcon.isSystemTrayAvailable() and self.tray.icon.isVisible()

    def quit_requested(self) -> None:
        """Quit, unless that would end a call or leave its result behind without the operator's say."""
        sessions = [s for s in self.workstation.calls.values() if not s.consult_for]
        if any(s.phase.live for s in sessions):
            self._bring_back()
            box = self._ask(
                QMessageBox.Icon.Warning,
                QCoreApplication.translate(
                    "Leaving", "A call is in progress. Finish it and record its result before quitting."
                ),
            )
            back = box.add(
                "back",
                QCoreApplication.translate("Leaving", "Back to the call"),
                QMessageBox.ButtonRole.RejectRole,
            )
            box.setDefaultButton(back)
            box.setEscapeButton(back)
            box.finished.connect(lambda _: self._forget(box))
            box.open()
            return
        if unsaved := self.workstation.unsaved():
            self._ask_unsaved(len(unsaved))
            return
        if any(s.phase in _UNFINISHED for s in sessions):
            self._bring_back()
            box = self._ask(
                QMessageBox.Icon.Warning,
                QCoreApplication.translate(
                    "Leaving",
                    "The result of the last call is not recorded yet. If you quit now, what you typed is kept and the form opens again at the next start.",  # noqa: E501
                ),
            )
            back = box.add(
                "back",
                QCoreApplication.translate("Leaving", "Back to the result"),
                QMessageBox.ButtonRole.RejectRole,
            )
            box.add(
                "quit",
                QCoreApplication.translate("Leaving", "Quit and finish it later"),
                QMessageBox.ButtonRole.DestructiveRole,
            )
            box.setDefaultButton(back)
            box.setEscapeButton(back)
            box.finished.connect(lambda _: self._after_unfinished(box))
            box.open()
            return
        self.quit_shift()

    def _ask_unsaved(self, count: int) -> None:
        """The local store refuses writes (a full disk: the banner says so) and some are held in
        memory only: quitting would lose them, so it is not the default (issue 14)."""
        self._bring_back()
        box = self._ask(
            QMessageBox.Icon.Critical,
            QCoreApplication.translate(
                "Leaving",
                "%n record(s) could not be saved on this computer yet (see the message at the top of the window). If you quit now, they are lost.",  # noqa: E501
                None,
                count,
            ),
        )
        back = box.add(
            "back",
            QCoreApplication.translate("Leaving", "Back to ringdesk"),
            QMessageBox.ButtonRole.RejectRole,
        )
        box.add(
            "quit",
            QCoreApplication.translate("Leaving", "Quit and lose them"),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.finished.connect(lambda _: self._after_unfinished(box))
        box.open()

    def _after_unfinished(self, box: Question) -> None:
        self._forget(box)
        if box.chosen() == "quit":
            self.quit_shift()

    def _ask(self, icon: QMessageBox.Icon, text: str) -> Question:
        if self.question is not None:
            self.question.reject()
        box = Question(self.window, icon, text)
        self.question = box
        return box

    def _forget(self, box: Question) -> None:
        if self.question is box:
            self.question = None

    def _bring_back(self) -> None:
        """A question about a call is asked over the window, never over nothing."""
        if not self.window.isVisible() or self.window.isMinimized():
            self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()
