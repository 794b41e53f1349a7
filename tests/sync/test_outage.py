"""Proof 2: the server process is stopped while 1,000 dispositions are made by two operators, then
started again: every one is delivered once, in order per operator, and the banner showed the count.

The server runs on PostgreSQL (as in production) when its binaries are installed, else on SQLite.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.database import open_store
from app.sync.pump import RetryPolicy
from app.sync.status import SyncStatus
from tests.support.postgres import PostgresServer, postgres_available
from tests.sync.conftest import Running, disposition
from tests.sync.server import SyncServer, prepare_database

TOTAL = 1000
OPERATORS = ("operator1", "operator2")


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    if not postgres_available():
        yield f"sqlite:///{tmp_path / 'server.sqlite3'}"
        return
    with PostgresServer() as pg:
        yield pg.create_database("sync_outage")


def test_outage_everything_arrives_once_in_order(server_url: str, tmp_path: Path) -> None:
    prepare_database(server_url)
    server = SyncServer(server_url, tmp_path / "server.log").start()
    stores = {name: open_store(tmp_path / name / "ringdesk.sqlite3") for name in OPERATORS}
    banners: list[SyncStatus] = []
    rng = random.Random(2)

    async def main() -> None:
        policy = RetryPolicy(initial=0.1, cap=1.0)
        async with (
            Running(stores["operator1"], server.base_url, "operator1", policy=policy) as one,
            Running(stores["operator2"], server.base_url, "operator2", policy=policy) as two,
        ):
            desks = {"operator1": one, "operator2": two}
            one.monitor.subscribe(banners.append)
            for n in range(TOTAL):
                operator = rng.choice(OPERATORS)
                desks[operator].outbox.add_disposition(disposition(10_000 + n, operator=operator))
                if n == 100:
                    await asyncio.to_thread(server.stop)
                elif n % 50 == 0:
                    await asyncio.sleep(0.01)
            assert one.outbox.counts().pending > 0
            await asyncio.to_thread(server.start)
            await asyncio.gather(one.flushed(60), two.flushed(60))
            assert one.monitor.status.online is True

    try:
        asyncio.run(main())
        stored = server.dispositions()
    finally:
        server.stop()
    assert any(b.offline and b.pending > 0 for b in banners), "the banner never showed the outage"
    ids = server.user_ids()
    assert len(stored) == TOTAL
    assert len({d.call_id for d in stored}) == TOTAL
    for name in OPERATORS:
        theirs = [int(d.call_id.split("-")[1]) for d in stored if d.operator_id == ids[name]]
        assert theirs == sorted(theirs), f"{name}'s dispositions arrived out of order"
        with stores[name].reading() as db:
            assert db.execute("SELECT count(*) FROM dispositions WHERE server_id IS NULL").fetchone()[0] == 0
        stores[name].close()
