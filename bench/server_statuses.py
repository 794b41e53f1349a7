"""Status change -> received by 500 WebSocket subscribers, PostgreSQL behind ``ringdesk-server serve``.

500 team leads of team ``sales`` (each their own user and token) hold ``/statuses/live?token=``
open, all from this process (one asyncio loop, the ``websockets`` library). Then :data:`CHANGES` status
changes of ``operator1`` (ready / not ready with a reason / after-call work, in turn) are posted by the
team lead ``lead`` over HTTP, one at a time, each after every subscriber got the previous one and a
short pause. The latency of one receipt runs from just before the ``POST`` is sent to the moment that
subscriber's message is read here; the figure is the p95 over all receipts (500 x :data:`CHANGES`).
It includes the POST's own work (validation, the database write and commit, the audit row), the fan-out
and this process reading 500 sockets on one core it shares with the server.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import websockets

from bench.common import BenchResult, percentile
from bench.server_common import (
    BenchServer,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    seed_users_at,
    token_for,
)

NAME = "server_statuses"
SUBSCRIBERS = 500
CHANGES = 20
TARGET_P95_MS = 300.0
PAUSE_S = 0.1
CHANGE_BODIES = (
    {"status": "ready"},
    {"status": "not_ready", "reason": "break"},
    {"status": "acw"},
)


async def _measure(base_url: str, lead_token: str, tokens: list[str]) -> tuple[list[float], float]:
    """Latencies (ms) of every receipt, and the seconds it took to connect every subscriber."""
    ws_url = base_url.replace("http://", "ws://") + "/statuses/live?token="
    began = time.perf_counter()
    sockets = []
    try:
        for start in range(0, len(tokens), 50):  # 50 handshakes at a time: no SYN backlog overflow
            batch = tokens[start : start + 50]
            sockets += await asyncio.gather(
                *(websockets.connect(ws_url + token, max_queue=None, open_timeout=30) for token in batch)
            )
        connect_s = time.perf_counter() - began
        latencies: list[float] = []
        async with httpx.AsyncClient(
            base_url=base_url, headers={"Authorization": f"Bearer {lead_token}"}, timeout=30
        ) as client:
            for n in range(CHANGES):
                body = {**CHANGE_BODIES[n % len(CHANGE_BODIES)], "operator": "operator1"}
                body["at"] = datetime.now(UTC).isoformat()
                receipts = [asyncio.ensure_future(_receive(ws)) for ws in sockets]
                t0 = time.perf_counter()
                response = await client.post("/statuses", json=body)
                if response.status_code != 201:
                    raise RuntimeError(f"POST /statuses: {response.status_code} {response.text[:300]}")
                expected_id = response.json()["id"]
                for got_at, change_id in await asyncio.wait_for(asyncio.gather(*receipts), timeout=30):
                    if change_id != expected_id:
                        raise RuntimeError(f"a subscriber got change {change_id}, expected {expected_id}")
                    latencies.append((got_at - t0) * 1000)
                await asyncio.sleep(PAUSE_S)
        return latencies, connect_s
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)


async def _receive(ws: websockets.ClientConnection) -> tuple[float, int]:
    message = await ws.recv()
    got_at = time.perf_counter()
    return got_at, int(json.loads(message)["id"])


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres() as (_pg, url):
        settings = bench_settings(url)
        users = seed_users_at(url, settings, leads=SUBSCRIBERS)
        lead_token = token_for(settings, users["lead"])
        tokens = [token_for(settings, users[f"lead_{i:04d}"]) for i in range(SUBSCRIBERS)]
        with BenchServer(url, log_dir, "server-statuses") as server:
            latencies, connect_s = asyncio.run(_measure(server.base_url, lead_token, tokens))
    label = f"({SUBSCRIBERS} subscribers)"
    result.add(f"status change -> received p50 {label}", round(percentile(latencies, 50), 1), "ms")
    result.add(
        f"status change -> received p95 {label}", round(percentile(latencies, 95), 1), "ms", TARGET_P95_MS
    )
    result.add(f"status change -> received max {label}", round(max(latencies), 1), "ms")
    result.add(f"connecting {SUBSCRIBERS} subscribers (setup)", round(connect_s, 1), "s")
    result.details = {"subscribers": SUBSCRIBERS, "changes": CHANGES, "receipts": len(latencies)}
    return result
