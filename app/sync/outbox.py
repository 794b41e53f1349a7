"""The outbox: every disposition, status change and contact edit is saved with its outbox item in one
transaction, under a UUID that the server uses as the ``Idempotency-Key``.

When ``add_*`` returns the record is durable (WAL, ``synchronous=FULL``) and will reach the server
exactly once, whatever happens to the process, the network or the server: the pump sends it until
the server confirms it, and a resend after a lost answer is recognised by its key. The UI says
"saved" only after ``add_*`` returns.

Items belong to a *stream* (``disposition:<operator>``, ``status:<operator>``, ``contact:<id>``) and
are delivered one after another within it, in the order they were saved. An item the server refuses
for good is *parked*: kept, counted, shown to the operator, and sent again only when they ask
(:meth:`Outbox.requeue`). Nothing is ever deleted by the sync engine.

Observers (:meth:`Outbox.subscribe`) get an :class:`OutboxCounts` after every change, on the thread
that made it; a Qt UI re-emits it through a queued signal.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from app.store.cache import apply_local_edit, put_contact_in
from app.store.database import LocalStore
from app.store.drafts import discard_in
from app.store.schema import (
    DispositionRow,
    OutboxKind,
    OutboxRow,
    OutboxState,
    StatusChangeRow,
    utcnow,
)
from app.sync.items import OutboxCounts, OutboxItem, Saved
from app.wire.contacts import ContactOut, ContactPatch
from app.wire.dispositions import DispositionIn
from app.wire.statuses import StatusChangeIn


class DuplicateDispositionError(ValueError):
    """A different disposition was already saved for this call by this operator."""


def _json(model: BaseModel) -> str:
    return model.model_dump_json()


class Outbox:
    """Saving records for delivery, and the bookkeeping the pump does on them."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._listeners: list[Callable[[OutboxCounts], None]] = []
        with store.reading() as session:
            rows = session.execute(select(OutboxRow.state, func.count()).group_by(OutboxRow.state))
            counts: dict[str, int] = {state: count for state, count in rows.all()}
        self._counts = OutboxCounts(counts.get("pending", 0), counts.get("parked", 0))

    # ------------------------------------------------------------------ what the UI calls
    def add_disposition(self, disposition: DispositionIn) -> Saved:
        """Save the disposition, queue it, and drop the call's draft, in one transaction.

        Saving the same disposition again for a call returns the first :class:`Saved` (a double click
        never makes two); a different one for the same call and operator raises
        :class:`DuplicateDispositionError`."""
        payload = _json(disposition)
        with self._store.transaction() as session:
            existing = session.scalars(
                select(DispositionRow).where(
                    DispositionRow.call_id == disposition.call_id,
                    DispositionRow.operator == disposition.operator,
                )
            ).first()
            if existing is not None:
                if existing.payload != payload:
                    raise DuplicateDispositionError(
                        f"call {disposition.call_id!r} already has a disposition ({existing.code})"
                    )
                row = session.scalars(select(OutboxRow).where(OutboxRow.key == existing.key)).one()
                return Saved(uuid.UUID(existing.key), row.id, existing.saved_at)
            key = str(uuid.uuid4())
            now = utcnow()
            session.add(
                DispositionRow(
                    key=key,
                    call_id=disposition.call_id,
                    operator=disposition.operator,
                    code=disposition.code,
                    payload=payload,
                    saved_at=now,
                )
            )
            discard_in(session, disposition.call_id)
            saved = self._queue(
                session, OutboxKind.DISPOSITION, f"disposition:{disposition.operator}", payload, key, now=now
            )
        self._changed(pending=+1)
        return saved

    def add_status_change(self, change: StatusChangeIn) -> Saved:
        """Save a status change with its original time (``change.at``) and queue it."""
        key = str(uuid.uuid4())
        payload = _json(change)
        with self._store.transaction() as session:
            session.add(
                StatusChangeRow(
                    key=key,
                    operator=change.operator,
                    status=change.status.value,
                    reason=change.reason,
                    at=change.at,
                )
            )
            saved = self._queue(session, OutboxKind.STATUS, f"status:{change.operator}", payload, key)
        self._changed(pending=+1)
        return saved

    def add_contact_edit(
        self, contact_id: int, patch: ContactPatch, *, base_version: int | None = None
    ) -> Saved:
        """Queue an edit of a contact and show it in the cached contact at once.

        ``base_version`` is the version the operator edited (the ``If-Match``); by default the cached
        contact's version. Edits of one contact are sent in order, each on the version the previous
        one produced."""
        key = str(uuid.uuid4())
        payload = patch.model_dump_json()
        with self._store.transaction() as session:
            cached_version = apply_local_edit(session, contact_id, patch)
            version = base_version if base_version is not None else cached_version
            if version is None:
                raise ValueError(
                    f"contact {contact_id} is not cached: pass the version edited as base_version"
                )
            saved = self._queue(
                session,
                OutboxKind.CONTACT_EDIT,
                f"contact:{contact_id}",
                payload,
                key,
                target=str(contact_id),
                if_match=version,
            )
        self._changed(pending=+1)
        return saved

    def counts(self) -> OutboxCounts:
        return self._counts

    def parked(self) -> list[OutboxItem]:
        """Items the server refused for good, oldest first, with the reason."""
        return self._items(OutboxState.PARKED)

    def pending(self) -> list[OutboxItem]:
        return self._items(OutboxState.PENDING)

    def requeue(self, item_id: int, payload: BaseModel | None = None) -> None:
        """Send a parked item again, optionally corrected (same key: a refused request did not use it
        up on the server). It goes back to its stream's queue in its original place."""
        with self._store.transaction() as session:
            row = session.get(OutboxRow, item_id)
            if row is None or row.state != OutboxState.PARKED.value:
                raise ValueError(f"outbox item {item_id} is not parked")
            if payload is not None:
                row.payload = _json(payload)
                if row.kind == OutboxKind.DISPOSITION.value:
                    session.execute(
                        update(DispositionRow)
                        .where(DispositionRow.key == row.key)
                        .values(payload=row.payload)
                    )
            row.state = OutboxState.PENDING.value
            row.finished_at = None
        self._changed(pending=+1, parked=-1)

    def subscribe(self, listener: Callable[[OutboxCounts], None]) -> Callable[[], None]:
        """Call ``listener`` with the counts after each change; returns the function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    # ------------------------------------------------------------------ what the pump calls
    def pending_streams(self) -> list[str]:
        """Streams with something to send, the one with the oldest item first."""
        with self._store.reading() as session:
            rows = session.execute(
                select(OutboxRow.stream, func.min(OutboxRow.id))
                .where(OutboxRow.state == OutboxState.PENDING.value)
                .group_by(OutboxRow.stream)
                .order_by(func.min(OutboxRow.id))
            ).all()
            return [stream for stream, _ in rows]

    def head(self, stream: str, limit: int = 1) -> list[OutboxItem]:
        """The next ``limit`` items of ``stream`` in send order."""
        with self._store.reading() as session:
            rows = session.scalars(
                select(OutboxRow)
                .where(OutboxRow.state == OutboxState.PENDING.value, OutboxRow.stream == stream)
                .order_by(OutboxRow.id)
                .limit(limit)
            ).all()
            return [OutboxItem.of(row) for row in rows]

    def note_attempt(self, item_id: int, error: str | None, http_status: int | None = None) -> None:
        """Count a failed attempt and remember why (for support; the item stays pending)."""
        with self._store.transaction(durable=False) as session:
            session.connection().execute(
                update(OutboxRow)
                .where(OutboxRow.id == item_id)
                .values(
                    attempts=OutboxRow.attempts + 1,
                    last_attempt_at=utcnow(),
                    last_error=error,
                    http_status=http_status,
                )
            )

    def mark_delivered(
        self, item: OutboxItem, server_ref: str | None, contact: ContactOut | None = None
    ) -> None:
        """The server holds the item: record its id on the local record, in one transaction (not
        fsynced: if a power cut undoes it, the item is sent again and the server answers with a
        replay)."""
        with self._store.transaction(durable=False) as session:
            connection = session.connection()
            changed = _finish(
                connection,
                item,
                OutboxState.DELIVERED,
                server_ref=server_ref,
                http_status=None,
                last_error=None,
            )
            if not changed:
                return
            server_id = int(server_ref) if server_ref is not None and server_ref.isdigit() else None
            if item.kind is OutboxKind.DISPOSITION:
                connection.execute(
                    update(DispositionRow).where(DispositionRow.key == item.key).values(server_id=server_id)
                )
            elif item.kind is OutboxKind.STATUS:
                connection.execute(
                    update(StatusChangeRow).where(StatusChangeRow.key == item.key).values(server_id=server_id)
                )
            elif contact is not None:
                self._contact_saved(session, item, contact)
        self._changed(pending=-1)

    def mark_parked(self, item: OutboxItem, reason: str, http_status: int | None) -> None:
        """The server refused the item for good: keep it aside for the operator."""
        with self._store.transaction() as session:
            changed = _finish(
                session.connection(), item, OutboxState.PARKED, last_error=reason, http_status=http_status
            )
        if changed:
            self._changed(pending=-1, parked=+1)

    # ------------------------------------------------------------------ internals
    def _queue(
        self,
        session: Session,
        kind: OutboxKind,
        stream: str,
        payload: str,
        key: str,
        *,
        now: datetime | None = None,
        target: str | None = None,
        if_match: int | None = None,
    ) -> Saved:
        now = now or utcnow()
        row = OutboxRow(
            key=key,
            kind=kind.value,
            stream=stream,
            payload=payload,
            target=target,
            if_match=if_match,
            state=OutboxState.PENDING.value,
            attempts=0,
            created_at=now,
        )
        session.add(row)
        session.flush()
        return Saved(uuid.UUID(key), row.id, now)

    def _contact_saved(self, session: Session, item: OutboxItem, contact: ContactOut) -> None:
        """A contact edit landed: later edits of the contact now apply on the new version, and the cache
        shows the server's contact with those later edits on top."""
        later = session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.state == OutboxState.PENDING.value,
                OutboxRow.stream == item.stream,
                OutboxRow.id > item.id,
            )
            .order_by(OutboxRow.id)
        ).all()
        put_contact_in(session, contact)
        for row in later:
            if row.if_match == item.if_match:
                row.if_match = contact.version
            apply_local_edit(session, contact.id, ContactPatch.model_validate(json.loads(row.payload)))

    def _items(self, state: OutboxState) -> list[OutboxItem]:
        with self._store.reading() as session:
            rows = session.scalars(
                select(OutboxRow).where(OutboxRow.state == state.value).order_by(OutboxRow.id)
            )
            return [OutboxItem.of(row) for row in rows]

    def _changed(self, *, pending: int = 0, parked: int = 0) -> None:
        with self._lock:
            self._counts = OutboxCounts(self._counts.pending + pending, self._counts.parked + parked)
            counts, listeners = self._counts, list(self._listeners)
        for listener in listeners:
            listener(counts)


def _finish(connection: Connection, item: OutboxItem, state: OutboxState, **values: Any) -> bool:
    """Move a pending item to ``state`` (delivered or parked), counting the attempt; whether it was
    still pending. A Core statement on the session's connection: the ORM's DML bookkeeping is pure
    cost here, and this runs once per delivered item."""
    now = utcnow()
    result = connection.execute(
        update(OutboxRow)
        .where(OutboxRow.id == item.id, OutboxRow.state == OutboxState.PENDING.value)
        .values(
            state=state.value, attempts=OutboxRow.attempts + 1, finished_at=now, last_attempt_at=now, **values
        )
    )
    return bool(result.rowcount)
