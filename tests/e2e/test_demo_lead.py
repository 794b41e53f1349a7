"""``ringdesk demo --lead``: the demo server seeded with a team of 40, the lead's real desktop (as
``ringdesk`` runs it, on qasync's loop) with the Team window open, and the team's statuses moving
through the real API so the board is live; its dashboard shows today's seeded calls and the waiting
callers the demo's PBX posts (``ui.demo_team.DemoPbx``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

import pytest
from PySide6.QtWidgets import QApplication

from app.wire.requests import StatusEvent
from tests.e2e.conftest import until
from tests.sync.conftest import MemoryKeyring
from ui.demo_team import TEAM_SIZE, run_lead_demo
from ui.qt_loop import run_qt
from ui.team.dashboard import DashboardPanel
from ui.team.window import TeamWindow


def team_window() -> TeamWindow | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, TeamWindow) and w.isVisible()]
    return shown[0] if shown else None


def figure(dash: DashboardPanel, header: str) -> str:
    """The *All queues* row's cell under ``header`` ("" before the first read)."""
    try:
        return dash.cell(dash.queues, "All queues", header)
    except KeyError:
        return ""


@pytest.mark.timeout(240)
def test_the_lead_demo_shows_a_lively_team(qapp: QApplication, memory_keyring: MemoryKeyring) -> None:
    args = argparse.Namespace(language="en", theme="light", seconds=200.0)
    pushed: list[str] = []

    async def scenario() -> None:
        demo = asyncio.ensure_future(run_lead_demo(args))
        try:
            await until(lambda: team_window() is not None or demo.done(), timeout=90)
            board = team_window()
            assert board is not None, demo.result()
            board.sig_event.connect(
                lambda event: pushed.append(event.change.operator) if isinstance(event, StatusEvent) else None
            )
            await until(lambda: board.connection.text() == "Live", timeout=30)
            await until(lambda: board.model.rowCount() >= TEAM_SIZE, timeout=30)
            await until(lambda: len(set(pushed)) >= 10, timeout=60)  # ten operators moved on the board
            # the dashboard has a day behind it (seed-demo --calls-today) and the demo PBX's callers
            dash = board.dashboard
            board.tabs.setCurrentWidget(dash)
            await until(
                lambda: figure(dash, "Offered").isdigit() and figure(dash, "Waiting").isdigit(), timeout=30
            )
            assert int(figure(dash, "Offered")) >= 60 and int(figure(dash, "Accepted")) > 0
            assert figure(dash, "Service level").endswith("%") and dash.note.isHidden()
            assert {"lens", "shop", "finance"} <= {
                dash.queues.item(r, 0).text() for r in range(dash.queues.rowCount())
            }
        finally:
            demo.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await demo

    run_qt(scenario)
