"""The dashboard open for a shift leaks nothing per read: 600 reads (100 minutes at one per 10
seconds; a shift is 2,880, which took 37 s of ``make test`` for the same verdict) of a centre with 6
queues and 40 operators, each read rendered (the queues and every operator's row, as a read and the
one-second tick do), grow the process's resident memory by under 1 MB after a warm-up (a leak of one
table item per cell would be 288,000 objects, tens of MB). The server is a stand-in that answers
at once: the memory that matters here is the widgets' and the figures' (the real client's is the
board's, measured in ``bench``)."""

from __future__ import annotations

import asyncio
import gc
import os
from datetime import UTC, date, datetime, timedelta

from PySide6.QtWidgets import QApplication

from app.reports.live import LiveFigures
from app.team.feed import Snapshot
from app.wire.kpi import KpiReport, KpiRow
from app.wire.reports import LiveQueue, LiveReport
from app.wire.statuses import BoardRow, OperatorStatus
from ui.team.dashboard import DashboardPanel
from ui.team.model import TeamTableModel

NOW = datetime.now(UTC)
OPERATORS = [f"operator{n:02}" for n in range(40)]


class Server:
    """Answers every read with slightly different figures (as a busy day's would be)."""

    def __init__(self) -> None:
        self.reads = 0

    async def live_report(self, tz: str) -> LiveReport:
        self.reads += 1
        queues = [
            LiveQueue(
                queue=f"queue{q}",
                offered=self.reads + q,
                accepted=self.reads,
                service_level=0.75,
                aht_seconds=200.5,
            )
            for q in range(6)
        ]
        return LiveReport(day=date.today(), time_zone=tz, queues=queues, total=LiveQueue(queue=None))

    async def kpi(self, *, tz: str, operator: str | None = None, day: date | None = None) -> KpiReport:
        rows = [
            KpiRow(
                operator=name,
                handled=self.reads % 90,
                talk_seconds=self.reads,
                acw_seconds=7,
                logged_in_seconds=9000,
            )
            for name in OPERATORS
        ]
        return KpiReport(since=NOW, until=NOW, operators=rows, total=KpiRow())


def rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_a_shift_of_reads_keeps_memory_flat(loop: asyncio.AbstractEventLoop, qapp: QApplication) -> None:
    model = TeamTableModel()
    rows = [
        BoardRow(operator=name, team="north", status=OperatorStatus.READY, since=NOW - timedelta(minutes=n))
        for n, name in enumerate(OPERATORS)
    ]
    model.apply(Snapshot(rows=rows, requests=[], thresholds=[]))
    panel = DashboardPanel(model)
    server = Server()
    panel.attach(lambda changed: LiveFigures(server, tz="UTC", on_change=changed))
    panel.show()
    assert panel.figures is not None
    figures = panel.figures

    def reads(count: int) -> None:
        async def run() -> None:
            for _ in range(count):
                await figures.read()  # renders the queues and the operators, as each read does

        loop.run_until_complete(run())
        qapp.processEvents()

    reads(100)  # warm-up: caches, fonts, the allocator's arenas
    assert panel.cell(panel.queues, "queue5", "Offered") == str(server.reads + 5)
    gc.collect()
    before = rss_mb()
    reads(600)
    gc.collect()
    grown = rss_mb() - before
    print(f"\nRSS growth over 600 dashboard reads: {grown:.2f} MB")
    assert grown < 1.0, grown
    assert panel.operators.rowCount() == 40 and panel.queues.rowCount() == 7
    panel.close()
