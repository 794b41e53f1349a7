"""Communication chains: 10,000 chains due at once, worked by ``ringdesk-server serve --workers 2``
on PostgreSQL, and what that does to disposition ingestion beside it.

Seeded: one chain (an SMS, then stop) and :data:`CHAINS` runs whose first step is due now, inserted
in one ``INSERT ... SELECT generate_series`` while the server runs, so every worker sees all of them
due at the same moment. The SMS goes to an HTTP provider of the documented shape in this process
(``tests.support.sms_provider``, de-duplicating on ``Idempotency-Key``); the clients' numbers are in a
zone within business hours now. Figures:

* **All due at once**: seconds from the insert's commit until every run is ``done`` (every SMS
  accepted and recorded), judged against :data:`TARGET_S`; and exact 0s: SMS sent twice (the
  provider saw a key twice), runs not done.
* **Disposition ingestion beside it**: :data:`POSTS` ``POST /dispositions`` at :data:`CONCURRENCY`
  in flight, first with nothing due (the floor, same server, same run), then started together with
  the chains; the ratio must stay at or above :data:`MIN_RATIO` (at most 20 % slower).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from bench.common import BenchResult, Figure
from bench.server_common import (
    BenchServer,
    bench_settings,
    migrated_postgres,
    postgres_missing,
    seed_users,
    token_for,
)
from bench.server_dispositions import _body, _send
from bench.server_tasks import open_zone
from server.db import Database
from server.models import ChainDefinition
from tests.support.sms_provider import SmsProvider

NAME = "server_chains"
CHAINS = 10_000
WORKERS = 2
TARGET_S = 60.0
POSTS = 1500
CONCURRENCY = 16
MIN_RATIO = 0.8
CHAIN = {
    "id": "bench",
    "version": 1,
    "name": "Bench",
    "trigger": {"event": "disposition", "codes": ["never_posted"]},
    "steps": [{"id": "sms", "sms": {"text": "Ваш заказ готов"}, "next": "done"}, {"id": "done", "stop": {}}],
}


def _seed_chain(url: str) -> None:
    database = Database.connect(url, pooled=False)
    try:
        with database.session() as session:
            session.add(ChainDefinition(id="bench", version=1, name="Bench", document=CHAIN, active=True))
            session.commit()
    finally:
        database.dispose()


def _due_now(url: str) -> float:
    """The runs and their first steps, due now, in one transaction; its commit's time (monotonic)."""
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(
            "INSERT INTO chain_runs (chain_id, chain_version, source_key, phone, trigger, state, steps_taken,"
            " started_at) SELECT 'bench', 1, 'bench:' || g, '+7912' || lpad(g::text, 7, '0'),"
            " '{\"kind\": \"disposition\"}'::jsonb, 'running', 0, now() FROM generate_series(1, %s) AS g",
            (CHAINS,),
        )
        conn.execute(
            "INSERT INTO chain_steps (run_id, step, state, due_at, attempts, created_at)"
            " SELECT id, 'sms', 'pending', now(), 0, now() FROM chain_runs WHERE chain_id = 'bench'"
        )
        conn.commit()
        return time.monotonic()


def _done(url: str) -> int:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FROM chain_runs WHERE state = 'done'").fetchone()
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


async def _beside(base_url: str, token: str, url: str) -> tuple[float, float, float]:
    """Dispositions posted while the chains run: (their rate, seconds until every chain was done,
    the commit's monotonic time)."""
    committed = await asyncio.to_thread(_due_now, url)
    posting = asyncio.create_task(_post(base_url, token, 10_000_000))
    deadline = committed + 5 * TARGET_S
    while await asyncio.to_thread(_done, url) < CHAINS:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)  # the database is re-read: the count, not the delay, ends the wait
    took = time.monotonic() - committed
    rate = await posting
    return rate, took, committed


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with migrated_postgres() as (_pg, url), SmsProvider() as provider:
        settings = bench_settings(url)
        database = Database.connect(url, pooled=False)
        try:
            users = seed_users(database, settings)
        finally:
            database.dispose()
        _seed_chain(url)
        token = token_for(settings, users["operator1"])
        server = BenchServer(url, log_dir, "server-chains", workers=WORKERS)
        server.env.update(
            {
                "RINGDESK_SMS_PROVIDER": "http",
                "RINGDESK_SMS_HTTP_URL": provider.url,
                "RINGDESK_SMS_HTTP_TOKEN": "sms-token-0123456789",
                "RINGDESK_TASK_DEFAULT_TIME_ZONE": open_zone(datetime.now(UTC)),
                "RINGDESK_CHAIN_POLL_SECONDS": "0.5",
            }
        )
        with server:
            floor = asyncio.run(_post(server.base_url, token, 0))
            beside, took, _ = asyncio.run(_beside(server.base_url, token, url))
            done = _done(url)
        keys = [r.key for r in provider.requests]
    result.add(
        f"{CHAINS:,} chains due at once, all done ({WORKERS} workers, PostgreSQL)",
        round(took, 1),
        "s",
        TARGET_S,
    )
    result.add_exact("SMS sent twice", len(keys) - len(set(keys)), "", 0)
    result.add_exact("chains not done", CHAINS - done, "", 0)
    result.add_vs_floor(
        "dispositions per second beside the chains",
        round(beside, 1),
        "/s",
        round(floor, 1),
        "the same posts with no chain due (same server, same run)",
    )
    ratio = beside / floor if floor else 0.0
    result.figures.append(
        Figure("disposition ingestion beside the chains / alone", round(ratio, 2), "", f">= {MIN_RATIO:g}",
               ratio >= MIN_RATIO)
    )  # fmt: skip
    result.details = {"chains": CHAINS, "workers": WORKERS, "posts": POSTS, "concurrency": CONCURRENCY}
    return result
