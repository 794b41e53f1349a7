"""What the outbox hands out: proof of a save, items as the pump and the UI see them, counts."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime

from app.store.schema import OutboxKind, OutboxState, from_db_time


@dataclass(frozen=True)
class Saved:
    """Proof that a record is durable locally: say "saved" once you hold one."""

    key: uuid.UUID
    """The record's idempotency key (also how the server knows it)."""
    outbox_id: int
    saved_at: datetime


@dataclass(frozen=True)
class OutboxItem:
    """An outbox row as the pump and the UI see it."""

    id: int
    key: str
    kind: OutboxKind
    stream: str
    payload: str
    target: str | None
    if_match: int | None
    state: OutboxState
    attempts: int
    created_at: datetime
    last_error: str | None
    http_status: int | None

    COLUMNS = (
        "id, key, kind, stream, payload, target, if_match, state, attempts, created_at, last_error, "
        "http_status"
    )
    """What to select from ``outbox`` for :meth:`of`."""

    @staticmethod
    def of(row: sqlite3.Row) -> OutboxItem:
        """The item of an ``outbox`` row selected with :attr:`COLUMNS`."""
        return OutboxItem(
            id=row["id"],
            key=row["key"],
            kind=OutboxKind(row["kind"]),
            stream=row["stream"],
            payload=row["payload"],
            target=row["target"],
            if_match=row["if_match"],
            state=OutboxState(row["state"]),
            attempts=row["attempts"],
            created_at=from_db_time(row["created_at"]),
            last_error=row["last_error"],
            http_status=row["http_status"],
        )


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    """Saved, not yet confirmed by the server: the number on the offline banner."""
    parked: int
    """Refused by the server for good: each needs the operator's attention."""
