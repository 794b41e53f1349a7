"""More requests at once than the server has database connections: every one is answered, none fails.

A request's database work runs in the thread pool, and some of it needs a second hop to give its
connection back (closing a read's session). Without admission (``server.api.admission``) a burst
filled every thread with requests waiting for a connection while the holders waited for a thread:
the worker stalled until the pool timeout and answered 500 (PostgreSQL) or 503 (SQLite, the write
lock held through the stall); seen with 200 operators asking for their next task at once. The burst
here is 200 reads of ``GET /tasks`` at once against one worker, on each backend, then 200 screen-pop
lookups and 200 health checks (the routes that open their own connection).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.server.conftest import TEST_SECRET
from tests.server.live import LiveServer, run_cli
from tests.server.test_live_server import CHEAP_ARGON2

BURST = 200


async def _burst(base_url: str, token: str, path: str) -> list[int]:
    limits = httpx.Limits(max_connections=BURST, max_keepalive_connections=BURST)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:
        headers = {"Authorization": f"Bearer {token}"}
        answers = await asyncio.gather(*(http.get(path, headers=headers) for _ in range(BURST)))
    return [a.status_code for a in answers]


def test_a_burst_bigger_than_the_pool_is_answered_without_a_stall(db_url: str, tmp_path: Path) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url, "RINGDESK_SECRET_KEY": TEST_SECRET, **CHEAP_ARGON2}
    add = ["user", "add", "op", "--role", "operator", "--team", "north"]
    added = run_cli(add, env=env, stdin="Pa55-word\n")
    assert added.returncode == 0, added.stderr
    with LiveServer(tmp_path / "server.log", env=env) as server:
        login = httpx.post(f"{server.base_url}/auth/login", json={"name": "op", "password": "Pa55-word"})
        assert login.status_code == 200, login.text
        token = login.json()["access_token"]
        started = time.monotonic()
        tasks = asyncio.run(_burst(server.base_url, token, "/tasks"))
        took = time.monotonic() - started
        lookups = asyncio.run(_burst(server.base_url, token, "/contacts/lookup?phone=%2B79123456789"))
        health = asyncio.run(_burst(server.base_url, token, "/health"))
    # a stall ends only at the pool timeout (30 s), each waiting request answered 500 or 503
    assert sorted(set(tasks)) == [200], {s: tasks.count(s) for s in set(tasks)}
    assert took < 20, f"the burst took {took:.1f} s: a stall, not a queue"
    assert sorted(set(lookups)) == [404], {s: lookups.count(s) for s in set(lookups)}
    assert sorted(set(health)) == [200], {s: health.count(s) for s in set(health)}
