"""Proof 4: secrets live in the keyring only; without a usable keyring they live in memory for the
session, with a clear message; and no secret reaches any file under the data dir or any log."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from keyring.backends.chainer import ChainerBackend
from keyring.errors import InitError

from app.credentials import SecretKind, SecretStore
from app.store.database import open_store
from app.store.drafts import Drafts
from tests.sync.conftest import MemoryKeyring, Running, disposition
from tests.sync.server import PASSWORD, SyncServer

SIP_PASSWORD = "sip-Пароль-" + "7f3e9c1d2b"
SIP_HA1 = hashlib.md5(f"operator1:ringdesk:{SIP_PASSWORD}".encode()).hexdigest()


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend (same module path, so it is recognised)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


class LockedKeyring(MemoryKeyring):
    """A Secret Service that is locked and cannot prompt: every call fails."""

    def get_password(self, service: str, username: str) -> str | None:
        raise InitError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise InitError("locked")


class Chain(ChainerBackend):
    """keyring's chain of backends, with chosen members."""

    def __init__(self, members: list[Any]) -> None:
        self._members = members

    @property
    def backends(self) -> list[Any]:  # type: ignore[override]
        return self._members


def test_secrets_round_trip_through_the_keyring(memory_keyring: MemoryKeyring) -> None:
    secrets = SecretStore()
    assert secrets.problem is None
    assert secrets.message is None
    for kind, value in [
        (SecretKind.SIP_PASSWORD, SIP_PASSWORD),
        (SecretKind.SIP_HA1, SIP_HA1),
        (SecretKind.REFRESH_TOKEN, "r" * 43),
    ]:
        secrets.set(kind, "operator1", value)
        assert SecretStore().get(kind, "operator1") == value  # a new session reads it back
    assert ("ringdesk/sip-ha1", "operator1") in memory_keyring.secrets
    secrets.delete(SecretKind.SIP_PASSWORD, "operator1")
    secrets.delete(SecretKind.SIP_PASSWORD, "operator1")  # deleting twice is fine
    assert secrets.get(SecretKind.SIP_PASSWORD, "operator1") is None


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), PlaintextKeyring(), LockedKeyring()],
    ids=["no-keyring", "keyrings.alt-plaintext", "locked"],
)
def test_without_a_usable_keyring_secrets_stay_in_memory_for_the_session(backend: Any) -> None:
    secrets = SecretStore(backend)
    secrets.set(SecretKind.SIP_PASSWORD, "operator1", SIP_PASSWORD)
    assert secrets.get(SecretKind.SIP_PASSWORD, "operator1") == SIP_PASSWORD
    assert secrets.problem is not None
    assert secrets.message is not None
    assert "kept only until ringdesk closes" in secrets.message
    assert SIP_PASSWORD not in secrets.message
    assert SecretStore(backend).get(SecretKind.SIP_PASSWORD, "operator1") is None  # next session
    if isinstance(backend, MemoryKeyring):
        assert backend.secrets == {}  # never written to the refused or broken backend


def test_a_chain_never_uses_its_plaintext_member() -> None:
    good, plain = MemoryKeyring(), PlaintextKeyring()
    plain.priority = 5  # type: ignore[misc]  # even when it would win on priority
    secrets = SecretStore(Chain([plain, good]))
    secrets.set(SecretKind.REFRESH_TOKEN, "operator1", "token")
    assert secrets.problem is None
    assert plain.secrets == {}
    assert good.secrets


@pytest.mark.parametrize("keyring_works", [True, False], ids=["keyring", "no-keyring"])
def test_no_secret_in_any_file_under_the_data_dir_or_in_the_logs(
    keyring_works: bool, live_server: SyncServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    log_file = data_dir / "logs" / "ringdesk.log"
    log_file.parent.mkdir(parents=True)
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)
    secrets = SecretStore(MemoryKeyring() if keyring_works else fail.Keyring())
    seen: list[str] = [PASSWORD, SIP_PASSWORD, SIP_HA1]
    try:
        secrets.set(SecretKind.SIP_PASSWORD, "operator1", SIP_PASSWORD)
        secrets.set(SecretKind.SIP_HA1, "operator1", SIP_HA1)
        store = open_store(data_dir / "ringdesk.sqlite3")
        Drafts(store).save("call-77", {"comment": "draft"})

        async def main() -> None:
            run = Running(store, live_server.base_url, "operator1")
            run.api.tokens._secrets = secrets
            async with run:
                pair = run.api.tokens._pair
                assert pair is not None
                seen.extend([pair.access_token, pair.refresh_token])
                run.outbox.add_disposition(disposition(77_000))
                run.api.tokens._pair = pair.model_copy(update={"expires_at": datetime.now(UTC)})
                await run.flushed()
                refreshed = run.api.tokens._pair
                assert refreshed is not None
                seen.extend([refreshed.access_token, refreshed.refresh_token])
                assert refreshed.refresh_token != pair.refresh_token  # it really was refreshed
                assert secrets.get(SecretKind.REFRESH_TOKEN, "operator1") == refreshed.refresh_token

        asyncio.run(main())
        store.close()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "ringdesk.sqlite3" for p in files)
    assert log_file.stat().st_size > 0
    texts = [(p, p.read_bytes()) for p in files] + [(Path("captured logs"), caplog.text.encode())]
    texts.append((Path("server log"), live_server.log_text().encode()))
    for secret in seen:
        for path, content in texts:
            assert secret.encode() not in content, f"a secret ({secret[:4]}...) is in {path}"
