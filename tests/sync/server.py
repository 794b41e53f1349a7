"""A real ``ringdesk-server serve`` for the sync tests and benchmarks: demo users and catalogues seeded
in-process (no CLI round trips), cheap argon2, one known password, and direct reads of what the
server stored (the ground truth the proofs compare the desktop's database with)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from server.db import Database
from server.migrate import upgrade
from server.models import Disposition, OperatorStatusChange, User
from server.seed import seed_demo
from server.settings import Settings
from tests.server.live import LiveServer

SECRET = secrets.token_urlsafe(40)
PASSWORD = "sync-test-" + secrets.token_urlsafe(12)
CHEAP_ARGON2 = {
    "RINGDESK_PASSWORD_TIME_COST": "1",
    "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
    "RINGDESK_PASSWORD_PARALLELISM": "1",
}


def settings_for(url: str) -> Settings:
    return Settings(
        database_url=url,
        secret_key=SecretStr(SECRET),
        password_time_cost=1,
        password_memory_kib=1024,
        password_parallelism=1,
    )


def prepare_database(url: str) -> None:
    """Migrate ``url`` and seed the demo cast (every user's password is :data:`PASSWORD`)."""
    database = Database.connect(url, pooled=False)
    try:
        upgrade(database.engine)
        with database.session() as session:
            seed_demo(session, settings_for(url), password=PASSWORD)
            session.commit()
    finally:
        database.dispose()


@dataclass(frozen=True)
class StoredDisposition:
    id: int
    key: str
    call_id: str
    operator_id: int
    received_at: Any


class SyncServer(LiveServer):
    """The server on ``url`` (migrated and seeded by the caller or by :func:`prepare_database`)."""

    def __init__(self, url: str, log_path: Path, *, extra_env: dict[str, str] | None = None) -> None:
        env = {
            "RINGDESK_DATABASE_URL": url,
            "RINGDESK_SECRET_KEY": SECRET,
            "RINGDESK_LOG_LEVEL": "warning",
            **CHEAP_ARGON2,
            **(extra_env or {}),
        }
        super().__init__(log_path, env=env)
        self.url = url

    def dispositions(self) -> list[StoredDisposition]:
        """Every stored disposition, in id (storage) order."""
        database = Database.connect(self.url, pooled=False)
        try:
            with database.session() as session:
                rows = session.execute(
                    select(
                        Disposition.id,
                        Disposition.idempotency_key,
                        Disposition.call_id,
                        Disposition.operator_id,
                        Disposition.received_at,
                    ).order_by(Disposition.id)
                ).all()
                return [StoredDisposition(r[0], str(r[1]), r[2], r[3], r[4]) for r in rows]
        finally:
            database.dispose()

    def status_changes(self) -> list[tuple[str, str, Any]]:
        """(key, status, at) of every stored status change, in id order."""
        database = Database.connect(self.url, pooled=False)
        try:
            with database.session() as session:
                rows = session.execute(
                    select(
                        OperatorStatusChange.idempotency_key,
                        OperatorStatusChange.status,
                        OperatorStatusChange.at,
                    ).order_by(OperatorStatusChange.id)
                ).all()
                return [(str(r[0]), str(getattr(r[1], "value", r[1])), r[2]) for r in rows]
        finally:
            database.dispose()

    def user_ids(self) -> dict[str, int]:
        database = Database.connect(self.url, pooled=False)
        try:
            with database.session() as session:
                return {name: uid for uid, name in session.execute(select(User.id, User.name)).all()}
        finally:
            database.dispose()
