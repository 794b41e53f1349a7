"""Where the team lead meets the desktop: a lead's force and break decisions reach the operator's
workstation, the operator sees their own figures for today, and a team lead opens the live board.

Everything the server decides arrives on the operator's own feed (``app.sync.me_feed``) and is handed
to the Qt-free workstation, which applies it by the same rules as the operator's own choices (after
the current call, never cutting it). The figures come from the server's KPIs (``GET /kpi``), computed
from raw events, never counted here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from app.client.errors import ApiError
from app.refused import Refused
from app.status.choice import Choice
from app.supervision.live import LeadSide
from app.sync.me_feed import MeFeed
from app.sync.service import SyncService
from app.wire.kpi import KpiRow
from app.wire.requests import RequestKind, RequestState, StatusRequestOut
from app.wire.statuses import StatusChangeOut
from app.workstation import Workstation
from app.workstation.playback import RecordingPlayer
from ui.desk import Desk
from ui.i18n import on_language_change
from ui.labels import choice_label
from ui.main_window import MainWindow
from ui.plain import set_plain
from ui.refusals import refusal_text
from ui.team.my_scores_action import MyScores

if TYPE_CHECKING:
    from ui.team.window import TeamWindow  # built on first use: a team lead's only

log = logging.getLogger(__name__)

LEAD_ROLES = ("team_lead", "admin")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


class Supervision:
    """The operator's own feed and figures; the Team window for leads."""

    def __init__(
        self, window: MainWindow, workstation: Workstation, desk: Desk, sync: SyncService, role: str
    ) -> None:
        self.window = window
        self.workstation = workstation
        self.desk = desk
        self.sync = sync
        self.role = role
        self.feed = MeFeed(
            sync.api, self._on_request, on_status=self._on_applied, on_connected=self._on_connected
        )
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        window.statusBar().addPermanentWidget(self.figures)
        self.timer = QTimer(window)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self.refresh_figures)
        self.team_action: QAction | None = None
        self.my_scores: MyScores | None = None
        self.team_window: TeamWindow | None = None
        self.live_lead: LeadSide | None = None
        """Listen/whisper/barge from the Team window (``ui.team.supervise``), when the desktop has it."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._row: KpiRow | None = None
        on_language_change(self.figures, self.retranslate)

    def start(self) -> None:
        self.feed.start()
        self.timer.start()
        self.refresh_figures()
        self.my_scores = MyScores(self.window, self.window.menus[-1], self.sync.api)
        if self.role in LEAD_ROLES:
            self.team_action = QAction(self.window)
            self.team_action.setShortcut("Ctrl+T")
            self.team_action.triggered.connect(self.open_team)
            self.window.menus[-1].insertAction(self.window.menus[-1].actions()[0], self.team_action)
            self.window.addAction(self.team_action)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-set the texts this presenter owns (the figures, the Team board action) after a language
        switch: neither is a widget of its own that would hear of it."""
        if self.team_action is not None:
            self.team_action.setText(QCoreApplication.translate("Supervision", "&Team board"))
        if self._row is not None:
            row = self._row
            text = (
                QCoreApplication.translate("Supervision", "Today: %1 calls · AHT %2 · ACW %3")
                .replace("%1", str(row.handled))
                .replace("%2", _minutes(row.aht_seconds))
                .replace("%3", _minutes(row.avg_acw_seconds))
            )
            set_plain(self.figures, text)

    async def stop(self) -> None:
        self.timer.stop()
        await self.feed.stop()
        if self.team_window is not None:
            await self.team_window.aclose()
        if self.my_scores is not None:
            await self.my_scores.aclose()

    # ----- what the team lead decided --------------------------------------------------------

    def _on_request(self, request: StatusRequestOut) -> None:
        choice = Choice(request.status, request.reason)
        try:
            if request.kind is RequestKind.FORCE:
                self.workstation.force_status(choice, by=request.requested_by, request=request.id)
                message = QCoreApplication.translate(
                    "Supervision", "Your team lead set your next status: %1"
                ).replace("%1", choice_label(choice.status, choice.reason))
            elif request.state is RequestState.APPROVED:
                self.workstation.approved_break(choice)
                message = QCoreApplication.translate("Supervision", "Break approved")
            else:
                message = QCoreApplication.translate("Supervision", "Break refused by %1").replace(
                    "%1", request.decided_by or ""
                )
        except Refused as refused:
            message = refusal_text(refused)
        self.desk.status_line.showMessage(message, 15000)

    def _on_applied(self, change: StatusChangeOut) -> None:
        """A force the server applied at once (the operator was free): the desk takes it over."""
        view = self.workstation.status
        if (view.status, view.reason) == (change.status, change.reason):
            return
        with contextlib.suppress(Refused):
            self.workstation.applied_by_server(Choice(change.status, change.reason), by=change.by or "")
            shown = choice_label(change.status, change.reason)
            self.desk.status_line.showMessage(
                QCoreApplication.translate("Supervision", "Your team lead set your status: %1").replace(
                    "%1", shown
                ),
                15000,
            )

    def _on_connected(self, up: bool) -> None:
        """The feed is (back) up: the desk may have been cut off long enough for the server to make
        the operator not routable (``connection_lost``, issue 14); then the desk says its status again."""
        if up and self.role not in LEAD_ROLES:
            task = asyncio.ensure_future(self._check_presence())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _check_presence(self) -> None:
        try:
            held = await self.sync.api.my_status()
        except (ApiError, OSError) as exc:
            log.info("the server's status for this desk is unknown: %s", exc)
            return
        if self.workstation.back_online(held):
            self.desk.status_line.showMessage(
                QCoreApplication.translate(
                    "Supervision",
                    "The server had lost this desk and set you not ready: your status was sent again",
                ),
                15000,
            )

    # ----- the operator's own figures for today ----------------------------------------------

    def refresh_figures(self) -> None:
        task = asyncio.ensure_future(self._figures())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _figures(self) -> None:
        user = self.sync.api.tokens.user
        if user is None:
            return
        if self.feed.quiet is not None:  # a call ringing now: its card first (issue 15)
            await self.feed.quiet()
        try:
            report = await self.sync.api.kpi(operator=user.name, day=datetime.now().date(), tz=_local_zone())
        except ApiError as exc:
            log.info("own figures not loaded: %s", exc)
            return
        self._row = report.operators[0] if report.operators else report.total
        self.retranslate()

    # ----- the Team window for leads ----------------------------------------------------------

    def _player(self) -> RecordingPlayer | None:
        """The desktop's one recording player (the lead's own telephony service plays it)."""
        recordings = self.workstation.recordings
        return recordings.player if recordings is not None else None

    def open_team(self) -> None:
        """Ctrl+T: the live board, on the desktop's loop and login (built on first use)."""
        from app.quality.scoring import CallScoring
        from app.reports.live import LiveFigures
        from app.reports.state import ReportDesk
        from app.team.feed import TeamFeed
        from ui.team.window import TeamWindow

        if self.team_window is None:
            window = TeamWindow()
            window.start(TeamFeed(self.sync.api, window.on_feed_event, tz=_local_zone()))
            if self.live_lead is not None:
                from ui.team.supervise import attach_supervise_bar

                attach_supervise_bar(window, self.live_lead)
            window.calls_button.attach(CallScoring(self.sync.api, self._player))
            window.dashboard.attach(
                lambda changed: LiveFigures(self.sync.api, tz=_local_zone(), on_change=changed)
            )
            window.reports_button.attach(
                lambda: ReportDesk(self.sync.api, tz=_local_zone(), today=datetime.now().date()), self._player
            )
            self.team_window = window
        self.team_window.show()
        self.team_window.raise_()
        self.team_window.activateWindow()


def _local_zone() -> str:
    """This computer's IANA zone name ("today" for the figures), UTC when it cannot be told."""
    link = os.path.realpath("/etc/localtime")
    return link.split("zoneinfo/", 1)[1] if "zoneinfo/" in link else "UTC"
