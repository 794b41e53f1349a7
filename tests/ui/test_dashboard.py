"""The Team window's Dashboard tab and the wallboard on a real server, fed as in the desktop (the
board's WebSocket feed and the server's figures, on a qasync loop): today's queues with service
level, abandoned and missed-not-called-back, the operators with their figures and the board's
threshold colours; a pushed status change shows its call's figures within a second (measured,
printed); the wallboard is full screen, read-only, cycles its queues and leaves on Esc; Russian."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication

from app.client.api import ApiClient
from app.reports.live import LiveFigures
from app.team.feed import TeamFeed
from tests.e2e.conftest import until
from tests.server.tasks_support import SOURCES
from tests.ui.test_reports_window import Centre
from ui.i18n import Language, set_language
from ui.team.wallboard import Wallboard
from ui.team.window import TeamWindow

BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=15)


def today(clock: str) -> str:
    """09:00-10:03 squeezed five times into the last quarter hour (so it is all today, in the past)."""
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    offset = ((hours - 9) * 3600 + minutes * 60 + seconds) / 5
    return (BASE + timedelta(seconds=offset)).isoformat()


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[Centre]:
    c = Centre(tmp_path)
    c.seed(today, hold=5)
    yield c
    c.http.close()
    c.server.stop()


def test_dashboard_live_and_the_wallboard(
    centre: Centre, loop: asyncio.AbstractEventLoop, qapp: QApplication
) -> None:
    qapp.setQuitOnLastWindowClosed(False)  # as the desktop (its tray keeps it running)

    async def scenario() -> None:
        api = ApiClient(centre.server.base_url, account="lead")
        await api.login("lead", centre.users["lead"].password)
        window = TeamWindow()
        window.dashboard.attach(lambda changed: LiveFigures(api, tz="UTC", on_change=changed, every=30))
        window.start(TeamFeed(api, window.on_feed_event, tz="UTC", kpi_every=600))
        window.show()
        dash = window.dashboard
        try:
            await until(lambda: window.model.rowCount() == 1 and window.model.connected, timeout=10)
            window.tabs.setCurrentWidget(dash)
            await until(lambda: dash.queues.rowCount() == 3 and dash.operators.rowCount() == 1, timeout=10)
            queues, operators = dash.queues, dash.operators
            assert dash.cell(queues, "sales", "Offered") == "2"
            assert dash.cell(queues, "sales", "Service level") == "50 % (20 s)"  # c1 in 4 s; c2 missed
            assert queues.item(0, 5).background().color().alpha() == 70  # under 60 %: coloured
            assert (
                dash.cell(queues, "sales", "Abandoned"),
                dash.cell(queues, "sales", "Missed, not called back"),
            ) == ("1", "1")
            assert dash.cell(queues, "sales", "Waiting") == ""  # no PBX reports its queue here
            assert dash.cell(queues, "All queues", "Offered") == "3"
            assert dash.cell(operators, "anna", "Handled") == "2"
            assert dash.cell(operators, "anna", "Status") == "Offline"

            # a call ends: the dashboard shows it within a second of the pushed status change
            floor_start = time.perf_counter()
            await api.live_report("UTC")
            await api.kpi(tz="UTC")
            floor = time.perf_counter() - floor_start  # one bare read of both, on this machine now
            now = datetime.now(UTC).replace(microsecond=0)
            call = {
                "call_id": "c4", "outcome": "accepted", "operator": "anna", "queue": "sales",
                "arrived_at": (now - timedelta(seconds=50)).isoformat(),
                "answered_at": (now - timedelta(seconds=45)).isoformat(),
                "ended_at": (now - timedelta(seconds=20)).isoformat(),
            }  # fmt: skip
            assert centre.http.post("/calls/outcomes", json=call, headers=SOURCES).status_code == 200
            disposition = {
                "call_id": "c4", "operator": "anna", "queue": "sales", "ring_at": call["answered_at"],
                "answer_at": call["answered_at"], "end_at": call["ended_at"],
                "acw_end_at": (now - timedelta(seconds=1)).isoformat(), "code": "sale",
            }  # fmt: skip
            headers = {**centre.auth["anna"], "Idempotency-Key": str(uuid.uuid4())}
            assert centre.http.post("/dispositions", json=disposition, headers=headers).status_code == 201
            body = {"operator": "anna", "status": "ready", "at": datetime.now(UTC).isoformat()}
            sent = time.perf_counter()
            assert centre.http.post("/statuses", json=body, headers=centre.auth["anna"]).status_code == 201
            await until(lambda: dash.cell(operators, "anna", "Handled") == "3", timeout=10)
            latency = time.perf_counter() - sent
            print(
                f"\ndashboard latency: {latency * 1000:.0f} ms"
                f" (a bare read of both reports: {floor * 1000:.0f} ms)"
            )
            assert latency < 1.0 + floor, latency
            assert dash.cell(operators, "anna", "Status") == "Ready"
            assert dash.cell(queues, "sales", "Offered") == "3"

            # the wallboard: full screen, nothing to press, cycling, Esc leaves
            dash.wallboard_button.click()
            board = dash.wallboard
            assert isinstance(board, Wallboard)
            await until(board.isVisible, timeout=5)
            assert board.isFullScreen()
            assert board.findChildren(QAbstractButton) == []
            labels = dict((label, value) for label, value, _colour in board.tiles())
            assert board.queue_title(board.shown()) == "sales"  # type: ignore[arg-type]
            assert labels["Service level (20 s)"] == "66.7 %" and labels["Offered"] == "3"
            assert ("Ready", 1) in board.statuses()
            QTest.keyClick(board, Qt.Key.Key_Space)  # keys do nothing...
            assert board.isVisible()
            board.cycle.setInterval(100)
            board.cycle.start()
            await until(lambda: board.index == 1, timeout=5)
            assert board.queue_title(board.shown()) == "support"  # type: ignore[arg-type]
            set_language(Language.RU)
            assert board.windowTitle() == "Табло"
            assert dash.title.text() == "Сегодня"
            assert window.tabs.tabText(1) == "&Показатели"
            set_language(Language.EN)
            QTest.keyClick(board, Qt.Key.Key_Escape)  # ...but Esc leaves
            await until(lambda: not board.isVisible(), timeout=5)
        finally:
            set_language(Language.EN)
            await window.aclose()
            await api.aclose()

    loop.run_until_complete(scenario())
