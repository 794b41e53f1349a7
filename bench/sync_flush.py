"""The desktop's outbox against a real server on PostgreSQL: how long a backlog takes to drain.

* **Flush**: 10,000 dispositions saved while the pump is stopped (a long outage), then the pump is
  started: seconds until the outbox is empty. The pump sends one operator's dispositions one after
  another (they are delivered in order per operator), one ``POST /dispositions`` each, so the figure
  is bounded by the server's single-request latency; a batch endpoint would be used through
  ``Deliverer.batch_size`` without changing the pump.
* **Reconnect**: the server is stopped, 100 dispositions are saved, the pump fails and backs off;
  the server is started again. Seconds from the server answering ``/health`` to an empty outbox,
  when the desktop is told the network is back (``SyncService.retry_now``, as the OS network event
  does) and, for information, with nothing but the backoff (capped at 15 s, random).
* Also the save itself: ``Outbox.add_disposition`` latency (the time before the UI may say "saved";
  WAL + ``synchronous=FULL``).

The server is ``ringdesk-server serve`` (one uvicorn worker) sharing the machine's two cores with
the client and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from app.wire.dispositions import DispositionIn
from bench.common import BenchResult, percentile
from bench.server_common import postgres_missing
from tests.support.postgres import PostgresServer
from tests.sync.server import PASSWORD, SyncServer, prepare_database

NAME = "sync_flush"
FLUSH = int(os.environ.get("RINGDESK_BENCH_SYNC_FLUSH", "10000"))
RECONNECT = 100
FLUSH_TARGET_S = 30.0
RECONNECT_TARGET_S = 2.0


def run(log_dir: Path) -> BenchResult:
    if why := postgres_missing():
        return BenchResult(NAME, status="skipped", notes=[why])
    result = BenchResult(NAME)
    with PostgresServer() as pg, tempfile.TemporaryDirectory(prefix="rd-sync-bench-") as tmp:
        url = pg.create_database("sync_bench")
        prepare_database(url)
        (log_dir / "sync-server.log").unlink(missing_ok=True)
        server = SyncServer(url, log_dir / "sync-server.log").start()
        try:
            asyncio.run(_measure(result, server, Path(tmp)))
        finally:
            server.stop()
    return result


def _disposition(n: int) -> DispositionIn:
    ring = datetime.now(UTC) - timedelta(hours=2, seconds=-n)
    return DispositionIn(
        call_id=f"bench-sync-{n}@pbx.local",
        operator="operator1",
        queue="sales",
        ring_at=ring,
        answer_at=ring + timedelta(seconds=4),
        end_at=ring + timedelta(seconds=95),
        acw_end_at=ring + timedelta(seconds=120),
        code=("sale", "no_answer", "busy", "voicemail")[n % 4],
        comment='Клиент просил перезвонить после обеда; отправить прайс "Оптовый".',
    )


async def _measure(result: BenchResult, server: SyncServer, tmp: Path) -> None:
    from keyring.backends import fail

    from app.credentials import SecretStore
    from app.sync.service import SyncService

    sync = SyncService.open(
        server.base_url,
        account="operator1",
        database=tmp / "ringdesk.sqlite3",
        secrets=SecretStore(fail.Keyring()),  # type: ignore[no-untyped-call]  # tokens in memory only
        timeout=httpx.Timeout(10.0, connect=1.0),
    )
    await sync.login("operator1", PASSWORD)

    saves: list[float] = []
    for n in range(FLUSH):
        body = _disposition(n)
        t0 = time.perf_counter()
        sync.outbox.add_disposition(body)
        saves.append((time.perf_counter() - t0) * 1000)
    began = time.perf_counter()
    sync.start()
    await sync.pump.until_empty()
    flush_s = time.perf_counter() - began
    stored = len(server.dispositions())
    if stored != FLUSH:
        raise RuntimeError(f"{stored} dispositions on the server, {FLUSH} saved")
    result.add(f"flush {FLUSH:,} queued dispositions", round(flush_s, 1), "s", FLUSH_TARGET_S)
    result.add("flush rate", round(FLUSH / flush_s), "/s")
    result.add("save (add_disposition) p50", round(percentile(saves, 50), 2), "ms")
    result.add("save (add_disposition) p95", round(percentile(saves, 95), 2), "ms")

    for kicked in (True, False):
        await asyncio.to_thread(server.stop)
        offset = FLUSH + (0 if kicked else RECONNECT)
        for n in range(RECONNECT):
            sync.outbox.add_disposition(_disposition(offset + n))
        while not sync.status.offline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(3)  # let the backoff grow as in a real outage
        await asyncio.to_thread(server.start)
        back = time.perf_counter()
        if kicked:
            sync.retry_now()
        await sync.pump.until_empty()
        seconds = round(time.perf_counter() - back, 2)
        if kicked:
            result.add(
                f"reconnect -> empty outbox ({RECONNECT} items, network event)",
                seconds,
                "s",
                RECONNECT_TARGET_S,
            )
        else:
            result.add(f"reconnect -> empty outbox ({RECONNECT} items, backoff only)", seconds, "s")
    await sync.close()
    result.details = {"flush": FLUSH, "reconnect": RECONNECT, "flush_s": round(flush_s, 2)}
    result.notes.append(
        "dispositions go in batches of 200 (POST /dispositions/batch), in order per operator; "
        "statuses and contact edits one by one"
    )


if __name__ == "__main__":
    from bench.common import LOGS

    LOGS.mkdir(parents=True, exist_ok=True)
    outcome = run(LOGS)
    for figure in outcome.figures:
        print(
            f"{figure.name}: {figure.value:g} {figure.unit} (target {figure.target or '-'}, ok={figure.ok})"
        )
    for note in outcome.notes:
        print("note:", note)
