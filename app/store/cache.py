"""What the desktop saw online, kept for when it is not: contacts by phone, catalogues, scripts.

Offline, a known caller still pops up (:meth:`ContactCache.lookup` finds a cached contact by any
written form of the number, like the server does), and the disposition form and script still open
from the last catalogue and script fetched (:class:`DocumentCache`). Entries are replaced whenever
the server answers; nothing expires by age, since stale data beats no data during an outage (the UI
can show ``fetched_at``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from datetime import datetime
from typing import TypeVar

from app import phones
from app.store.database import LocalStore
from app.store.schema import db_time, from_db_time, utcnow
from app.wire.contacts import ContactOut, ContactPatch
from app.wire.schema import BaseModel

M = TypeVar("M", bound=BaseModel)


class ContactCache:
    """Contacts as last seen, findable by phone number."""

    def __init__(self, store: LocalStore, *, default_region: str = "RU") -> None:
        self._store = store
        self._region = default_region

    def put(self, contact: ContactOut, *, durable: bool = True) -> None:
        """Store (or replace) ``contact`` as the server returned it. ``durable=False``: a copy kept
        for offline use, which a power cut may undo (the next lookup writes it again): no fsync."""
        with self._store.transaction(durable=durable) as db:
            put_contact_in(db, contact)

    def get(self, contact_id: int) -> ContactOut | None:
        with self._store.reading() as db:
            row = db.execute("SELECT data FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        return None if row is None else ContactOut.model_validate_json(row["data"])

    def names(self, contact_ids: Collection[int]) -> dict[int, str]:
        """The names of the cached contacts among ``contact_ids``, in one query (the dial pad's history
        at start-up names up to 50 calls: no contact is parsed for it)."""
        if not contact_ids:
            return {}
        marks = ", ".join("?" * len(contact_ids))
        with self._store.reading() as db:
            rows = db.execute(
                f"SELECT id, json_extract(data, '$.name') AS name FROM contacts WHERE id IN ({marks})",
                tuple(contact_ids),
            ).fetchall()
        return {row["id"]: row["name"] for row in rows if row["name"]}

    def lookup(self, phone: str) -> ContactOut | None:
        """The cached contact with this number, written any way (``8 912 ...``, ``sip:+7...``)."""
        keys = phones.lookup_keys(phone, self._region)
        if not keys:
            return None
        marks = ", ".join("?" * len(keys))
        with self._store.reading() as db:
            row = db.execute(
                "SELECT c.data FROM contact_phones AS p JOIN contacts AS c ON c.id = p.contact_id"
                f" WHERE p.e164 IN ({marks}) LIMIT 1",
                tuple(keys),
            ).fetchone()
        return None if row is None else ContactOut.model_validate_json(row["data"])


def put_contact_in(db: sqlite3.Connection, contact: ContactOut) -> None:
    """Store ``contact`` and index its phones inside the caller's transaction."""
    db.execute(
        "INSERT INTO contacts (id, version, data, fetched_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET"
        " version = excluded.version, data = excluded.data, fetched_at = excluded.fetched_at",
        (contact.id, contact.version, contact.model_dump_json(), db_time(utcnow())),
    )
    db.execute("DELETE FROM contact_phones WHERE contact_id = ?", (contact.id,))
    db.executemany(
        "INSERT INTO contact_phones (e164, contact_id) VALUES (?, ?)"
        " ON CONFLICT (e164) DO UPDATE SET contact_id = excluded.contact_id",
        [(e164, contact.id) for e164 in contact.phones],
    )


def apply_local_edit(db: sqlite3.Connection, contact_id: int, patch: ContactPatch) -> int | None:
    """Apply ``patch`` to the cached contact (so the card shows the edit at once, online or not); the
    cached version stays the server's, which is what the edit's ``If-Match`` needs. Returns that
    version, or ``None`` when the contact is not cached."""
    row = db.execute("SELECT version, data FROM contacts WHERE id = ?", (contact_id,)).fetchone()
    if row is None:
        return None
    current = ContactOut.model_validate_json(row["data"])
    changes = patch.model_dump(mode="json")
    if "consent" in changes:
        changes["consent"] = {**current.consent.model_dump(mode="json"), **changes["consent"]}
    merged = ContactOut.model_validate({**current.model_dump(mode="json"), **changes})
    version: int = row["version"]
    put_contact_in(db, merged)
    return version


class DocumentCache:
    """Server documents by kind and key: ``catalogue``/queue, ``script``/id@version, ``script_for``/
    queue|segment."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def put(self, kind: str, key: str, document: BaseModel) -> None:
        values = (kind, key, document.model_dump_json(), db_time(utcnow()))
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO documents (kind, key, body, fetched_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (kind, key) DO UPDATE SET"
                " body = excluded.body, fetched_at = excluded.fetched_at",
                values,
            )

    def get(self, kind: str, key: str, model: type[M]) -> tuple[M, datetime] | None:
        """The cached document and when it was fetched, or ``None``."""
        with self._store.reading() as db:
            row = db.execute(
                "SELECT body, fetched_at FROM documents WHERE kind = ? AND key = ?", (kind, key)
            ).fetchone()
        return (
            None if row is None else (model.model_validate_json(row["body"]), from_db_time(row["fetched_at"]))
        )

    def get_or(self, kind: str, key: str, model: type[M], fallback: Callable[[], M]) -> M:
        found = self.get(kind, key, model)
        return fallback() if found is None else found[0]
