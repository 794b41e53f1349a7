"""Live supervision on the desktop's screen: the operator's "Supervised" badge, and the lead's side
handed to the Team window (``ui.team.supervise``).

The badge renders :class:`app.supervision.live.OperatorSide` and nothing else: hidden while nobody
supervises; "Supervised: whisper (lead_n)" while a lead does (listen mode only when the centre does
not hide it: the service then says nothing, ``docs/quality.md``). The telephony service is armed with
the server's key each time it starts (``EngineStarted``), as it keeps nothing across restarts.
"""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QLabel, QWidget

from app.supervision.live import LeadSide, OperatorSide
from app.telephony import events as ev
from app.wire.supervision import SupervisionMode
from ui.plain import set_plain
from ui.theme import set_role

LEAD_ROLES = ("team_lead", "admin")


def mode_label(mode: SupervisionMode) -> str:
    """The mode as the operator reads it (lower case: it follows "Supervised:")."""
    return {
        SupervisionMode.LISTEN: QCoreApplication.translate("SupervisedBadge", "listen"),
        SupervisionMode.WHISPER: QCoreApplication.translate("SupervisedBadge", "whisper"),
        SupervisionMode.BARGE: QCoreApplication.translate("SupervisedBadge", "barge"),
    }[mode]


class SupervisedBadge(QLabel):
    """The operator's status-bar badge (module notes)."""

    def __init__(self, side: OperatorSide, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisedBadge")
        set_role(self, "warning")
        self.side = side
        side.on_change = self.retranslate
        self.retranslate()

    def retranslate(self) -> None:
        shown = self.side.supervised
        self.setVisible(shown is not None)
        if shown is None:
            self.clear()
            return
        text = self.tr("Supervised: %1 (%2)").replace("%1", mode_label(shown.mode))
        set_plain(self, text.replace("%2", shown.lead))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class LiveSupervision:
    """Both sides for one login: every user's service is armed (anyone may be supervised on a call);
    team leads and admins also get :attr:`lead` for the Team window."""

    def __init__(self, operator: str, role: str, api: Any, phone: Any) -> None:
        self.operator = OperatorSide(operator, api, phone)
        self.lead = LeadSide(api, phone) if role in LEAD_ROLES else None
        self.badge = SupervisedBadge(self.operator)
        self._tasks: set[asyncio.Future[Any]] = set()

    def on_event(self, event: ev.Event) -> None:
        """Every telephony event passes here (before the desk)."""
        if isinstance(event, ev.EngineStarted):
            task = asyncio.ensure_future(self.operator.arm())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self.operator.on_event(event)
        if self.lead is not None:
            self.lead.on_event(event)
