"""Listen, whisper, barge: the team lead's live supervision from the Team window's board.

A bar under the board's actions, for the selected operator while they are on a call: **Listen**,
**Whisper**, **Barge** (each starts supervising in that mode, or switches the call already made to the
same operator) and **Hang up**, with the state beside them ("Listening to op_n1", "Refused by the
operator's phone"). It renders :class:`app.supervision.live.LeadSide` and sends it intents; the grant,
the call and the mixing are the core's, the server's and the telephony services' (``docs/quality.md``).
Attached by :func:`attach_supervise_bar`, so the Team window itself does not change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.supervision.live import LeadSide
from app.telephony.events import CallState
from app.wire.supervision import SupervisionMode
from ui.plain import set_plain
from ui.refusals import error_text

if TYPE_CHECKING:
    from ui.team.window import TeamWindow


class SuperviseBar(QWidget):
    """The bar (module notes)."""

    def __init__(self, window: TeamWindow, lead: LeadSide) -> None:
        super().__init__(window)
        self.setObjectName("superviseBar")
        self.window_ = window
        self.lead = lead
        self.buttons = {mode: QPushButton(self) for mode in SupervisionMode}
        self.hang_up_button = QPushButton(self)
        self.state = QLabel(self)
        self.error = ""
        self._tasks: set[asyncio.Future[Any]] = set()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for mode, button in self.buttons.items():
            button.setObjectName(f"supervise_{mode.value}")
            button.clicked.connect(lambda _=False, m=mode: self.supervise(m))
            layout.addWidget(button)
        self.hang_up_button.clicked.connect(self.hang_up)
        layout.addWidget(self.hang_up_button)
        layout.addWidget(self.state, 1)
        lead.on_change = self.refresh
        self.retranslate()

    def selected_operator(self) -> str | None:
        """The selected operator when they are on a call (what can be supervised)."""
        row = self.window_.selected_row()
        if row is None or not self.window_.model.on_call(row):
            return None
        return self.window_.model.entry(row).operator

    def supervise(self, mode: SupervisionMode) -> None:
        operator = self.selected_operator()
        if operator is not None:
            self._run(self.lead.start(operator, mode))

    def hang_up(self) -> None:
        self._run(self.lead.hang_up())

    def _run(self, intent: Awaitable[None]) -> None:
        async def run() -> None:
            self.error = ""
            try:
                await intent
            except Exception as exc:  # said on the bar: the lead decides what next
                self.error = error_text(exc)
            self.refresh()

        task = asyncio.ensure_future(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def refresh(self, *_: Any) -> None:
        lead = self.lead
        chosen = self.selected_operator()
        for mode, button in self.buttons.items():
            button.setEnabled(chosen is not None)
            button.setCheckable(True)
            button.setChecked(lead.active and lead.mode is mode and chosen == lead.operator)
        self.hang_up_button.setEnabled(lead.active)
        if self.error:
            text = self.error
        elif lead.active and lead.state is CallState.ACTIVE:
            text = {
                SupervisionMode.LISTEN: self.tr("Listening to %1"),
                SupervisionMode.WHISPER: self.tr("Whispering to %1"),
                SupervisionMode.BARGE: self.tr("In the call of %1"),
            }[lead.mode or SupervisionMode.LISTEN].replace("%1", lead.operator or "")
        elif lead.active:
            text = self.tr("Calling %1's phone...").replace("%1", lead.operator or "")
        elif lead.refused:
            text = self.tr("Refused by the operator's phone")
        else:
            text = ""
        set_plain(self.state, text)

    def retranslate(self) -> None:
        self.buttons[SupervisionMode.LISTEN].setText(self.tr("Listen"))
        self.buttons[SupervisionMode.WHISPER].setText(self.tr("Whisper"))
        self.buttons[SupervisionMode.BARGE].setText(self.tr("Barge"))
        self.hang_up_button.setText(self.tr("Stop supervising"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


def attach_supervise_bar(window: TeamWindow, lead: LeadSide) -> SuperviseBar:
    """Put the bar under the board's actions and keep it in step with the selection and the feed."""
    bar = SuperviseBar(window, lead)
    layout = window.layout()
    assert layout is not None
    layout.insertWidget(3, bar)  # type: ignore[attr-defined]  # top, board, actions, here, missed
    window.view.selectionModel().selectionChanged.connect(bar.refresh)
    window.sig_event.connect(bar.refresh)
    window.supervise_bar = bar  # type: ignore[attr-defined]
    return bar
