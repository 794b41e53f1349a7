"""Sync test fixtures: a local store in a temp dir, an in-memory keyring, a seeded live server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from app.client.api import ApiClient
from app.store.database import LocalStore, open_store
from app.sync.deliver import Deliverer
from app.sync.outbox import Outbox
from app.sync.pump import SyncPump
from app.sync.status import SyncMonitor
from app.wire.dispositions import DispositionIn
from tests.sync.server import PASSWORD, SyncServer, prepare_database


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring for one test (the OS keyring is never touched by tests)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = open_store(tmp_path / "client" / "ringdesk.sqlite3")
    yield local
    local.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncServer]:
    """One seeded server on SQLite for a test module."""
    base = tmp_path_factory.mktemp("server")
    url = f"sqlite:///{base / 'server.sqlite3'}"
    prepare_database(url)
    with SyncServer(url, base / "server.log") as server:
        yield server


_T0 = datetime.now(UTC) - timedelta(hours=1)


def disposition(n: int, operator: str = "operator1", code: str = "sale", **extra: object) -> DispositionIn:
    """A valid disposition number ``n`` (its own call id), for ``operator``."""
    ring = _T0 + timedelta(seconds=n)
    return DispositionIn.model_validate(
        {
            "call_id": f"call-{n}-{operator}@pbx.test",
            "operator": operator,
            "queue": "sales",
            "ring_at": ring,
            "answer_at": ring + timedelta(seconds=2),
            "end_at": ring + timedelta(seconds=30),
            "code": code,
            "comment": "Клиент <b>просил</b> перезвонить; ' OR 1=1 --",
            **extra,
        }
    )


class Running:
    """An outbox with a running pump against ``base_url``, logged in as ``operator``."""

    def __init__(
        self,
        store: LocalStore,
        base_url: str,
        operator: str = "operator1",
        *,
        timeout: httpx.Timeout | None = None,
        **pump: Any,
    ) -> None:
        self.outbox = Outbox(store)
        self.api = ApiClient(base_url, account=operator, timeout=timeout or httpx.Timeout(5.0, connect=2.0))
        self.monitor = SyncMonitor(self.outbox)
        self.pump = SyncPump(self.outbox, Deliverer(self.api), self.monitor, **pump)
        self.operator = operator
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Running:
        await self.api.login(self.operator, PASSWORD)
        self._task = asyncio.create_task(self.pump.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.api.aclose()

    async def flushed(self, timeout: float = 30) -> None:
        await asyncio.wait_for(self.pump.until_empty(), timeout)
