"""Telling the operator what a time-boxed after-call work stamped when its timer ran out (issue 13).

Without it the form just vanished and the operator was Ready, not knowing that the call got the
system's result or that calls may now ring. The notice names the result and, once the status that
followed is known, the status: "Time's up: result “After-call work timed out” recorded, you are Ready".
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from app.session.call import CallSession
from app.status.view import StatusView
from app.wire.dispositions import Catalogue
from app.wire.statuses import OperatorStatus
from ui.i18n import pick
from ui.status_menu import status_text

SHOWN_MS = 60000
"""How long the notice stays in the status line: long enough to be read after looking away."""


class TimeoutNotice:
    """Follows the call and status notices; ``show(text, ms)`` is where the notice goes."""

    def __init__(self, catalogue: Callable[[], Catalogue], show: Callable[[str, int], None]) -> None:
        self._catalogue = catalogue
        self._show = show
        self._stamped: str | None = None

    def call_done(self, session: CallSession) -> None:
        """A call is done: if its time box ended it, remember the result it got."""
        stamped = session.disposition
        if stamped is None or session.acw_deadline is None or stamped.acw_end_at != session.acw_deadline:
            return
        code = next((c for c in self._catalogue().dispositions if c.code == stamped.code), None)
        self._stamped = pick(code.label_en, code.label_ru) if code else stamped.code

    def queued(self) -> bool:
        """The disposition went to the outbox: say what was stamped (instead of "saved"); whether this
        notice took the status line."""
        if self._stamped is None:
            return False
        text = QCoreApplication.translate("Desk", "Time's up: result “%1” recorded")
        self._show(text.replace("%1", self._stamped), SHOWN_MS)
        return True

    def status(self, view: StatusView) -> None:
        """The status after the call is known: say it too, once."""
        if self._stamped is None or view.status is OperatorStatus.ACW:
            return
        reasons = {r.code: r for r in self._catalogue().reasons}
        status = status_text(view.status, reasons.get(view.reason) if view.reason else None)
        text = QCoreApplication.translate("Desk", "Time's up: result “%1” recorded, you are %2")
        self._show(text.replace("%1", self._stamped).replace("%2", status), SHOWN_MS)
        self._stamped = None
