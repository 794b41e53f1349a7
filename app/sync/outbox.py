"""The outbox: every disposition, status change and contact edit is saved with its outbox item in one
transaction, under a UUID that the server uses as the ``Idempotency-Key``.

When ``add_*`` returns the record is durable (WAL, ``synchronous=FULL``) and will reach the server
exactly once, whatever happens to the process, the network or the server: the pump sends it until
the server confirms it, and a resend after a lost answer is recognised by its key. The UI says
"saved" only after ``add_*`` returns.

Items belong to a *stream* (``disposition:<operator>``, ``status:<operator>``, ``contact:<id>``,
``task:<id>``) and
are delivered one after another within it, in the order they were saved. An item the server refuses
for good is *parked*: kept, counted, shown to the operator, and sent again only when they ask
(:meth:`Outbox.requeue`). Nothing is ever deleted by the sync engine.

Observers (:meth:`Outbox.subscribe`) get an :class:`OutboxCounts` after every change, on the thread
that made it; a Qt UI re-emits it through a queued signal.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import datetime

from app.store.cache import apply_local_edit, put_contact_in
from app.store.database import LocalStore
from app.store.drafts import discard_in
from app.store.schema import OutboxKind, OutboxState, db_time, from_db_time, utcnow
from app.sync.items import OutboxCounts, OutboxItem, Saved
from app.wire.calls import CallReportIn
from app.wire.contacts import ContactOut, ContactPatch
from app.wire.dispositions import DispositionIn
from app.wire.recordings import RecordingIn
from app.wire.schema import BaseModel
from app.wire.statuses import StatusChangeIn
from app.wire.tasks import ResultIn

_PENDING = OutboxState.PENDING.value
_PARKED = OutboxState.PARKED.value


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
        self._parked_listeners: list[Callable[[OutboxItem, str, int | None], None]] = []
        with store.reading() as db:
            rows = db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
        counts: dict[str, int] = {state: count for state, count in rows}
        self._counts = OutboxCounts(counts.get(_PENDING, 0), counts.get(_PARKED, 0))

    # ------------------------------------------------------------------ what the UI calls
    def add_disposition(self, disposition: DispositionIn) -> Saved:
        """Save the disposition, queue it, and drop the call's draft, in one transaction.

        Saving the same disposition again for a call returns the first :class:`Saved` (a double click
        never makes two); a different one for the same call and operator raises
        :class:`DuplicateDispositionError`."""
        payload = _json(disposition)
        with self._store.transaction() as db:
            existing = db.execute(
                "SELECT d.key, d.code, d.payload, d.saved_at, o.id AS outbox_id"
                " FROM dispositions AS d LEFT JOIN outbox AS o ON o.key = d.key"
                " WHERE d.call_id = ? AND d.operator = ? ORDER BY d.id LIMIT 1",
                (disposition.call_id, disposition.operator),
            ).fetchone()
            if existing is not None:
                if existing["payload"] != payload:
                    raise DuplicateDispositionError(
                        f"call {disposition.call_id!r} already has a disposition ({existing['code']})"
                    )
                if existing["outbox_id"] is None:  # saved together, never deleted: a damaged file
                    raise RuntimeError(f"the disposition {existing['key']} has no outbox item")
                return Saved(
                    uuid.UUID(existing["key"]), existing["outbox_id"], from_db_time(existing["saved_at"])
                )
            key = str(uuid.uuid4())
            now = utcnow()
            db.execute(
                "INSERT INTO dispositions (key, call_id, operator, code, payload, saved_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (key, disposition.call_id, disposition.operator, disposition.code, payload, db_time(now)),
            )
            discard_in(db, disposition.call_id)
            saved = _queue(
                db, OutboxKind.DISPOSITION, f"disposition:{disposition.operator}", payload, key, now=now
            )
        self._changed(pending=+1)
        return saved

    def add_status_change(self, change: StatusChangeIn) -> Saved:
        """Save a status change with its original time (``change.at``) and queue it."""
        key = str(uuid.uuid4())
        payload = _json(change)
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO status_changes (key, operator, status, reason, at) VALUES (?, ?, ?, ?, ?)",
                (key, change.operator, change.status.value, change.reason, db_time(change.at)),
            )
            saved = _queue(db, OutboxKind.STATUS, f"status:{change.operator}", payload, key, now=utcnow())
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
        with self._store.transaction() as db:
            cached_version = apply_local_edit(db, contact_id, patch)
            version = base_version if base_version is not None else cached_version
            if version is None:
                raise ValueError(
                    f"contact {contact_id} is not cached: pass the version edited as base_version"
                )
            saved = _queue(
                db,
                OutboxKind.CONTACT_EDIT,
                f"contact:{contact_id}",
                payload,
                key,
                now=utcnow(),
                target=str(contact_id),
                if_match=version,
            )
        self._changed(pending=+1)
        return saved

    def add_task_result(self, task_id: int, result: ResultIn) -> Saved:
        """Queue what came of working task ``task_id``: it reaches the server exactly once (its key is
        the ``Idempotency-Key``), also when the server is away now or the desktop is killed."""
        key = str(uuid.uuid4())
        with self._store.transaction() as db:
            saved = _queue(
                db,
                OutboxKind.TASK_RESULT,
                f"task:{task_id}",
                _json(result),
                key,
                now=utcnow(),
                target=str(task_id),
            )
        self._changed(pending=+1)
        return saved

    def add_call_report(self, report: CallReportIn) -> Saved:
        """Queue what an inbound call did at this desktop (the server merges it by ``call_id``, so a
        resend changes nothing)."""
        key = str(uuid.uuid4())
        with self._store.transaction() as db:
            saved = _queue(
                db, OutboxKind.CALL_REPORT, f"call:{report.call_id}", _json(report), key, now=utcnow()
            )
        self._changed(pending=+1)
        return saved

    def add_recording(self, operator: str, recording: RecordingIn, path: str) -> Saved:
        """Queue a finished call recording (the file at ``path``) for upload in its own stream
        (``recording:<operator>``), so a long upload never holds up dispositions or statuses. The
        server knows a recording by operator and call, so a resend continues the same upload."""
        key = str(uuid.uuid4())
        with self._store.transaction() as db:
            saved = _queue(
                db,
                OutboxKind.RECORDING,
                f"recording:{operator}",
                _json(recording),
                key,
                now=utcnow(),
                target=path,
            )
        self._changed(pending=+1)
        return saved

    def task_result_pending(self, task_id: int) -> bool:
        """Whether a result of task ``task_id`` is saved here and not yet at the server (which then
        still holds the task for this operator)."""
        with self._store.reading() as db:
            row = db.execute(
                "SELECT 1 FROM outbox WHERE state = ? AND stream = ? LIMIT 1", (_PENDING, f"task:{task_id}")
            ).fetchone()
        return row is not None

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
        body = None if payload is None else _json(payload)
        with self._store.transaction() as db:
            row = db.execute("SELECT key, kind, state FROM outbox WHERE id = ?", (item_id,)).fetchone()
            if row is None or row["state"] != _PARKED:
                raise ValueError(f"outbox item {item_id} is not parked")
            if body is not None:
                db.execute("UPDATE outbox SET payload = ? WHERE id = ?", (body, item_id))
                if row["kind"] == OutboxKind.DISPOSITION.value:
                    db.execute("UPDATE dispositions SET payload = ? WHERE key = ?", (body, row["key"]))
            db.execute("UPDATE outbox SET state = ?, finished_at = NULL WHERE id = ?", (_PENDING, item_id))
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

    def subscribe_parked(self, listener: Callable[[OutboxItem, str, int | None], None]) -> Callable[[], None]:
        """Call ``listener(item, reason, http_status)`` when the server refuses an item for good (on
        the pump's thread), so whatever the item changed on screen can be undone and explained;
        returns the function that unsubscribes."""
        with self._lock:
            self._parked_listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._parked_listeners:
                    self._parked_listeners.remove(listener)

        return unsubscribe

    # ------------------------------------------------------------------ what the pump calls
    def pending_streams(self) -> list[str]:
        """Streams with something to send, the one with the oldest item first."""
        with self._store.reading() as db:
            rows = db.execute(
                "SELECT stream FROM outbox WHERE state = ? GROUP BY stream ORDER BY min(id)", (_PENDING,)
            ).fetchall()
        return [stream for (stream,) in rows]

    def head(self, stream: str, limit: int = 1) -> list[OutboxItem]:
        """The next ``limit`` items of ``stream`` in send order."""
        with self._store.reading() as db:
            rows = db.execute(
                f"SELECT {OutboxItem.COLUMNS} FROM outbox WHERE state = ? AND stream = ? ORDER BY id LIMIT ?",
                (_PENDING, stream, limit),
            ).fetchall()
        return [OutboxItem.of(row) for row in rows]

    def note_attempt(self, item_id: int, error: str | None, http_status: int | None = None) -> None:
        """Count a failed attempt and remember why (for support; the item stays pending)."""
        with self._store.transaction(durable=False) as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?,"
                " http_status = ? WHERE id = ?",
                (db_time(utcnow()), error, http_status, item_id),
            )

    def mark_delivered(
        self, item: OutboxItem, server_ref: str | None, contact: ContactOut | None = None
    ) -> None:
        """The server holds the item: record its id on the local record, in one transaction (not
        fsynced: if a power cut undoes it, the item is sent again and the server answers with a
        replay)."""
        with self._store.transaction(durable=False) as db:
            changed = _finish(db, item, OutboxState.DELIVERED, server_ref=server_ref)
            if not changed:
                return
            server_id = int(server_ref) if server_ref is not None and server_ref.isdigit() else None
            if item.kind is OutboxKind.DISPOSITION:
                db.execute("UPDATE dispositions SET server_id = ? WHERE key = ?", (server_id, item.key))
            elif item.kind is OutboxKind.STATUS:
                db.execute("UPDATE status_changes SET server_id = ? WHERE key = ?", (server_id, item.key))
            elif contact is not None:
                _contact_saved(db, item, contact)
        self._changed(pending=-1)

    def mark_parked(self, item: OutboxItem, reason: str, http_status: int | None) -> None:
        """The server refused the item for good: keep it aside for the operator."""
        with self._store.transaction() as db:
            changed = _finish(db, item, OutboxState.PARKED, last_error=reason, http_status=http_status)
        if changed:
            self._changed(pending=-1, parked=+1)
            with self._lock:
                listeners = list(self._parked_listeners)
            for listener in listeners:
                listener(item, reason, http_status)

    # ------------------------------------------------------------------ internals
    def _items(self, state: OutboxState) -> list[OutboxItem]:
        with self._store.reading() as db:
            rows = db.execute(
                f"SELECT {OutboxItem.COLUMNS} FROM outbox WHERE state = ? ORDER BY id", (state.value,)
            ).fetchall()
        return [OutboxItem.of(row) for row in rows]

    def _changed(self, *, pending: int = 0, parked: int = 0) -> None:
        with self._lock:
            self._counts = OutboxCounts(self._counts.pending + pending, self._counts.parked + parked)
            counts, listeners = self._counts, list(self._listeners)
        for listener in listeners:
            listener(counts)


def _queue(
    db: sqlite3.Connection,
    kind: OutboxKind,
    stream: str,
    payload: str,
    key: str,
    *,
    now: datetime,
    target: str | None = None,
    if_match: int | None = None,
) -> Saved:
    """Add the outbox item of a record inside the record's transaction."""
    cursor = db.execute(
        "INSERT INTO outbox (key, kind, stream, payload, target, if_match, state, attempts, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
        (key, kind.value, stream, payload, target, if_match, _PENDING, db_time(now)),
    )
    assert cursor.lastrowid is not None
    return Saved(uuid.UUID(key), cursor.lastrowid, now)


def _contact_saved(db: sqlite3.Connection, item: OutboxItem, contact: ContactOut) -> None:
    """A contact edit landed: later edits of the contact now apply on the new version, and the cache
    shows the server's contact with those later edits on top."""
    later = db.execute(
        "SELECT id, if_match, payload FROM outbox WHERE state = ? AND stream = ? AND id > ? ORDER BY id",
        (_PENDING, item.stream, item.id),
    ).fetchall()
    put_contact_in(db, contact)
    for row in later:
        if row["if_match"] == item.if_match:
            db.execute("UPDATE outbox SET if_match = ? WHERE id = ?", (contact.version, row["id"]))
        apply_local_edit(db, contact.id, ContactPatch.model_validate(json.loads(row["payload"])))


def _finish(
    db: sqlite3.Connection,
    item: OutboxItem,
    state: OutboxState,
    *,
    server_ref: str | None = None,
    last_error: str | None = None,
    http_status: int | None = None,
) -> bool:
    """Move a pending item to ``state`` (delivered or parked), counting the attempt; whether it was
    still pending. One statement: this runs once per delivered item. A delivered item forgets the
    last failure; ``server_ref`` is only ever set (a pending item has none to keep)."""
    now = db_time(utcnow())
    cursor = db.execute(
        "UPDATE outbox SET state = ?, attempts = attempts + 1, finished_at = ?, last_attempt_at = ?,"
        " server_ref = coalesce(?, server_ref), last_error = ?, http_status = ?"
        " WHERE id = ? AND state = ?",
        (state.value, now, now, server_ref, last_error, http_status, item.id, _PENDING),
    )
    return cursor.rowcount > 0
