"""The wallboard: the dashboard's figures full screen in large type, to be read across a room. It
shows one queue at a time and moves to the next every ``cycle_s`` seconds (the whole centre
included), with the team's operators by status along the bottom. Read-only by design: no button,
no menu, nothing that changes anything; Esc (or closing it) leaves. It draws itself with
QPainter from the same :class:`~app.reports.live.LiveFigures` the dashboard reads, so it changes
when they do, and repaints each second so the longest wait moves on (coloured as on the dashboard).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QEvent, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from app.reports.live import LiveFigures
from app.team.board import Alert
from app.wire.reports import LiveQueue
from app.wire.statuses import OperatorStatus
from ui.labels import status_label
from ui.team.dashboard import SL_AMBER, SL_RED, longest_text, wait_alerts, waiting_text
from ui.team.model import TeamTableModel
from ui.team.reports.figures import no_group, value_text
from ui.theme import colours

CYCLE_S = 10.0


def fitted(font: QFont, text: str, width: float) -> QFont:
    """``font``, smaller until ``text`` fits ``width`` (a long Russian label, "100 %" in a narrow
    tile): a wallboard's figure is never cut."""
    out = QFont(font)
    size = out.pixelSize()
    while size > 8 and QFontMetrics(out).horizontalAdvance(text) > width:
        size = int(size * 0.9)
        out.setPixelSize(size)
    return out


class Wallboard(QWidget):
    """Full screen, large type, cycling queues, read-only (module notes)."""

    def __init__(
        self,
        figures: LiveFigures,
        board: TeamTableModel,
        *,
        cycle_s: float = CYCLE_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wallboard")
        self.setWindowFlag(Qt.WindowType.Window)
        self.figures = figures
        self.board = board
        self.index = 0
        self.cycle = QTimer(self)
        self.cycle.setInterval(int(cycle_s * 1000))
        self.cycle.timeout.connect(self.advance)
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.update)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.retranslate()

    # ----- what is shown ----------------------------------------------------------------------

    def queues(self) -> list[LiveQueue]:
        report = self.figures.queues
        if report is None:
            return []
        return [*report.queues, report.total]

    def shown(self) -> LiveQueue | None:
        queues = self.queues()
        return queues[self.index % len(queues)] if queues else None

    def queue_title(self, queue: LiveQueue) -> str:
        report = self.figures.queues
        if report is not None and queue is report.total:
            return self.tr("All queues")
        return queue.queue or no_group()

    def tiles(self) -> list[tuple[str, str, QColor | None]]:
        """(label, value, colour) of the big figures of the queue shown."""
        queue = self.shown()
        if queue is None:
            return []
        level = queue.service_level
        sl_colour = None
        if level is not None and level < SL_AMBER:
            sl_colour = QColor(colours().danger if level < SL_RED else colours().warning)
        longest, alert = self.wait(queue)
        wait_colour = None
        if alert is not Alert.NONE:
            wait_colour = QColor(colours().danger if alert is Alert.RED else colours().warning)
        return [
            (self.tr("Waiting"), waiting_text(queue) or "–", None),
            (self.tr("Longest wait"), longest_text(longest) or "–", wait_colour),
            (self.tr("Service level (%1 s)").replace("%1", str(queue.service_seconds)),
             value_text("share", level) or "–", sl_colour),
            (self.tr("Offered"), str(queue.offered), None),
            (self.tr("Abandoned"), str(queue.abandoned), None),
            (self.tr("Not called back"), str(queue.missed_open), None),
            (self.tr("AHT"), value_text("average", queue.aht_seconds) or "–", None),
            (self.tr("Accepted"), str(queue.accepted), None),
        ]  # fmt: skip

    def wait(self, queue: LiveQueue) -> tuple[float | None, Alert]:
        """``queue``'s longest wait now and its colour (the dashboard's)."""
        report = self.figures.queues
        if report is None:
            return None, Alert.NONE
        rows = [*report.queues, report.total]
        index = next((n for n, shown in enumerate(rows) if shown is queue), None)
        return wait_alerts(self.figures, report)[index] if index is not None else (None, Alert.NONE)

    def statuses(self) -> list[tuple[str, int]]:
        counts = Counter(entry.row.status for entry in self.board.board.entries)
        order = (OperatorStatus.READY, OperatorStatus.ON_CALL, OperatorStatus.ACW, OperatorStatus.NOT_READY)
        return [(status_label(status), counts.get(status, 0)) for status in order]

    def advance(self) -> None:
        """The next queue (every ``cycle_s``)."""
        self.index = (self.index + 1) % max(1, len(self.queues()))
        self.update()

    # ----- drawing ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(palette.window))
        width, height = self.width(), self.height()
        margin = width * 0.03
        queue = self.shown()
        title_font = QFont(self.font())
        title_font.setPixelSize(max(18, int(height * 0.07)))
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor(palette.text))
        title = self.queue_title(queue) if queue is not None else self.tr("No calls today yet")
        count = len(self.queues())
        if count > 1:
            title += f"   {self.index % count + 1}/{count}"
        painter.drawText(
            QRectF(margin, margin / 2, width - 2 * margin, height * 0.1),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        tiles = self.tiles()
        columns, rows = 4, 2
        top, bottom = height * 0.14, height * 0.8
        tile_w = (width - 2 * margin) / columns
        tile_h = (bottom - top) / rows
        label_font = QFont(self.font())
        label_font.setPixelSize(max(12, int(tile_h * 0.12)))
        value_font = QFont(self.font())
        value_font.setPixelSize(max(20, int(tile_h * 0.45)))
        value_font.setBold(True)
        for n, (label, value, colour) in enumerate(tiles):
            x, y = margin + (n % columns) * tile_w, top + (n // columns) * tile_h
            box = QRectF(x + 6, y + 6, tile_w - 12, tile_h - 12)
            painter.setPen(QColor(palette.border))
            painter.setBrush(QColor(colour if colour is not None else palette.base))
            painter.drawRoundedRect(box, 12, 12)
            painter.setPen(QColor(palette.muted if colour is None else palette.on_accent))
            label_box = box.adjusted(12, 8, -12, 0)
            painter.setFont(fitted(label_font, label, label_box.width()))
            painter.drawText(label_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
            painter.setPen(QColor(palette.text if colour is None else palette.on_accent))
            value_box = box.adjusted(12, tile_h * 0.15, -12, -8)
            painter.setFont(fitted(value_font, value, value_box.width()))
            painter.drawText(value_box, Qt.AlignmentFlag.AlignCenter, value)
        status_font = QFont(self.font())
        status_font.setPixelSize(max(14, int(height * 0.045)))
        line = "     ".join(f"{label}: {number}" for label, number in self.statuses())
        painter.setFont(fitted(status_font, line, width - 2 * margin))
        painter.setPen(QColor(palette.text))
        painter.drawText(
            QRectF(margin, bottom + margin / 2, width - 2 * margin, height - bottom - margin),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            line,
        )
        hint = QFont(self.font())
        hint.setPixelSize(max(10, int(height * 0.018)))
        painter.setFont(hint)
        painter.setPen(QColor(palette.muted))
        painter.drawText(
            QRectF(margin, height - margin, width - 2 * margin, margin),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            self.tr("Esc leaves the wallboard"),
        )
        painter.end()

    # ----- keys, showing, language ------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc leaves; every other key does nothing (nothing here may change anything)."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        event.accept()

    def showEvent(self, event: Any) -> None:
        self.cycle.start()
        self.ticker.start()
        self.setFocus()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self.cycle.stop()
        self.ticker.stop()
        super().hideEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Wallboard"))
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
