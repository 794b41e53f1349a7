"""The team lead's live board under load: 1,000 operators, 10 status changes per second in total.

``ringdesk-server serve`` on PostgreSQL; a load process (``bench.team_load``) posts the changes; this
process is the client only: the real :class:`~ui.team.window.TeamWindow` (offscreen, shown, 1,000
rows) fed by :class:`~app.team.feed.TeamFeed`. A delegate on the table notes when a changed row is
painted; the latency runs from the change's ``received_at`` on the server (same machine, same clock)
to that paint, so it covers the commit, NOTIFY, the WebSocket, parsing, the model and the repaint. Only
rows on screen are painted, so the latency is sampled on those (the window shows ~100 rows); the
model-update latency is reported for every change. CPU is this process's user+system time over the
run divided by its wall time (one core = 100 %).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import BenchResult, percentile
from bench.lead_api import lead_api as _api
from bench.server_common import (
    BenchServer,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    seed_users_at,
    token_for,
)

NAME = "team_board"
OPERATORS = 1000
RATE = 10.0
SECONDS = 30.0
TARGET_P95_MS = 300.0
TARGET_CPU_PCT = 25.0
_keep: list[Any] = []


def timing_delegate(window: Any, paint_ms: list[float]) -> Any:
    """A delegate that paints as usual and notes, once per change, when a changed row is painted."""
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

    class Timing(QStyledItemDelegate):
        def paint(
            self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
        ) -> None:
            super().paint(painter, option, index)
            if index.column() == 0:
                row = window.proxy.mapToSource(window.proxy.index(index.row(), 0)).row()
                mark = window.model.repaint_marks.pop(row, None)
                if mark is not None:
                    paint_ms.append((time.time() - mark) * 1000)

    return Timing(window.view)


def _client(base_url: str, token: str, log_dir: Path) -> dict[str, Any]:
    """The Team window as the desktop runs it: its feed a task on a qasync loop."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import asyncio

    import qasync
    from PySide6.QtWidgets import QApplication

    from app.team.feed import TeamFeed
    from ui.team.window import TeamWindow

    app = QApplication.instance() or QApplication([])
    _keep.append(app)  # one QApplication for the process: destroyed at exit, not with this frame
    loop = qasync.QEventLoop(app, already_running=False)
    asyncio.set_event_loop(loop)
    window = TeamWindow()
    paint_ms: list[float] = []
    model_ms: list[float] = []

    delegate = timing_delegate(window, paint_ms)
    window.view.setItemDelegate(delegate)
    window.view.verticalHeader().setDefaultSectionSize(18)

    def applied(event: Any) -> None:  # emitted once the model applied the event
        if getattr(event, "kind", None) == "status":
            model_ms.append((time.time() - event.change.received_at.timestamp()) * 1000)

    window.sig_event.connect(applied)
    window.resize(1200, 1900)
    window.show()

    async def measure() -> dict[str, Any]:
        api = _api(base_url, token)
        window.start(TeamFeed(api, window.on_feed_event))
        deadline = time.monotonic() + 60
        while window.model.rowCount() < OPERATORS and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        if window.model.rowCount() < OPERATORS:
            raise RuntimeError(f"the board shows {window.model.rowCount()} rows, expected {OPERATORS}")
        await asyncio.sleep(1.0)
        paint_ms.clear()
        model_ms.clear()
        load = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.team_load",
                base_url,
                token,
                str(OPERATORS),
                str(RATE),
                str(SECONDS),
            ],
            stdout=subprocess.PIPE,
            stderr=(log_dir / "team-load.log").open("wb"),
            text=True,
        )
        cpu0, wall0 = time.process_time(), time.monotonic()
        await asyncio.sleep(SECONDS)
        while load.poll() is None:
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # the last changes reach the board
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
        posted = int((load.stdout.read() if load.stdout else "0").strip() or 0)
        await window.aclose()
        await api.aclose()
        return {"cpu_pct": cpu / wall * 100, "posted": posted, "load_rc": load.returncode}

    try:
        figures = loop.run_until_complete(measure())
    finally:
        window.view.setItemDelegate(None)  # type: ignore[arg-type]  # Qt accepts none: the default
        window.deleteLater()
        loop.close()
        asyncio.set_event_loop(None)
    _keep.append(delegate)
    return {"paint_ms": paint_ms, "model_ms": model_ms, **figures}


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres("ringdesk_team_board") as (_pg, url):
        settings = bench_settings(url)
        users = seed_users_at(url, settings, operators=OPERATORS)
        token = token_for(settings, users["lead"])
        with BenchServer(url, log_dir, "team-board") as server:
            figures = _client(server.base_url, token, log_dir)
    if figures["load_rc"] != 0:
        raise RuntimeError("the load process failed: see bench/results/logs/team-load.log")
    paint, model = figures["paint_ms"], figures["model_ms"]
    label = f"({OPERATORS} operators, {RATE:g} changes/s)"
    result.add(f"board: server event -> row repainted p50 {label}", round(percentile(paint, 50), 1), "ms")
    result.add(
        f"board: server event -> row repainted p95 {label}",
        round(percentile(paint, 95), 1),
        "ms",
        TARGET_P95_MS,
    )
    result.add(f"board: server event -> model updated p95 {label}", round(percentile(model, 95), 1), "ms")
    result.add(f"board client CPU {label}", round(figures["cpu_pct"], 1), "%", TARGET_CPU_PCT)
    result.details = {
        "changes_posted": figures["posted"],
        "changes_applied": len(model),
        "repaints_sampled": len(paint),
        "seconds": SECONDS,
    }
    return result
