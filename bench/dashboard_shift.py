"""A team lead's dashboard open for a whole shift, against the real server: memory stays flat.

``ringdesk-server serve`` on PostgreSQL with the demo centre (``seed-demo``: its operators and
today's calls) and 40 more operators in the lead's team. A client process of its own (so the
server-side imports of this process do not count) runs what the desktop runs for a lead: the Team
window on a qasync loop, its board fed by :class:`~app.team.feed.TeamFeed` over the WebSocket, the
dashboard tab shown and reading ``/reports/live`` and the KPIs through the real API client, the
one-second tick repainting it. A shift is 2,880 reads (8 hours at one per 10 s); here they follow
each other every 20 ms. The figures: the client's RSS after a warm-up of 100 reads and its growth
over the rest, beside the floor of a bare PySide6 window's RSS in the same run
(:mod:`bench.bare_window`), with the number of Python objects kept to say whose memory grew if it
does (``tracemalloc`` would double the RSS it is meant to explain).

Usage of the client part: ``python -m bench.dashboard_shift URL TOKEN READS``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import BenchResult, percentile

NAME = "dashboard_shift"
READS = 2880
WARM_UP = 100
OPERATORS = 40
TARGET_GROWTH_MB = 1.0
EVENTS = 20
TARGET_LATENCY_MS = 1000.0
TARGET_RSS_MB = 100.0
"""The desktop's idle budget (issue 15): the Team window alone must stay well inside it."""


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def client(base_url: str, token: str, reads: int) -> dict[str, Any]:
    """The lead's Team window with the dashboard open for ``reads`` reads; figures as a dict."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import asyncio
    import gc
    from datetime import UTC, datetime

    import httpx
    import qasync
    from PySide6.QtWidgets import QApplication

    from app.reports.live import LiveFigures
    from app.team.feed import TeamFeed
    from bench.desktop_start import consulted
    from bench.lead_api import lead_api
    from ui import gui_gc
    from ui.team.window import TeamWindow

    app = QApplication.instance() or QApplication([])
    gui_gc.install(app)  # as ui.main.run_qt does
    loop = qasync.QEventLoop(app, already_running=False)
    asyncio.set_event_loop(loop)
    window = TeamWindow()
    marks: dict[str, Any] = {}

    async def shift() -> dict[str, Any]:
        api = lead_api(base_url, token)
        window.start(TeamFeed(api, window.on_feed_event, tz="Europe/Moscow"))
        done = asyncio.Event()
        figures: list[LiveFigures] = []
        rendered: tuple[int, asyncio.Future[float]] | None = None

        def changed_then(changed: Any) -> Any:
            def on_change() -> None:
                changed()
                n = figures[0].reads
                if rendered is not None and n >= rendered[0] and not rendered[1].done():
                    rendered[1].set_result(time.perf_counter())
                if n == WARM_UP:
                    gc.collect()
                    marks["rss_warm"] = rss_mb()
                    marks["objects_warm"] = len(gc.get_objects())
                if n >= reads:
                    done.set()

            return on_change

        def make(changed: Any) -> LiveFigures:
            live = LiveFigures(
                api, tz="Europe/Moscow", on_change=changed_then(changed), every=0.02, min_interval=0.0
            )
            figures.append(live)
            return live

        window.dashboard.attach(make)
        window.resize(1280, 800)
        window.show()
        window.tabs.setCurrentWidget(window.dashboard)  # the lead looks at it: it starts reading
        started = time.monotonic()
        await asyncio.wait_for(done.wait(), timeout=1800)
        seconds = time.monotonic() - started
        gc.collect()
        marks["rss_end"] = rss_mb()
        marks["objects_end"] = len(gc.get_objects())
        live = figures[0]
        shift_reads = live.reads

        # The latency a lead sees: an operator's status changes (posted as the bench's load does),
        # the server pushes it to the board, the dashboard reads its figures again and renders them.
        # Between events it reads every 10 s, as in the desktop.
        live.every = 10.0
        await asyncio.sleep(0.5)
        latencies: list[float] = []
        async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(EVENTS):
                await asyncio.sleep(0.3)
                rendered = (live.reads + 1, asyncio.get_running_loop().create_future())
                body = {
                    "operator": "op_0000",  # seed_users' first (no server import here)
                    "at": datetime.now(UTC).isoformat(),
                }
                body |= {"status": "ready"} if i % 2 else {"status": "not_ready", "reason": "break"}
                posted = time.perf_counter()
                response = await http.post("/statuses", json=body)
                response.raise_for_status()
                shown = await asyncio.wait_for(rendered[1], timeout=15)
                latencies.append((shown - posted) * 1000)
                rendered = None
        marks["latency_ms"] = latencies
        queues = len(live.queues.queues) if live.queues is not None else 0
        operators = len(live.kpis.operators) if live.kpis is not None else 0
        errors = str(live.error) if live.error is not None else None
        await window.aclose()
        try:
            await api.aclose()
        except RuntimeError as exc:  # anyio's shield asks for a running loop qasync may not report
            print(f"closing the API client: {exc}", file=sys.stderr)
        return {
            "reads": shift_reads,
            "seconds": seconds,
            "queues": queues,
            "operators": operators,
            "error": errors,
            "server_side_modules": sorted(
                m for m in sys.modules if m.split(".")[0] in ("server", "sqlalchemy")
            ),
            "pydantic_loaded": "pydantic" in sys.modules,
            "pydantic_consulted": consulted(),
        }

    try:
        result = loop.run_until_complete(shift())
    finally:
        window.deleteLater()
        loop.close()
        asyncio.set_event_loop(None)
    return {**result, **marks}


def _floor_rss(log_dir: Path) -> float:
    """A bare PySide6 window's RSS (the same measure), in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.bare_window", str(time.time()), "1.0"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    (log_dir / "dashboard-shift-floor.log").write_text(out.stderr)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["rss_mb"])


def run(log_dir: Path) -> BenchResult:
    from bench.server_common import (
        BenchServer,
        bench_settings,
        migrated_postgres,
        operator_names,
        postgres_missing,
        seed_users,
        token_for,
    )
    from server.db import Database
    from server.seed_today import seed_demo_today

    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres("ringdesk_dashboard_shift") as (_pg, url):
        settings = bench_settings(url)
        database = Database.connect(url, pooled=False)
        try:
            users = seed_users(database, settings, operators=OPERATORS)
            with database.session() as session:
                # a day so far (the demo's: seed-demo --calls-today), so the queue table the lead
                # watches has rows and figures to read, as in a centre, not an empty table
                seed_demo_today(session, settings, operators=operator_names(OPERATORS))
                session.commit()
        finally:
            database.dispose()
        token = token_for(settings, users["lead"])
        with BenchServer(url, log_dir, "dashboard-shift") as server:
            out = subprocess.run(
                [sys.executable, "-m", "bench.dashboard_shift", server.base_url, token, str(READS)],
                check=False,
                capture_output=True,
                text=True,
                timeout=2400,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
    (log_dir / "dashboard-shift-client.log").write_text(out.stderr)
    if out.returncode != 0:
        raise RuntimeError(
            f"the dashboard client failed (rc {out.returncode}): see dashboard-shift-client.log"
        )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    if figures.get("error"):
        raise RuntimeError(f"the dashboard's last read failed: {figures['error']}")
    floor = _floor_rss(log_dir)
    label = f"({figures['reads']} reads: a shift at one per 10 s)"
    result.add_vs_floor(
        f"Team window client RSS at the end of the shift {label}",
        round(figures["rss_end"], 1),
        "MB",
        round(floor, 1),
        "bare PySide6 window",
        limit=TARGET_RSS_MB,
    )
    latency = figures["latency_ms"]
    result.add(
        f"status change posted -> dashboard re-read and shown, p95 ({len(latency)} changes)",
        round(percentile(latency, 95), 1),
        "ms",
        TARGET_LATENCY_MS,
    )
    result.add("status change posted -> dashboard shown, p50", round(percentile(latency, 50), 1), "ms")
    result.add(
        f"RSS growth over the shift after the warm-up {label}",
        round(figures["rss_end"] - figures["rss_warm"], 2),
        "MB",
        TARGET_GROWTH_MB,
    )
    result.add(
        f"Python objects kept over the shift after the warm-up {label}",
        figures["objects_end"] - figures["objects_warm"],
        "objects",
    )
    result.details = {
        "reads": figures["reads"],
        "seconds": round(figures["seconds"], 1),
        "queues_shown": figures["queues"],
        "operators_shown": figures["operators"],
        "server_side_modules_in_client": figures["server_side_modules"],
    }
    result.notes.append(
        f"the client's wire models on the light engine: pydantic loaded {figures['pydantic_loaded']}, "
        f"asked about {figures['pydantic_consulted'] or 'nothing'}"
    )
    return result


if __name__ == "__main__":
    from app.wire import engine

    engine.use_light()  # the Team window runs in the desktop (ui.cli chooses the light engine)
    print(json.dumps(client(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
