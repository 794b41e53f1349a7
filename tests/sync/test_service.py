"""The facade the desktop uses: online reads fill the cache, offline reads and saves keep working."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx

from app.credentials import SecretStore
from app.sync.service import SyncService
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring, disposition
from tests.sync.server import PASSWORD, SyncServer


def test_online_then_offline(live_server: SyncServer, tmp_path: Path) -> None:
    database = tmp_path / "data" / "ringdesk.sqlite3"
    keyring = MemoryKeyring()
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        token = http.post("/auth/login", json={"name": "lead", "password": PASSWORD}).json()["access_token"]
        made = http.post(
            "/contacts",
            json={"name": "Кузнецова Анна", "phones": ["+79134445566"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert made.status_code == 201, made.text

    async def online() -> None:
        sync = SyncService.open(
            live_server.base_url, account="operator2", database=database, secrets=SecretStore(keyring)
        )
        assert sync.keyring_message is None
        assert await sync.resume() is None  # nothing kept yet: ask for the password
        await sync.login("operator2", PASSWORD)
        writes = _watch_writes(sync)
        card = await sync.reads.contact_for("8 913 444-55-66")
        assert card.value is not None
        assert not card.from_cache
        # the answer is kept for offline use off the loop's (the GUI's) thread and without an fsync:
        # the screen pop does not wait for the disk (issue 15); offline() below finds it kept
        await asyncio.to_thread(sync.worker.settle)
        assert writes == [("store thread", False)]
        catalogue = await sync.reads.catalogue("sales")
        assert catalogue.value is not None
        assert any(code.code == "sale" for code in catalogue.value.dispositions)
        await sync.close()

    async def offline() -> None:
        dead = f"http://127.0.0.1:{free_port('tcp')}"
        sync = SyncService.open(
            dead,
            account="operator2",
            database=database,
            secrets=SecretStore(keyring),
            timeout=httpx.Timeout(1.0),
        )
        user = await sync.resume()  # the server is unreachable: the operator still gets to work
        assert user is not None
        assert user.name == "operator2"
        card = await sync.reads.contact_for("+7 (913) 444-55-66")
        assert card.from_cache
        assert card.value is not None
        assert card.value.name == "Кузнецова Анна"
        catalogue = await sync.reads.catalogue("sales")
        assert catalogue.from_cache
        assert catalogue.value is not None
        seen: list[object] = []
        sync.subscribe(seen.append)
        sync.start()
        sync.outbox.add_disposition(disposition(88_000, operator="operator2"))
        for _ in range(100):
            if sync.status.offline:
                break
            await asyncio.sleep(0.05)
        assert sync.status.offline
        assert sync.status.pending == 1
        await sync.close()

    asyncio.run(online())
    asyncio.run(offline())


def _watch_writes(sync: SyncService) -> list[tuple[str, bool]]:
    """The store's write transactions from now on: on which thread (the loop's or another), durable."""
    loop_thread = threading.get_ident()
    seen: list[tuple[str, bool]] = []
    transaction = sync.store.transaction

    @contextlib.contextmanager
    def watched(*, durable: bool = True) -> Iterator[sqlite3.Connection]:
        seen.append(("loop" if threading.get_ident() == loop_thread else "store thread", durable))
        with transaction(durable=durable) as db:
            yield db

    sync.store.transaction = watched  # type: ignore[method-assign]
    return seen
