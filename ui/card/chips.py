"""The operator's other calls, as chips above the card: a held call with its name and time on hold, a
ringing one with its number and queue, one in after-call work with its name.

A chip is a button: clicking it (or Ctrl+1, Ctrl+2... in chip order) asks to show that call on the card.
It only *asks*: the presenter decides (``app.session.pick.CardFocus``), and the card says whose call it
shows in its header, so a chip never silently moves an edit to another contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ui.card.glance import queue_label
from ui.elapsed import Clock, format_duration, utc_now
from ui.plain import button_text

CHIP_KEYS = 4
"""Chips with a key of their own (Ctrl+1..Ctrl+4: Alt+digits pick dispositions); more calls than that at
once do not happen at a desk."""


@dataclass(frozen=True)
class CallChip:
    """Another call as its chip shows it; ``who`` is the CRM name when known, else ``None``."""

    call_id: str
    phase: str
    """``ringing``, ``dialing``, ``talking``, ``held``, ``ended`` or ``acw`` (a session phase's value)."""
    number: str
    who: str | None = None
    queue: str | None = None
    """The queue's code (shown by its name in the language of the moment)."""
    since: datetime | None = None
    """Held: when it was put on hold."""
    unsaved: bool = False
    """Its contact has edits typed on the card and not saved yet (they come back with the call)."""


def chip_text(chip: CallChip, now: datetime) -> str:
    """What a chip says, in the current language (outside data inserted as it is)."""
    text = _phase_text(chip, now)
    if chip.unsaved:
        return text + " · " + QCoreApplication.translate("Chips", "unsaved changes")
    return text


def _phase_text(chip: CallChip, now: datetime) -> str:
    who = chip.who or chip.number
    if chip.phase == "ringing":
        text = QCoreApplication.translate("Chips", "Ringing: %1").replace("%1", chip.number)
        return f"{text} · {queue_label(chip.queue)}" if chip.queue else text
    if chip.phase == "held":
        held = format_duration((now - chip.since).total_seconds()) if chip.since else ""
        return QCoreApplication.translate("Chips", "On hold: %1 · %2").replace("%1", who).replace("%2", held)
    if chip.phase in ("acw", "ended"):
        return QCoreApplication.translate("Chips", "After-call work: %1").replace("%1", who)
    if chip.phase == "dialing":
        return QCoreApplication.translate("Chips", "Dialling: %1").replace("%1", who)
    return QCoreApplication.translate("Chips", "On the line: %1").replace("%1", who)


class ChipBar(QWidget):
    """One button per other call; hidden when there is none."""

    chosen = Signal(str)
    """The call id of the chip the operator clicked (or whose key they pressed)."""

    def __init__(self, parent: QWidget | None = None, clock: Clock = utc_now) -> None:
        super().__init__(parent)
        self._clock = clock
        self._chips: list[CallChip] = []
        self.buttons: list[QPushButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addStretch(1)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._retext)
        self._keys: list[QShortcut] = []
        for index in range(CHIP_KEYS):
            key = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            key.setContext(Qt.ShortcutContext.WindowShortcut)
            key.activated.connect(lambda i=index: self._choose(i))
            self._keys.append(key)
        self.hide()

    def show_chips(self, chips: list[CallChip]) -> None:
        """Show ``chips`` (oldest call first); an empty list hides the bar."""
        self._chips = list(chips)
        while len(self.buttons) < len(chips):
            button = QPushButton()
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            index = len(self.buttons)
            button.clicked.connect(lambda _=False, i=index: self._choose(i))
            self._layout.insertWidget(index, button)
            self.buttons.append(button)
        for index, button in enumerate(self.buttons):
            button.setVisible(index < len(chips))
        self._retext()
        if any(c.phase == "held" for c in chips):
            self._tick.start()
        else:
            self._tick.stop()
        self.setVisible(bool(chips))

    def texts(self) -> list[str]:
        """What the visible chips say (for tests and the accessibility tree alike)."""
        return [chip_text(chip, self._clock()) for chip in self._chips]

    def _choose(self, index: int) -> None:
        if index < len(self._chips) and self.isVisible():
            self.chosen.emit(self._chips[index].call_id)

    def _retext(self) -> None:
        now = self._clock()
        for index, (chip, button) in enumerate(zip(self._chips, self.buttons, strict=False)):
            button.setText(button_text(chip_text(chip, now)))
            key = QKeySequence(f"Ctrl+{index + 1}").toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(
                self.tr("Show this call on the card (%1)").replace("%1", key) if index < CHIP_KEYS else ""
            )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retext()
        super().changeEvent(event)
