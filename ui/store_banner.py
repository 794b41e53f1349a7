"""The banner across the top of the main window when the local store cannot be written (issue 14).

The workstation holds what the store refused in memory and retries (``app.workstation.held``); this
says so at once, in words the operator can act on: which disk to free, or whom to ask, with the
store's folder. When everything held has been written it says "saved" for a while, then hides.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.store.faults import StoreFault
from app.workstation.notices import StoreFailing, StoreSaved
from ui.plain import plain_label, set_plain
from ui.theme import set_role

SAVED_SHOWN_MS = 15_000


class StoreBanner(QWidget):
    """Hidden while the store works; one line saying what is wrong and what to do otherwise."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.label = plain_label()
        self.label.setObjectName("storeBanner")
        self.label.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(SAVED_SHOWN_MS)
        self._hide_timer.timeout.connect(self.hide)
        self._last: StoreFailing | StoreSaved | None = None
        self.hide()

    def failing(self, notice: StoreFailing) -> None:
        self._last = notice
        self._hide_timer.stop()
        self._render()
        self.show()

    def saved(self, notice: StoreSaved) -> None:
        self._last = notice
        self._render()
        self.show()
        self._hide_timer.start()

    def retranslate(self) -> None:
        """Re-word in the language now in force (a runtime switch)."""
        if self._last is not None:
            self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _render(self) -> None:
        notice = self._last
        folder = str(self.path.parent)
        if isinstance(notice, StoreSaved):
            set_role(self.label, "success", "badge")
            text = self.tr(
                "Saved: the %n record(s) kept in memory are now written on this computer.", "", notice.written
            )
        elif isinstance(notice, StoreFailing):
            set_role(self.label, "warning", "badge")
            text = self._failing_text(notice.fault).replace("%1", folder)
        else:
            return
        set_plain(self.label, text)

    def _failing_text(self, fault: StoreFault) -> str:
        if fault is StoreFault.FULL:
            return self.tr(
                "The disk is full: your work is kept in memory only. Free disk space at %1 and it is "
                "saved at once. Do not quit ringdesk until it says saved."
            )
        if fault is StoreFault.READ_ONLY:
            return self.tr(
                "Your work cannot be written to %1 (read-only): it is kept in memory only. Ask IT to "
                "make the folder writable. Do not quit ringdesk until it says saved."
            )
        if fault is StoreFault.DAMAGED:
            return self.tr(
                "The local database in %1 is damaged: your work is kept in memory only. Call IT. "
                "Do not quit ringdesk until it says saved."
            )
        return self.tr(
            "Your work cannot be written to %1 just now: it is kept in memory and saved as soon as "
            "the disk answers. Do not quit ringdesk until it says saved."
        )
