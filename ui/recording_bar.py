"""The call's recording, above the card: whether it is recorded, paused, or can be; and the one button.

It renders a :class:`app.workstation.notices.RecordingView` and nothing else (the desk passes the view of
the call in the card, or ``None``): "● Recording" in red while the service records, "Recording paused"
while a client reads a card number, "Not recorded" with "Record" where the queue records on demand.
Hidden when there is no call, or when its queue is never recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.workstation import Workstation
from app.workstation.notices import RecordingView
from ui.theme import set_role


class RecordingBar(QWidget):
    record_requested = Signal()
    pause_toggle_requested = Signal(bool)
    """``True``: pause; ``False``: resume."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingBar")
        self.state = QLabel()
        self.state.setObjectName("recordingState")
        self.button = QPushButton()
        self.button.setObjectName("recordingButton")
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state, 1)
        layout.addWidget(self.button)
        self.view: RecordingView | None = None
        self.show_view(None)

    def show_view(self, view: RecordingView | None) -> None:
        self.view = view
        self.setVisible(view is not None and view.state not in ("off", "finished"))
        self.retranslate()

    def _clicked(self) -> None:
        view = self.view
        if view is None:
            return
        if view.state == "available":
            self.record_requested.emit()
        elif view.state in ("recording", "paused"):
            self.pause_toggle_requested.emit(view.state == "recording")

    def retranslate(self) -> None:
        view = self.view
        state = view.state if view is not None else "off"
        texts = {
            "available": (self.tr("Not recorded"), "muted", self.tr("Record")),
            "starting": (self.tr("Starting the recording..."), "muted", ""),
            "recording": (self.tr("● Recording"), "error", self.tr("Pause recording")),
            "paused": (self.tr("Recording paused"), "warning", self.tr("Resume recording")),
            "failed": (self.tr("Recording failed: the call is not recorded"), "error", ""),
        }
        text, role, button = texts.get(state, ("", "muted", ""))
        self.state.setText(text)
        set_role(self.state, role)
        self.button.setText(button)
        self.button.setVisible(bool(button))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class RecordingBinding:
    """The bar's link to the core: shows the recording of the call in the card, sends its intents."""

    def __init__(
        self,
        bar: RecordingBar,
        workstation: Workstation,
        run: Callable[[Awaitable[Any]], None],
        current_id: Callable[[], str | None],
    ) -> None:
        self.bar = bar
        self._workstation = workstation
        self._run = run
        self._current_id = current_id
        bar.record_requested.connect(self._record)
        bar.pause_toggle_requested.connect(self._pause)

    def show(self, call_id: str | None) -> None:
        recordings = self._workstation.recordings
        views = recordings.views if recordings is not None else {}
        self.bar.show_view(views.get(call_id) if call_id is not None else None)

    def _record(self) -> None:
        recordings, call_id = self._workstation.recordings, self._current_id()
        if recordings is not None and call_id is not None:
            self._run(recordings.record(call_id))

    def _pause(self, paused: bool) -> None:
        recordings, call_id = self._workstation.recordings, self._current_id()
        if recordings is not None and call_id is not None:
            self._run(recordings.pause(call_id, paused))
