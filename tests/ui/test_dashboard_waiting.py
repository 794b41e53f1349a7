"""The dashboard's and the wallboard's calls waiting and longest wait (from ``GET /reports/live``,
here a recorded answer; the live path is ``tests/e2e/test_reports_lead.py``): the longest wait
moves on each second while someone waits, it is coloured amber past the queue's service level N
and red past twice N (the *All queues* row as its worst queue), and the note says why the cells
are empty only when they are (no PBX adapter configured, or its connection down)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.reports.live import LiveFigures, wait_alert
from app.team.board import Alert
from app.wire.kpi import KpiReport, KpiRow
from app.wire.reports import LiveQueue, LiveReport
from ui.i18n import Language, set_language
from ui.team.dashboard import DashboardPanel
from ui.team.model import TeamTableModel
from ui.team.wallboard import Wallboard

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Recorded:
    """A live API answering what a test sets."""

    def __init__(self) -> None:
        self.report = LiveReport(day=date(2026, 3, 2), time_zone="UTC", total=LiveQueue(queue=None))

    async def live_report(self, tz: str) -> LiveReport:
        return self.report

    async def kpi(self, **_: Any) -> KpiReport:
        return KpiReport(since=NOW, until=NOW, total=KpiRow())


def _report(*, configured: bool = True, connected: bool = True) -> LiveReport:
    known = configured and connected
    sales = LiveQueue(
        queue="sales",
        service_seconds=20,
        waiting=2 if known else None,
        longest_wait_seconds=25.0 if known else None,
    )
    support = LiveQueue(
        queue="support",
        service_seconds=60,
        waiting=0 if known else None,
        longest_wait_seconds=0.0 if known else None,
    )
    total = LiveQueue(queue=None, waiting=2 if known else None, longest_wait_seconds=25.0 if known else None)
    return LiveReport(day=date(2026, 3, 2), time_zone="UTC", queues=[sales, support], total=total,
                      pbx_configured=configured, pbx_connected=connected)  # fmt: skip


def test_wait_alert_against_the_service_level() -> None:
    assert [wait_alert(s, 20) for s in (None, 0.0, 19.9, 20.0, 39.0, 40.0)] == [
        Alert.NONE, Alert.NONE, Alert.NONE, Alert.AMBER, Alert.AMBER, Alert.RED,
    ]  # fmt: skip


def test_waiting_cells_tick_colour_and_the_note(qapp: QApplication) -> None:
    api = Recorded()
    now = [100.0]
    panel = DashboardPanel(TeamTableModel())
    panel.attach(lambda changed: LiveFigures(api, tz="UTC", on_change=changed, clock=lambda: now[0]))
    figures = panel.figures
    assert figures is not None

    def cell(row: str, header: str) -> str:
        return panel.cell(panel.queues, row, header)

    def colour(row: int) -> int:
        brush = panel.queues.item(row, 2).background()  # type: ignore[union-attr]
        return 0 if brush.style() == Qt.BrushStyle.NoBrush else brush.color().alpha()

    api.report = _report(configured=False, connected=False)
    asyncio.run(figures.read())
    assert (cell("sales", "Waiting"), cell("sales", "Longest wait")) == ("", "")
    assert panel.note.text() == "Calls waiting and the longest wait show when the PBX reports its queues."

    api.report = _report(connected=False)
    asyncio.run(figures.read())
    assert cell("sales", "Waiting") == ""
    assert panel.note.text() == "The PBX is not connected: calls waiting are not known now."

    api.report = _report()
    asyncio.run(figures.read())
    assert panel.note.text() == "" and panel.note.isHidden()
    assert (cell("sales", "Waiting"), cell("sales", "Longest wait")) == ("2", "0:25")
    assert (cell("support", "Waiting"), cell("support", "Longest wait")) == ("0", "0:00")
    assert (cell("All queues", "Waiting"), cell("All queues", "Longest wait")) == ("2", "0:25")
    assert colour(0) == 70 and colour(1) == 0 and colour(2) == 70  # amber past sales' 20 s
    amber = panel.queues.item(0, 2).background().color().rgb()  # type: ignore[union-attr]

    now[0] += 16  # between reads the longest wait moves on: 41 s, past twice 20 s
    panel.tick()
    assert (cell("sales", "Longest wait"), cell("support", "Longest wait")) == ("0:41", "0:00")
    assert cell("All queues", "Longest wait") == "0:41"
    red = panel.queues.item(0, 2).background().color().rgb()  # type: ignore[union-attr]
    assert red != amber and panel.queues.item(2, 2).background().color().rgb() == red  # type: ignore[union-attr]

    wall = Wallboard(figures, panel.board)
    tiles = {label: (value, tile) for label, value, tile in wall.tiles()}
    assert tiles["Waiting"][0] == "2" and tiles["Longest wait"][0] == "0:41"
    assert tiles["Longest wait"][1] is not None  # coloured
    set_language(Language.RU)
    try:
        assert panel.note.isHidden()
        api.report = _report(connected=False)
        asyncio.run(figures.read())
        assert panel.note.text() == "АТС не подключена: сколько звонков ждёт, сейчас неизвестно."
        assert {label for label, _v, _c in wall.tiles()} >= {"Ожидают", "Дольше всех ждёт"}
    finally:
        set_language(Language.EN)
    wall.close()
    panel.close()
