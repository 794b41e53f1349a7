"""The facade the desktop uses: online reads fill the cache, offline reads and saves keep working."""

from __future__ import annotations

import asyncio
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
        card = await sync.reads.contact_for("8 913 444-55-66")
        assert card.value is not None
        assert not card.from_cache
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
        seen = []
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
