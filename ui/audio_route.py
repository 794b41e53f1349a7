"""Where the call's sound goes after the headset was unplugged, in the status bar (issue 17).

Shown from the core's :class:`~app.workstation.notices.AudioRouted` (the service moved the sound as the
settings say: service -> core -> here). While the headset is missing the line stays, because the
operator must know whether the client's voice now comes out of another device or not at all; when it
is back, the line says so for a while and goes. Device names come from the system: plain text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.workstation.notices import AudioRouted
from ui.plain import set_plain

BACK_SHOWN_MS = 15000
"""How long "the headset is back" stays in the status bar."""
DEFAULT_DEVICE = "default"
"""PortAudio's name for the system's default device (without PulseAudio)."""


class AudioRouteIndicator(QLabel):
    """Hidden until the headset's sound device is lost."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("audioRouteIndicator")
        self.setWordWrap(True)
        self._notice: AudioRouted | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._forget)
        self.hide()

    def show_route(self, notice: AudioRouted) -> None:
        self._notice = notice
        if notice.back:
            self._timer.start(BACK_SHOWN_MS)
        else:
            self._timer.stop()
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def _forget(self) -> None:
        self._notice = None
        self._render()

    def _render(self) -> None:
        notice = self._notice
        if notice is None:
            self.hide()
            return
        if notice.back:
            text = self.tr("Headset %1 is back: the call's sound plays in it again")
        elif not notice.device:
            text = self.tr("Headset %1 unplugged: the call goes on without sound until you plug it back in")
        elif notice.device == DEFAULT_DEVICE:
            text = self.tr(
                "Headset %1 unplugged: the call's sound now plays on the computer's default "
                "speakers and microphone"
            )
        else:
            text = self.tr("Headset %1 unplugged: the call's sound now plays on %2")
        set_plain(self, text.replace("%2", notice.device).replace("%1", notice.headset))
        self.show()
