"""What the desktop saw online, kept for when it is not: contacts by phone, catalogues, scripts.

Offline, a known caller still pops up (:meth:`ContactCache.lookup` finds a cached contact by any
written form of the number, like the server does), and the disposition form and script still open
from the last catalogue and script fetched (:class:`DocumentCache`). Entries are replaced whenever
the server answers; nothing expires by age, since stale data beats no data during an outage (the UI
can show ``fetched_at``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app import phones
from app.store.database import LocalStore
from app.store.schema import ContactPhoneRow, ContactRow, DocumentRow, utcnow
from app.wire.contacts import ContactOut, ContactPatch

M = TypeVar("M", bound=BaseModel)


class ContactCache:
    """Contacts as last seen, findable by phone number."""

    def __init__(self, store: LocalStore, *, default_region: str = "RU") -> None:
        self._store = store
        self._region = default_region

    def put(self, contact: ContactOut) -> None:
        """Store (or replace) ``contact`` as the server returned it."""
        with self._store.transaction() as session:
            put_contact_in(session, contact)

    def get(self, contact_id: int) -> ContactOut | None:
        with self._store.reading() as session:
            row = session.get(ContactRow, contact_id)
            return None if row is None else ContactOut.model_validate_json(row.data)

    def lookup(self, phone: str) -> ContactOut | None:
        """The cached contact with this number, written any way (``8 912 ...``, ``sip:+7...``)."""
        keys = phones.lookup_keys(phone, self._region)
        if not keys:
            return None
        with self._store.reading() as session:
            contact_id = session.scalar(
                select(ContactPhoneRow.contact_id).where(ContactPhoneRow.e164.in_(keys)).limit(1)
            )
            row = session.get(ContactRow, contact_id) if contact_id is not None else None
            return None if row is None else ContactOut.model_validate_json(row.data)


def put_contact_in(session: Session, contact: ContactOut) -> None:
    """Store ``contact`` and index its phones inside the caller's transaction."""
    data = contact.model_dump_json()
    now = utcnow()
    statement = insert(ContactRow).values(id=contact.id, version=contact.version, data=data, fetched_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[ContactRow.id], set_={"version": contact.version, "data": data, "fetched_at": now}
        )
    )
    session.execute(delete(ContactPhoneRow).where(ContactPhoneRow.contact_id == contact.id))
    for e164 in contact.phones:
        phone = insert(ContactPhoneRow).values(e164=e164, contact_id=contact.id)
        session.execute(
            phone.on_conflict_do_update(
                index_elements=[ContactPhoneRow.e164], set_={"contact_id": contact.id}
            )
        )


def apply_local_edit(session: Session, contact_id: int, patch: ContactPatch) -> int | None:
    """Apply ``patch`` to the cached contact (so the card shows the edit at once, online or not); the
    cached version stays the server's, which is what the edit's ``If-Match`` needs. Returns that
    version, or ``None`` when the contact is not cached."""
    row = session.get(ContactRow, contact_id)
    if row is None:
        return None
    current = ContactOut.model_validate_json(row.data)
    changes = patch.model_dump(mode="json")
    if "consent" in changes:
        changes["consent"] = {**current.consent.model_dump(mode="json"), **changes["consent"]}
    merged = ContactOut.model_validate({**current.model_dump(mode="json"), **changes})
    version = row.version
    put_contact_in(session, merged)
    return version


class DocumentCache:
    """Server documents by kind and key: ``catalogue``/queue, ``script``/id@version, ``script_for``/
    queue|segment."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def put(self, kind: str, key: str, document: BaseModel) -> None:
        body = document.model_dump_json()
        now = utcnow()
        statement = insert(DocumentRow).values(kind=kind, key=key, body=body, fetched_at=now)
        with self._store.transaction() as session:
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=[DocumentRow.kind, DocumentRow.key], set_={"body": body, "fetched_at": now}
                )
            )

    def get(self, kind: str, key: str, model: type[M]) -> tuple[M, datetime] | None:
        """The cached document and when it was fetched, or ``None``."""
        with self._store.reading() as session:
            row = session.get(DocumentRow, (kind, key))
            return None if row is None else (model.model_validate_json(row.body), row.fetched_at)

    def get_or(self, kind: str, key: str, model: type[M], fallback: Callable[[], M]) -> M:
        found = self.get(kind, key, model)
        return fallback() if found is None else found[0]
