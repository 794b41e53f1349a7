"""The status-bar banner that says how many records wait to reach the server, and what the operator
must do about it, if anything (issue 6: the operator always knows nothing was lost). Records the
server did not accept have their own notice, with the reason and the list (``ui/refused_notice.py``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from app.sync.status import SyncStatus
from ui.plain import set_plain
from ui.theme import set_role


class SyncBanner(QLabel):
    """Hidden while everything is delivered; otherwise one line with the count, in the right plural."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "warning", "badge")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def show_status(self, status: SyncStatus) -> None:
        # Plurals through self.tr with a plain count: that is the form lupdate extracts as a plural.
        pending = status.pending
        if status.login_required:
            text = self.tr("Log in again: %n record(s) waiting", "", pending)
        elif status.offline and status.untrusted:  # not an outage: waiting will not mend it
            text = self.tr(
                "The server's certificate is not trusted on this computer: %n record(s) saved here. Tell IT.",
                "",
                pending,
            )
        elif status.offline:
            text = self.tr("Server unreachable: %n record(s) saved here, waiting to be sent", "", pending)
        else:
            self.hide()
            return
        set_plain(self, text)
        self.show()
