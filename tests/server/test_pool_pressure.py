"""More requests at once than the server has database connections: every one is answered, none 500s.

A route that reads leaves its session in a transaction, and closing it (a ROLLBACK) needs a thread.
Under a burst every thread of the routes' pool can be blocked waiting for a connection that only
such a close gives back; if the close queued behind them, the worker stalled until the pool timeout
and answered everyone 500 (seen with 200 operators asking for their next task at once). The burst
here is 200 reads of ``GET /tasks`` at once against one worker, on each backend.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from tests.server.conftest import TEST_SECRET
from tests.server.live import LiveServer, run_cli
from tests.server.test_live_server import CHEAP_ARGON2

BURST = 200


async def _burst(base_url: str, token: str) -> list[int]:
    limits = httpx.Limits(max_connections=BURST, max_keepalive_connections=BURST)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:
        headers = {"Authorization": f"Bearer {token}"}
        answers = await asyncio.gather(*(http.get("/tasks", headers=headers) for _ in range(BURST)))
    return [a.status_code for a in answers]


def test_a_burst_bigger_than_the_pool_is_answered_without_a_stall(db_url: str, tmp_path: Path) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url, "RINGDESK_SECRET_KEY": TEST_SECRET, **CHEAP_ARGON2}
    add = ["user", "add", "op", "--role", "operator", "--team", "north"]
    added = run_cli(add, env=env, stdin="Pa55-word\n")
    assert added.returncode == 0, added.stderr
    with LiveServer(tmp_path / "server.log", env=env) as server:
        login = httpx.post(f"{server.base_url}/auth/login", json={"name": "op", "password": "Pa55-word"})
        assert login.status_code == 200, login.text
        statuses = asyncio.run(_burst(server.base_url, login.json()["access_token"]))
    # a stall ends only at the pool timeout, each waiting request answered 500
    assert sorted(set(statuses)) == [200], {s: statuses.count(s) for s in set(statuses)}
