"""Disposition drafts: the after-call form saved as the operator types, so a crash or a power cut in
the middle of after-call work brings them back to the same form.

The UI calls :meth:`Drafts.save` on every change (debounced to a few hundred milliseconds; one small
upsert with ``synchronous=FULL`` costs well under a millisecond here). At start-up
:meth:`Drafts.open_drafts` lists forms left unfinished. A draft disappears in the same transaction
that saves its disposition (:meth:`app.sync.outbox.Outbox.add_disposition`), so there is never a
moment with both or neither.

The form is a JSON object owned by the UI (code, comment, script answers, callback time...): the
store does not interpret it, so the form can grow fields without a migration.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.store.database import LocalStore
from app.store.schema import db_time, from_db_time, utcnow


@dataclass(frozen=True)
class Draft:
    call_id: str
    form: dict[str, Any]
    updated_at: datetime


class Drafts:
    """Drafts of disposition forms, one per call."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def save(self, call_id: str, form: Mapping[str, Any]) -> None:
        """Replace the draft of ``call_id``; durable when this returns."""
        body = json.dumps(form, ensure_ascii=False, separators=(",", ":"), default=str)
        values = (call_id, body, db_time(utcnow()))
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO drafts (call_id, form, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (call_id) DO UPDATE SET form = excluded.form, updated_at = excluded.updated_at",
                values,
            )

    def load(self, call_id: str) -> dict[str, Any] | None:
        """The saved form of ``call_id``, or ``None``."""
        with self._store.reading() as db:
            row = db.execute("SELECT form FROM drafts WHERE call_id = ?", (call_id,)).fetchone()
        return None if row is None else dict(json.loads(row["form"]))

    def open_drafts(self) -> list[Draft]:
        """Every unfinished form, oldest first (what to reopen after a crash)."""
        with self._store.reading() as db:
            rows = db.execute("SELECT call_id, form, updated_at FROM drafts ORDER BY updated_at").fetchall()
        return [Draft(r["call_id"], dict(json.loads(r["form"])), from_db_time(r["updated_at"])) for r in rows]

    def discard(self, call_id: str) -> None:
        """Forget the draft of ``call_id`` (the operator cancelled the form)."""
        with self._store.transaction() as db:
            discard_in(db, call_id)


def discard_in(db: sqlite3.Connection, call_id: str) -> None:
    """Delete the draft of ``call_id`` inside the caller's transaction."""
    db.execute("DELETE FROM drafts WHERE call_id = ?", (call_id,))
