"""Communication chains: 10,000 chains due at once, worked by ``ringdesk-server serve --workers 2``
on PostgreSQL (its chain workers: one process per HTTP worker at ``nice`` 10, the default
``chain_worker_mode``), and what that does to disposition ingestion beside it.

Seeded: one chain (a templated SMS, then stop) and :data:`CHAINS` runs whose first step is due now,
inserted in one ``INSERT ... SELECT generate_series`` while the server runs, so every worker sees all
of them due at the same moment. The SMS goes to the HTTP provider shape of docs/integrations.md,
played by :mod:`bench.sms_standin` (an asyncio responder in a process of its own that de-duplicates
on ``Idempotency-Key``); the clients' numbers are in a zone within business hours now. Figures:

* **All due at once**: seconds from the insert's commit until every run is ``done`` (every SMS
  accepted and recorded) while dispositions are posted, judged against :data:`TARGET_S`; and exact
  0s: SMS sent twice (the provider saw a key twice), runs not done.
* **Disposition ingestion beside it**: :data:`POSTS` ``POST /dispositions`` at :data:`CONCURRENCY`
  in flight, first with nothing due (the floor, same server, same run), then started together with
  the chains; the ratio must stay at or above :data:`MIN_RATIO` (at most 20 % slower).
* **What a chain costs, whatever the load** (CPU time and statements do not depend on how busy the
  machine is; the wall clock does): :data:`COST_CHAINS` chains worked by one chain worker inside
  this process on a database of their own, same stand-in: the worker's CPU per chain, PostgreSQL's
  (its backends' CPU time), the stand-in's per SMS (the floor: what the bench itself adds), SQL
  statements per chain (an ``executemany`` counts each row: the server runs each), and from those
  the seconds 10,000 chains take on two quiet cores, judged against :data:`TARGET_S` too.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
from pydantic import SecretStr
from sqlalchemy import event

from bench.common import BenchResult, Figure
from bench.server_common import (
    BenchServer,
    bench_settings,
    group_cpu_seconds,
    migrated_postgres,
    postgres_cpu_seconds,
    postgres_missing,
    seed_users_at,
    token_for,
)
from bench.server_dispositions import _body, _send
from bench.server_tasks import open_zone
from server.chains.worker import ChainWorker
from server.db import Database
from server.migrate import upgrade
from server.models import ChainDefinition
from tests.support.ports import free_port

NAME = "server_chains"
CHAINS = 10_000
COST_CHAINS = 2_000
WORKERS = 2
TARGET_S = 60.0
POSTS = 1500
CONCURRENCY = 16
MIN_RATIO = 0.8
TOKEN = "sms-token-0123456789"
CHAIN = {
    "id": "bench",
    "version": 1,
    "name": "Bench",
    "trigger": {"event": "disposition", "codes": ["never_posted"]},
    "steps": [
        {"id": "sms", "sms": {"text": "{{ chain.name }}: ваш заказ готов"}, "next": "done"},
        {"id": "done", "stop": {}},
    ],
}


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextmanager
def standin() -> Iterator[tuple[str, dict[str, Any]]]:
    """:mod:`bench.sms_standin` running: ``(url, counts)``; ``counts`` is filled when it stopped
    (``requests``, ``twice``, ``unauthorised``, ``cpu_s``)."""
    port = free_port("tcp")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.sms_standin", str(port), TOKEN], stdout=subprocess.PIPE, text=True
    )
    counts: dict[str, Any] = {}
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMS stand-in did not start")
        yield f"http://127.0.0.1:{port}/sms", counts
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
        if out.strip():
            counts.update(json.loads(out.strip().splitlines()[-1]))


def _postmaster(pg: Any) -> int:
    """The postmaster's pid (``setpriv`` execs it: the pid of the process started)."""
    proc = pg._proc
    assert proc is not None
    return int(proc.pid)


def _seed_chain(url: str) -> None:
    database = Database.connect(url, pooled=False)
    try:
        with database.session() as session:
            session.add(ChainDefinition(id="bench", version=1, name="Bench", document=CHAIN, active=True))
            session.commit()
    finally:
        database.dispose()


def _due_now(url: str, count: int) -> float:
    """``count`` runs and their first steps, due now, in one transaction; its commit's time
    (monotonic)."""
    with psycopg.connect(_plain(url)) as conn:
        conn.execute(
            "INSERT INTO chain_runs (chain_id, chain_version, source_key, phone, trigger, state, steps_taken,"
            " started_at) SELECT 'bench', 1, 'bench:' || g, '+7912' || lpad(g::text, 7, '0'),"
            " '{\"kind\": \"disposition\"}'::jsonb, 'running', 0, now() FROM generate_series(1, %s) AS g",
            (count,),
        )
        conn.execute(
            "INSERT INTO chain_steps (run_id, step, state, due_at, attempts, created_at)"
            " SELECT id, 'sms', 'pending', now(), 0, now() FROM chain_runs WHERE chain_id = 'bench'"
        )
        conn.commit()
        return time.monotonic()


def _done(url: str, conn: psycopg.Connection[Any] | None = None) -> int:
    """Runs done (on ``conn`` when given: the bench polls on one connection, not a new backend
    every tenth of a second)."""
    if conn is None:
        with psycopg.connect(_plain(url)) as own:
            return _done(url, own)
    row = conn.execute("SELECT count(*) FROM chain_runs WHERE state = 'done'").fetchone()
    conn.commit()
    return int(row[0]) if row else 0


async def _post(base_url: str, token: str, offset: int) -> float:
    """:data:`POSTS` dispositions, :data:`CONCURRENCY` at once; stored per second."""
    numbers = iter(range(offset, offset + POSTS))
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            for n in numbers:
                body = _body(n) | {"code": "sale"}
                response = await _send(client, "/dispositions", body, {"Idempotency-Key": str(uuid.uuid4())})
                if response.status_code != 201:
                    raise RuntimeError(f"POST /dispositions: {response.status_code} {response.text[:300]}")

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return POSTS / (time.perf_counter() - t0)


async def _beside(base_url: str, token: str, url: str) -> tuple[float, float]:
    """Dispositions posted while the chains run: (their rate, seconds until every chain was done)."""
    conn: psycopg.Connection[Any] = await asyncio.to_thread(lambda: psycopg.connect(_plain(url)))
    try:
        committed = await asyncio.to_thread(_due_now, url, CHAINS)
        posting = asyncio.create_task(_post(base_url, token, 10_000_000))
        deadline = committed + 5 * TARGET_S
        while await asyncio.to_thread(_done, url, conn) < CHAINS:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)  # the database is re-read: the count, not the delay, ends the wait
        took = time.monotonic() - committed
    finally:
        conn.close()
    rate = await posting
    return rate, took


async def _work_in_process(settings: Any, url: str, postmaster: int) -> dict[str, float]:
    """:data:`COST_CHAINS` chains due at once, worked by a :class:`ChainWorker` in this process:
    its CPU seconds, PostgreSQL's, SQL statements (``executemany``: one per row), wall seconds."""
    worker = ChainWorker(settings)
    await worker.start()
    assert worker.db is not None
    statements = [0]

    def count(_conn: Any, _cursor: Any, _sql: str, params: Any, _context: Any, many: bool) -> None:
        statements[0] += len(params) if many and isinstance(params, list | tuple) else 1

    event.listen(worker.db.engine, "before_cursor_execute", count)
    try:
        pg0, cpu0, t0 = postgres_cpu_seconds(postmaster), time.process_time(), time.perf_counter()
        await asyncio.to_thread(_due_now, url, COST_CHAINS)
        with psycopg.connect(_plain(url)) as conn:
            while await asyncio.to_thread(_done, url, conn) < COST_CHAINS:
                if time.perf_counter() - t0 > 5 * TARGET_S:
                    raise RuntimeError("the in-process chain worker did not finish")
                await asyncio.sleep(0.05)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
        pg = postgres_cpu_seconds(postmaster) - pg0
    finally:
        event.remove(worker.db.engine, "before_cursor_execute", count)
        await worker.stop()
    return {"worker_cpu_s": cpu, "postgres_cpu_s": pg, "statements": statements[0], "wall_s": wall}


def _cost(pg: Any, settings: Any, zone: str) -> dict[str, float]:
    """What :data:`COST_CHAINS` chains cost (:func:`_work_in_process`), on a database of their own."""
    url = pg.create_database("ringdesk_chain_cost")
    database = Database.connect(url, pooled=False)
    try:
        upgrade(database.engine)
    finally:
        database.dispose()
    _seed_chain(url)
    with standin() as (sms_url, counts):
        local = settings.model_copy(
            update={
                "database_url": url,
                "sms_provider": "http",
                "sms_http_url": sms_url,
                "sms_http_token": SecretStr(TOKEN),
                "task_default_time_zone": zone,
                "chain_poll_seconds": 0.5,
            }
        )
        cost = asyncio.run(_work_in_process(local, url, _postmaster(pg)))
    cost["standin_cpu_s"] = float(counts.get("cpu_s", 0.0))
    cost["standin_requests"] = float(counts.get("requests", 0))
    return cost


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    zone = open_zone(datetime.now(UTC))
    with migrated_postgres() as (pg, url):
        settings = bench_settings(url)
        users = seed_users_at(url, settings)
        _seed_chain(url)
        token = token_for(settings, users["operator1"])
        with standin() as (sms_url, counts):
            server = BenchServer(url, log_dir, "server-chains", workers=WORKERS)
            server.env.update(
                {
                    "RINGDESK_SMS_PROVIDER": "http",
                    "RINGDESK_SMS_HTTP_URL": sms_url,
                    "RINGDESK_SMS_HTTP_TOKEN": TOKEN,
                    "RINGDESK_TASK_DEFAULT_TIME_ZONE": zone,
                    "RINGDESK_CHAIN_POLL_SECONDS": "0.5",
                }
            )
            with server:
                assert server.pid is not None
                before = asyncio.run(_post(server.base_url, token, 0))
                cpu0 = group_cpu_seconds(server.pid)
                pg0 = postgres_cpu_seconds(_postmaster(pg))
                beside, took = asyncio.run(_beside(server.base_url, token, url))
                server_cpu = group_cpu_seconds(server.pid) - cpu0
                pg_cpu = postgres_cpu_seconds(_postmaster(pg)) - pg0
                done = _done(url)
                # the floor again, after: the machine's load drifts (other work), so the floor is
                # the mean of the runs on either side of the chains
                after = asyncio.run(_post(server.base_url, token, 20_000_000))
                floor = (before + after) / 2
        cost = _cost(pg, settings, zone)
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    result.add(
        f"{CHAINS:,} chains due at once, all done ({WORKERS} workers, PostgreSQL)",
        round(took, 1),
        "s",
        TARGET_S,
    )
    result.add_exact("SMS sent twice", int(counts.get("twice", -1)), "", 0)
    result.add_exact("chains not done", CHAINS - done, "", 0)
    result.add_vs_floor(
        "dispositions per second beside the chains",
        round(beside, 1),
        "/s",
        round(floor, 1),
        "the same posts with no chain due, just before and just after (same server, same run)",
    )
    ratio = beside / floor if floor else 0.0
    result.figures.append(
        Figure("disposition ingestion beside the chains / alone", round(ratio, 2), "", f">= {MIN_RATIO:g}",
               ratio >= MIN_RATIO)
    )  # fmt: skip
    n = COST_CHAINS
    per_chain = {k: cost[k] / n * 1000 for k in ("worker_cpu_s", "postgres_cpu_s")}
    standin_ms = cost["standin_cpu_s"] / max(cost["standin_requests"], 1) * 1000
    result.add(
        "chain worker CPU per chain (in process, load-independent)", round(per_chain["worker_cpu_s"], 3), "ms"
    )
    result.add("PostgreSQL CPU per chain", round(per_chain["postgres_cpu_s"], 3), "ms")
    result.add("SQL statements per chain (executemany: one per row)", round(cost["statements"] / n, 2), "")
    result.add(
        "SMS provider stand-in CPU per SMS (the floor: the bench's own part)", round(standin_ms, 3), "ms"
    )
    quiet = CHAINS * (per_chain["worker_cpu_s"] + per_chain["postgres_cpu_s"] + standin_ms) / 1000 / 2
    result.add(
        f"{CHAINS:,} chains on 2 quiet cores, from the CPU times above", round(quiet, 1), "s", TARGET_S
    )
    result.details = {
        "chains": CHAINS,
        "workers": WORKERS,
        "posts": POSTS,
        "concurrency": CONCURRENCY,
        "loadavg_before": load_before,
        "loadavg_after": load_after,
        "served_cpu_s_beside": round(server_cpu, 1),
        "postgres_cpu_s_beside": round(pg_cpu, 1),
        "standin": counts,
        "floor_before": round(before, 1),
        "floor_after": round(after, 1),
        "cost": {k: round(v, 3) for k, v in cost.items()},
    }
    result.notes.append(
        f"load average before {' '.join(load_before)}, after {' '.join(load_after)} (2 cores shared with "
        "other work: the wall-clock figures depend on it, the CPU and statement figures do not)"
    )
    return result
