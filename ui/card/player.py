"""Listening to a recording from the card's history: double-click a call with a recording and a bar under
the history plays it in the headset, with a position slider (seek), 1x/1.5x/2x and Stop.

The widget only shows and asks; :class:`PlayerBinding` turns its requests into the core's
:class:`app.workstation.playback.RecordingPlayer` intents and refreshes the position from it while it
plays. The history's items come from the server; only calls whose recording the reader may hear carry one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QTreeWidgetItem, QWidget

from app.wire.contacts import HistoryCall, HistoryItem
from app.workstation.playback import SPEEDS, RecordingPlayer
from ui.card.call_card import CallCard


class PlayerBar(QWidget):
    """Play/Stop, the position (seconds) and the speed of the recording being listened to."""

    play_toggle_requested = Signal()
    seek_requested = Signal(float)
    speed_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordingPlayer")
        self.button = QPushButton()
        self.button.clicked.connect(self.play_toggle_requested)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.sliderReleased.connect(lambda: self.seek_requested.emit(float(self.slider.value())))
        self.time = QLabel()
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"{speed:g}x", speed)
        self.speed.activated.connect(
            lambda index: self.speed_requested.emit(float(self.speed.itemData(index)))
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time)
        layout.addWidget(self.speed)
        self.playing = False
        self.length = 0.0
        self.hide()
        self.retranslate()

    def show_position(self, position: float, length: float, playing: bool, speed: float) -> None:
        self.playing, self.length = playing, length
        self.slider.setRange(0, max(1, int(length)))
        if not self.slider.isSliderDown():
            self.slider.setValue(int(position))
        self.time.setText(f"{clock_text(position)} / {clock_text(length)}")
        self.speed.setCurrentIndex(max(0, self.speed.findData(speed)))
        self.show()
        self.retranslate()

    def retranslate(self) -> None:
        self.button.setText(self.tr("Stop") if self.playing else self.tr("Play"))
        self.setToolTip(self.tr("Recording of the call, in your headset"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class PlayerControl:
    """A :class:`PlayerBar` driving a :class:`RecordingPlayer`: its buttons -> seek, speed, stop, play;
    the position refreshed from the player while it plays. Shared by the card's history and the team
    lead's recorded calls (``ui.team.scoring``): one player core, one bar, two places to open from."""

    def __init__(
        self,
        bar: PlayerBar,
        player: Callable[[], RecordingPlayer | None],
        run: Callable[[Awaitable[Any]], None],
    ) -> None:
        self.bar, self._player, self._run = bar, player, run
        self._timer = QTimer(bar)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        bar.play_toggle_requested.connect(self._toggle)
        bar.seek_requested.connect(lambda at: self.act(lambda p: p.seek(at)))
        bar.speed_requested.connect(lambda speed: self.act(lambda p: p.set_speed(speed)))

    def open(self, recording_id: int, seconds: float) -> None:
        """Fetch the recording (the server audits the play) and play it from the start."""
        self.act(lambda p: p.open(recording_id, seconds))

    def _toggle(self) -> None:
        player = self._player()
        if player is None:
            return
        if player.playing:
            self.act(lambda p: p.stop())
        else:
            at = player.position()
            self.act(lambda p: p.seek(0.0 if at >= p.length_s else at))

    def act(self, intent: Callable[[RecordingPlayer], Awaitable[None]]) -> None:
        player = self._player()
        if player is None:
            return

        async def then_refresh() -> None:
            try:
                await intent(player)
            finally:
                self.refresh()

        self._run(then_refresh())

    def refresh(self) -> None:
        player, bar = self._player(), self.bar
        if player is None or player.recording_id is None:
            bar.hide()
            self._timer.stop()
            return
        bar.show_position(player.position(), player.length_s, player.playing, player.speed)
        if player.playing:
            self._timer.start()
        else:
            self._timer.stop()


class PlayerBinding:
    """Double-click in the history -> fetch and play, through a :class:`PlayerControl` on the
    contact page's bar (built with the page, on first use)."""

    def __init__(
        self,
        card: CallCard,
        player: Callable[[], RecordingPlayer | None],
        run: Callable[[Awaitable[Any]], None],
    ) -> None:
        self._card, self._player, self._run = card, player, run
        self._control: PlayerControl | None = None
        card.stack.currentChanged.connect(self._attach)  # the contact page is built on first use
        self._attach()

    def _attach(self) -> None:
        if self._control is not None or not self._card.has_contact_page():
            return
        page = self._card.contact_page
        self._control = PlayerControl(page.player, self._player, self._run)
        page.history.itemActivated.connect(self._activated)

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        item: HistoryItem | None = row.data(0, Qt.ItemDataRole.UserRole)
        recording = item.recording if isinstance(item, HistoryCall) else None
        if recording is None or not recording.stored or recording.purged or self._control is None:
            return
        self._control.open(recording.id, recording.seconds)

    def refresh(self) -> None:
        if self._control is not None:
            self._control.refresh()


def clock_text(seconds: float) -> str:
    """``m:ss`` of a length or a position in a recording."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
