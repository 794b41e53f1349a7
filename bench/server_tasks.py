"""Next task (``POST /tasks/next``) with 100,000 open tasks and 200 operators, PostgreSQL behind
``ringdesk-server serve --workers 2``.

The queue holds :data:`TASKS` open missed-call tasks (three priorities, due over the last day),
inserted in one ``INSERT ... SELECT generate_series`` and analysed. Their clients' zone is one where
it is within business hours now, so every task may be offered whenever the bench runs (a zone
outside hours would measure an empty queue). :data:`OPERATORS` operators of team ``sales`` each have
their own token.

* **Claim latency**: the operators ask in turn, one request at a time, :data:`ROUNDS` rounds; each
  claim is reported ``done`` (not timed) so the next claim is a real pick, not the operator's held
  task coming back. Latency is the whole HTTP round trip from this process. Judged on the p95
  against :data:`TARGET_P95_MS`.
* **Its floor**, measured on the same database in the same run: the bare claim in SQL over one
  psycopg connection, ``SELECT id ... ORDER BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED``
  and an ``UPDATE``, committed. The ratio is what the API, auth, ORM and the second pick add.
* **All at once**: the 200 operators ask together, 200 requests in flight (each worker admits as many
  to its database as its pool allows, ``server.api.admission``; the rest wait on its event loop); no
  answer may fail and no task may be handed out twice (across every claim of the run): exact 0s.
"""

from __future__ import annotations

import asyncio
import time
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from app.local_time import client_time
from bench.common import BenchResult, percentile
from bench.server_common import (
    BenchServer,
    BenchUser,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    token_for,
)
from server.crud.users import create_user, get_or_create_team
from server.db import Database
from server.models import Role
from server.security import hash_password

NAME = "server_tasks"
TASKS = 100_000
OPERATORS = 200
WORKERS = 2
ROUNDS = 3
FLOOR_CLAIMS = 600
TARGET_P95_MS = 20.0

_FLOOR_PICK = (
    "SELECT id FROM tasks WHERE state IN ('open', 'not_reached') AND due_at <= now() "
    "ORDER BY priority, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
)


def open_zone(now: datetime) -> str:
    """A zone where it is within business hours now (the queue offers no task outside them)."""
    for name in ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok", "America/New_York"):
        if (local := client_time(name, now)) is not None and local.open:
            return name
    for name in sorted(zoneinfo.available_timezones()):
        if (local := client_time(name, now)) is not None and local.open:
            return name
    raise RuntimeError("no zone is within business hours now")


def seed(url: str, database: Database) -> list[BenchUser]:
    """The operators (one shared cheap hash) and the open tasks; tables analysed."""
    settings = bench_settings(url)
    shared = hash_password(settings, "bench-operator")
    users: list[BenchUser] = []
    with database.session() as session:
        team = get_or_create_team(session, name="sales")[0]
        for i in range(OPERATORS):
            row = create_user(
                session, name=f"op_{i:04d}", password_hash=shared, role=Role.OPERATOR, team=team
            )
            session.flush()
            users.append(BenchUser(row.id, row.name, Role.OPERATOR, "sales"))
        session.commit()
    raw_url = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO tasks (kind, state, phone, priority, due_at, time_zone, text, calls_made,"
            " created_at, updated_at)"
            " SELECT 'callback_missed', 'open', '+7912' || lpad(g::text, 7, '0'), g %% 3,"
            " now() - make_interval(secs => g * 0.8), %s, '', 0, now(), now()"
            " FROM generate_series(1, %s) AS g",
            (open_zone(datetime.now(UTC)), TASKS),
        )
        conn.execute("ANALYZE tasks")
    return users


def floor_claims(url: str) -> list[float]:
    """The bare claim in SQL, one at a time, committed (module notes); ms each."""
    raw_url = url.replace("postgresql+psycopg://", "postgresql://")
    latencies: list[float] = []
    with psycopg.connect(raw_url) as conn:
        for _ in range(FLOOR_CLAIMS):
            t0 = time.perf_counter()
            row = conn.execute(_FLOOR_PICK).fetchone()
            if row is None:
                raise RuntimeError("the floor found no task")
            conn.execute("UPDATE tasks SET state = 'done' WHERE id = %s", (row[0],))
            conn.commit()
            latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


async def _claim(client: httpx.AsyncClient, token: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    response = await client.post("/tasks/next", headers={"Authorization": f"Bearer {token}"})
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"POST /tasks/next: {response.status_code} {response.text[:300]}")
    return elapsed, int(response.json()["id"])


async def _done(client: httpx.AsyncClient, token: str, task_id: int) -> None:
    response = await client.post(
        f"/tasks/{task_id}/result", json={"outcome": "done"}, headers={"Authorization": f"Bearer {token}"}
    )
    if response.status_code != 200:
        raise RuntimeError(f"POST /tasks/{task_id}/result: {response.status_code} {response.text[:300]}")


async def _measure(base_url: str, tokens: list[str]) -> tuple[list[float], list[float], list[int], int]:
    """Claims in turn (ms), the claims all at once (ms), every task id handed out, and how many of
    the claims all at once failed."""
    limits = httpx.Limits(max_connections=OPERATORS, max_keepalive_connections=OPERATORS)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        for token in tokens[:5]:  # warm the workers' connections and caches, then give the tasks back
            await _done(client, token, (await _claim(client, token))[1])
        ids: list[int] = []
        in_turn: list[float] = []
        for _ in range(ROUNDS):
            for token in tokens:
                elapsed, task_id = await _claim(client, token)
                in_turn.append(elapsed)
                ids.append(task_id)
                await _done(client, token, task_id)
        burst = await asyncio.gather(*(_claim(client, token) for token in tokens), return_exceptions=True)
        answered = [b for b in burst if not isinstance(b, BaseException)]
        ids += [task_id for _, task_id in answered]
        return in_turn, [elapsed for elapsed, _ in answered], ids, len(burst) - len(answered)


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres() as (_pg, url):
        settings = bench_settings(url)
        database = Database.connect(url, pooled=False)
        try:
            operators = seed(url, database)
        finally:
            database.dispose()
        tokens = [token_for(settings, user) for user in operators]
        with BenchServer(url, log_dir, "server-tasks", workers=WORKERS) as server:
            in_turn, burst, ids, failed = asyncio.run(_measure(server.base_url, tokens))
        floor = floor_claims(url)
    label = f"({TASKS:,} open, {OPERATORS} operators, {WORKERS} workers)"
    floor_name = "bare SQL claim (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1 + UPDATE, psycopg)"
    result.add_percentiles_vs_floor(
        f"next task {{pct}} {label}", in_turn, floor, floor_name, limit_p95=TARGET_P95_MS, digits=2
    )
    result.add(f"next task p95, {OPERATORS} operators at once", round(percentile(burst, 95), 1), "ms")
    result.add_exact(f"next task failures, {OPERATORS} operators at once", failed, "", 0)
    result.add_exact("tasks handed out twice", len(ids) - len(set(ids)), "", 0)
    result.details = {"tasks": TASKS, "operators": OPERATORS, "workers": WORKERS, "claims": len(ids)}
    return result
