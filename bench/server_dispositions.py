"""Dispositions ingested per second over HTTP, PostgreSQL behind a real ``ringdesk-server serve``.

The server runs as ``serve`` ships it: one uvicorn worker process (``serve`` has no worker option).
Load comes from this process: :data:`CONCURRENCY` httpx async clients on keep-alive connections, each
``POST /dispositions`` with its own ``Idempotency-Key`` (a new UUID: no replays) and a bearer token of
``operator1`` posting their own dispositions (no audit row, as for most posts in a shift). Bodies are
realistic: ring/answer/end/after-call-work times, a queue, a catalogue code and a comment. Every answer
must be 201; the figure is stored rows (counted in the database afterwards) per second of wall time,
after :data:`WARMUP` unmeasured posts. Client and server share the machine's two cores, so the figure
is a floor for a server on its own box.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.common import BenchResult, Figure, percentile
from bench.server_common import (
    BenchServer,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    seed_users,
    token_for,
)
from server.db import Database
from server.models import Disposition

NAME = "server_dispositions"
POSTS = 4000
WARMUP = 200
CONCURRENCY = 32
TARGET_PER_S = 1000.0
UVICORN_WORKERS = 1
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


async def _post_many(base_url: str, token: str, count: int, start: int) -> tuple[float, list[float]]:
    """Post ``count`` dispositions with :data:`CONCURRENCY` workers; wall seconds and latencies (ms)."""
    numbers = iter(range(start, start + count))
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            for n in numbers:
                body = _body(n)
                t0 = time.perf_counter()
                response = await client.post(
                    "/dispositions", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
                )
                latencies.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 201:
                    raise RuntimeError(f"POST /dispositions: {response.status_code} {response.text[:300]}")

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - began, latencies


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres() as (_pg, url):
        settings = bench_settings(url)
        database = Database.connect(url, pooled=False)
        try:
            users = seed_users(database, settings)
            token = token_for(settings, users["operator1"])
            with BenchServer(url, log_dir, "server-dispositions") as server:
                asyncio.run(_post_many(server.base_url, token, WARMUP, 0))
                wall_s, latencies = asyncio.run(_post_many(server.base_url, token, POSTS, WARMUP))
            with database.session() as session:
                stored = session.scalar(select(func.count()).select_from(Disposition))
        finally:
            database.dispose()
    if stored != WARMUP + POSTS:
        raise RuntimeError(f"{stored} dispositions stored, {WARMUP + POSTS} posted")
    rate = round(POSTS / wall_s, 1)
    label = f"({UVICORN_WORKERS} uvicorn worker, {CONCURRENCY} concurrent clients)"
    result.figures.append(
        Figure(f"dispositions ingested {label}", rate, "/s", f"> {TARGET_PER_S:g} /s", rate > TARGET_PER_S)
    )
    result.add("POST latency p50", round(percentile(latencies, 50), 1), "ms")
    result.add("POST latency p95", round(percentile(latencies, 95), 1), "ms")
    result.details = {
        "posts": POSTS,
        "warmup": WARMUP,
        "concurrency": CONCURRENCY,
        "uvicorn_workers": UVICORN_WORKERS,
        "wall_s": round(wall_s, 2),
        "cpus": os.cpu_count(),
    }
    return result
