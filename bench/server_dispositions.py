"""Dispositions ingested per second over HTTP, PostgreSQL behind a real ``ringdesk-server serve``.

Load comes from this process: :data:`CONCURRENCY` httpx async clients on keep-alive connections, each
``POST /dispositions`` with its own ``Idempotency-Key`` (a new UUID: no replays) and a bearer token of
``operator1`` posting their own dispositions (no audit row, as for most posts in a shift). Bodies are
realistic: ring/answer/end/after-call-work times, a queue, a catalogue code and a comment. Every answer
must be 201 (every batch item ``created``); the figures are stored rows (counted in the database
afterwards) per second of wall time, after :data:`WARMUP` unmeasured posts.

Three figures:

* single posts with ``serve --workers 1`` and with ``--workers`` :data:`WORKERS`;
* ``POST /dispositions/batch`` of :data:`BATCH` items with :data:`WORKERS` workers, how a desktop's
  outbox sends what piled up.

The client shares the machine's two cores with the server and PostgreSQL: each figure notes how much
CPU the load generator itself used (its process CPU time over wall time, in cores), so the figures are
floors for a server on its own box.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench import floor_apps
from bench.common import BenchResult, Figure, percentile
from bench.floor_apps import FloorServer
from bench.server_common import (
    BenchServer,
    bench_settings,
    count_statements,
    group_cpu_seconds,
    migrated_postgres,
    postgres_missing,
    seed_users,
    token_for,
)
from server.api.main import create_app
from server.db import Database
from server.models import Disposition
from server.settings import Settings
from tests.server.live import LiveServer

NAME = "server_dispositions"
POSTS = 4000
WARMUP = 200
CONCURRENCY = 32
WORKERS = 2
BATCH = 250
BATCHES = 80
BATCH_CONCURRENCY = 4
TARGET_PER_S = 1000.0
MAX_CPU_RATIO = 1.2
IDLE_S = 10.0
"""Seconds each served app is watched serving nothing, after its measured run (its idle CPU rate)."""
CODES = ("sale", "no_answer", "busy", "voicemail", "send_info")


def _body(n: int) -> dict[str, Any]:
    ring = datetime.now(UTC) - timedelta(minutes=5, seconds=n % 60)
    return {
        "call_id": f"bench-{uuid.uuid4().hex}@pbx.local",
        "operator": "operator1",
        "queue": "sales",
        "ring_at": ring.isoformat(),
        "answer_at": (ring + timedelta(seconds=4)).isoformat(),
        "end_at": (ring + timedelta(seconds=95)).isoformat(),
        "acw_end_at": (ring + timedelta(seconds=120)).isoformat(),
        "code": CODES[n % len(CODES)],
        "comment": 'Клиент просил перезвонить после обеда; отправить прайс "Оптовый".',
    }


@dataclass
class Run:
    stored: int
    requests: int
    wall_s: float
    client_cpu_s: float
    server_cpu_s: float
    latencies: list[float]
    idle_cpu_per_s: float = 0.0
    """The app's CPU per second of wall time while it serves nothing (its background workers)."""

    @property
    def rate(self) -> float:
        return round(self.stored / self.wall_s, 1)

    @property
    def client_cores(self) -> float:
        return round(self.client_cpu_s / self.wall_s, 2)

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU (every process of the served app) per request, in ms."""
        return round(self.server_cpu_s / self.requests * 1000, 3)

    @property
    def request_cpu_ms(self) -> float:
        """:attr:`cpu_ms_per_request` less what the app burns in the background whatever the
        requests (its idle rate over the run's wall time): the cost of a request itself. On a
        loaded machine a run lasts minutes, and our server's background workers (presence, the
        webhook, chain, CRM and report workers' polls: ~30 ms of CPU a second) then add more per
        request than at the 1,000 /s the figure is about (0.03 ms)."""
        return round((self.server_cpu_s - self.idle_cpu_per_s * self.wall_s) / self.requests * 1000, 3)


async def _send(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> httpx.Response:
    """POST, sent again with the same Idempotency-Key(s) when the connection broke (a desktop's
    outbox does the same): on a machine this loaded, a starved client can leave a keep-alive
    connection idle past uvicorn's 5 s and meet it closed. Stored once either way."""
    for attempt in range(3):
        try:
            return await client.post(path, json=body, headers=headers)
        except httpx.TransportError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def _load(base_url: str, token: str, requests: int, concurrency: int, batch: int) -> Run:
    """``requests`` posts (single when ``batch`` is 0, else batches of ``batch`` items)."""
    numbers = iter(range(requests))
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=60) as client:

        async def worker() -> None:
            for n in numbers:
                t0 = time.perf_counter()
                if batch:
                    items = [
                        {"idempotency_key": str(uuid.uuid4()), "disposition": _body(n * batch + i)}
                        for i in range(batch)
                    ]
                    response = await _send(client, "/dispositions/batch", {"items": items}, {})
                    ok = response.status_code == 200 and all(
                        r["outcome"] in ("created", "replayed") for r in response.json()["results"]
                    )
                else:
                    key = {"Idempotency-Key": str(uuid.uuid4())}
                    response = await _send(client, "/dispositions", _body(n), key)
                    ok = response.status_code == 201
                latencies.append((time.perf_counter() - t0) * 1000)
                if not ok:
                    raise RuntimeError(
                        f"{response.request.url.path}: {response.status_code} {response.text[:300]}"
                    )

        cpu, began = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    return Run(requests * max(batch, 1), requests, wall, cpu, 0.0, latencies)


def _count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Disposition)) or 0


def _measure(
    database: Database, server: LiveServer, token: str, *, requests: int, concurrency: int, batch: int
) -> Run:
    asyncio.run(_load(server.base_url, token, WARMUP // max(batch, 1) or 1, concurrency, batch))
    before = _count(database)
    assert server.pid is not None
    cpu = group_cpu_seconds(server.pid)
    run = asyncio.run(_load(server.base_url, token, requests, concurrency, batch))
    run.server_cpu_s = group_cpu_seconds(server.pid) - cpu
    # watched idle after the run, not before: just after a start the workers' first passes (the
    # catalogue, the chains, the daily report's catch-up) would count as idle burn
    idle_cpu, idle_began = group_cpu_seconds(server.pid), time.perf_counter()
    time.sleep(IDLE_S)
    run.idle_cpu_per_s = (group_cpu_seconds(server.pid) - idle_cpu) / (time.perf_counter() - idle_began)
    stored = _count(database) - before
    if stored != run.stored:
        raise RuntimeError(f"{stored} dispositions stored, {run.stored} posted")
    return run


def _statements(url: str, settings: Settings, token: str, operator_id: int) -> tuple[int, int]:
    """SQL statements for one single POST: (the server's, the floor's), in-process."""
    database = Database.connect(url)
    try:
        ours = count_statements(
            create_app(settings, database=database),
            database,
            "POST",
            "/dispositions",
            lambda: {
                "json": _body(1),
                "headers": {"Idempotency-Key": str(uuid.uuid4()), "Authorization": f"Bearer {token}"},
            },
        )
    finally:
        database.dispose()
    floor_app = floor_apps.build(url, operator_id)
    try:
        floor = count_statements(
            floor_app, floor_app.state.database, "POST", "/dispositions", lambda: {"json": _body(1)}
        )
    finally:
        floor_app.state.database.dispose()
    return ours, floor


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    runs: dict[str, Run] = {}
    log_dir.mkdir(parents=True, exist_ok=True)
    with migrated_postgres() as (_pg, url):
        settings = bench_settings(url)
        database = Database.connect(url, pooled=False)
        try:
            operator = seed_users(database, settings)["operator1"]
            token = token_for(settings, operator)
            single = {"requests": POSTS, "concurrency": CONCURRENCY, "batch": 0}
            for workers in (1, WORKERS):
                with FloorServer(
                    url, log_dir, f"floor-{workers}w", operator_id=operator.id, workers=workers
                ) as fl:
                    runs[f"floor_{workers}w"] = _measure(database, fl, token, **single)
                with BenchServer(url, log_dir, f"server-dispositions-{workers}w", workers=workers) as server:
                    runs[f"single_{workers}w"] = _measure(database, server, token, **single)
                    if workers == WORKERS:
                        runs["batch"] = _measure(
                            database,
                            server,
                            token,
                            requests=BATCHES,
                            concurrency=BATCH_CONCURRENCY,
                            batch=BATCH,
                        )
            statements, floor_statements = _statements(url, settings, token, operator.id)
        finally:
            database.dispose()
    floor_name = "minimal FastAPI + SQLAlchemy insert (bench.floor_apps)"
    for workers in (1, WORKERS):
        ours, floor = runs[f"single_{workers}w"], runs[f"floor_{workers}w"]
        result.add_vs_floor(
            f"server CPU per single POST, {workers} worker(s), the request's own (idle rate taken off)",
            ours.request_cpu_ms,
            "ms",
            floor.request_cpu_ms,
            floor_name,
            max_ratio=MAX_CPU_RATIO if workers == 1 else None,
        )
        result.add_vs_floor(
            f"server CPU per single POST, {workers} worker(s), all of it",
            ours.cpu_ms_per_request,
            "ms",
            floor.cpu_ms_per_request,
            floor_name,
        )
        result.add(
            f"  idle CPU of the app while serving nothing (single_{workers}w / floor)",
            round(ours.idle_cpu_per_s * 1000, 1),
            "ms/s",
        )
        result.figures[-1] = Figure(
            result.figures[-1].name,
            round(ours.idle_cpu_per_s * 1000, 1),
            "ms/s",
            floor=round(floor.idle_cpu_per_s * 1000, 1),
            floor_name=floor_name,
        )
        result.add_vs_floor(
            f"dispositions ingested: single POSTs, {workers} worker(s), {CONCURRENCY} clients",
            ours.rate,
            "/s",
            floor.rate,
            floor_name,
        )
        result.figures[-1] = Figure(
            result.figures[-1].name,
            ours.rate,
            "/s",
            f"> {TARGET_PER_S:g} /s" if workers == WORKERS else "",
            (ours.rate > TARGET_PER_S) if workers == WORKERS else None,
            floor=floor.rate,
            floor_name=floor_name,
        )
        result.add(f"  load generator CPU during it (single_{workers}w)", ours.client_cores, "cores")
    batch = runs["batch"]
    result.figures.append(
        Figure(
            f"dispositions ingested: POST /batch of {BATCH}, {WORKERS} workers, {BATCH_CONCURRENCY} clients",
            batch.rate,
            "/s",
            f"> {TARGET_PER_S:g} /s",
            batch.rate > TARGET_PER_S,
        )
    )
    result.add("server CPU per batch item", round(batch.server_cpu_s / batch.stored * 1000, 3), "ms")
    result.add_vs_floor("SQL statements per single POST", statements, "", floor_statements, floor_name)
    for key in ("single_1w", f"single_{WORKERS}w"):
        result.add(f"POST latency p50 ({key})", round(percentile(runs[key].latencies, 50), 1), "ms")
        result.add(f"POST latency p95 ({key})", round(percentile(runs[key].latencies, 95), 1), "ms")
    result.add("batch latency p95", round(percentile(runs["batch"].latencies, 95), 1), "ms")
    result.notes.append(
        "client, server and PostgreSQL share the machine's cores: server CPU per request (every process "
        "of the served app, from /proc) is the figure that does not depend on the load generator"
    )
    result.details = {
        "posts": POSTS,
        "warmup": WARMUP,
        "concurrency": CONCURRENCY,
        "workers": WORKERS,
        "batch": BATCH,
        "batches": BATCHES,
        "cpus": os.cpu_count(),
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        "statements": {"server": statements, "floor": floor_statements},
        "runs": {
            k: {
                "rate": r.rate,
                "wall_s": round(r.wall_s, 2),
                "client_cores": r.client_cores,
                "server_cpu_ms_per_request": r.cpu_ms_per_request,
                "request_cpu_ms": r.request_cpu_ms,
                "idle_cpu_ms_per_s": round(r.idle_cpu_per_s * 1000, 2),
            }
            for k, r in runs.items()
        },
    }
    return result
