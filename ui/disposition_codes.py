"""Which disposition codes the form lists for a call, in which order, with which keys and words.

Read at a glance (issue 13): only codes that fit the call (an answered incoming call cannot be "no
answer"), the queue's own codes first, every code with its key (its catalogue hotkey when free, else the
next free digit) and its category in words beside a dot of the category's colour, so the text keeps the
window's readable colour and the colour is never the only sign.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.session.phase import Direction
from app.wire.dispositions import DispositionCategory, DispositionCode


def offered(codes: list[DispositionCode], direction: Direction | None) -> list[DispositionCode]:
    """The codes the form lists, in order: active ones that fit the call's direction, the queue's own
    codes (``queue`` set) before the general ones, each group in catalogue order."""
    fit = [
        c
        for c in codes
        if c.active and not (direction is Direction.INBOUND and c.category is DispositionCategory.NOT_REACHED)
    ]
    return [c for c in fit if c.queue is not None] + [c for c in fit if c.queue is None]


def keys_for(codes: list[DispositionCode]) -> list[int | None]:
    """Each listed code's digit: its catalogue hotkey when no earlier code took it, else the lowest free
    digit, so every code gets a key while there are digits left (nine at most)."""
    keys: list[int | None] = []
    for code in codes:
        keys.append(code.hotkey if code.hotkey is not None and code.hotkey not in keys else None)
    free = iter(d for d in range(1, 10) if d not in keys)
    return [key if key is not None else next(free, None) for key in keys]


def category_text(category: DispositionCategory) -> str:
    """A category in words, in the current language (shown beside its colour)."""
    return {
        DispositionCategory.SUCCESS: QCoreApplication.translate("DispositionForm", "success"),
        DispositionCategory.NOT_REACHED: QCoreApplication.translate("DispositionForm", "not reached"),
        DispositionCategory.NON_TARGET: QCoreApplication.translate("DispositionForm", "not a target"),
        DispositionCategory.MAIL_ONLY: QCoreApplication.translate("DispositionForm", "mail only"),
        DispositionCategory.CALLBACK: QCoreApplication.translate("DispositionForm", "callback"),
        DispositionCategory.OTHER: QCoreApplication.translate("DispositionForm", "other"),
    }[category]


def swatch(colour: QColor) -> QIcon:
    """A round dot in a category's colour: the colour is beside the words, the text stays readable."""
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)
