"""The local database's tables as SQLAlchemy models: what the Alembic migrations are written against and
checked with, never imported by the running desktop (SQLAlchemy costs it ~18 MB; the runtime store is
plain :mod:`sqlite3`, see :mod:`app.store.database`).

Payloads that travel to the server are kept as the exact JSON that will be sent (``payload``): what
the operator saved is what the server gets, byte for byte, however the wire models evolve between
the save and the send. Times are stored as naive UTC (:class:`UtcDateTime`; the runtime store writes
and reads the same text through :func:`app.store.schema.db_time`).

Migrations in ``app/store/migrations`` must produce exactly these tables, and the SQL of the runtime
store must fit them; tests check both (``tests/sync/test_store.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.schema import OutboxState, utcnow


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC (SQLite has no time zones); naive input is refused."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class OutboxRow(Base):
    """One record waiting for (or having had) delivery. ``id`` order is send order within a stream."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)
    """The UUID sent as ``Idempotency-Key``: chosen once at save time, never changed."""
    kind: Mapped[str] = mapped_column(String(32))
    stream: Mapped[str] = mapped_column(String(128))
    """Items of one stream are delivered one after another in ``id`` order (per operator, per contact)."""
    payload: Mapped[str] = mapped_column(Text)
    """The request body as JSON, exactly as it will be sent."""
    target: Mapped[str | None] = mapped_column(String(64), default=None)
    """What the request addresses beyond its kind: the contact id of a contact edit."""
    if_match: Mapped[int | None] = mapped_column(Integer, default=None)
    """For a contact edit: the contact version it was made on (moves forward as earlier edits land)."""
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    """Why the last attempt failed or why it is parked (English, for the operator and support)."""
    http_status: Mapped[int | None] = mapped_column(Integer, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    """When it was delivered or parked."""
    server_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    """The server's id for the record (disposition or status id; the new version of a contact)."""

    __table_args__ = (Index("ix_outbox_state_stream", "state", "stream", "id"),)


class DispositionRow(Base):
    """The operator's own dispositions: the local record, saved with its outbox item."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)
    call_id: Mapped[str] = mapped_column(String(255), index=True)
    operator: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    server_id: Mapped[int | None] = mapped_column(Integer, default=None)


class StatusChangeRow(Base):
    """The operator's status changes as made here, with their original times."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)
    operator: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32), default=None)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    server_id: Mapped[int | None] = mapped_column(Integer, default=None)


class DraftRow(Base):
    """A disposition form as the operator is filling it in, one per call."""

    __tablename__ = "drafts"

    call_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    form: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CallRow(Base):
    """A call this workstation handled (from the phone's events), for the operator's own history."""

    __tablename__ = "calls"

    call_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    direction: Mapped[str | None] = mapped_column(String(16), default=None)
    remote: Mapped[str | None] = mapped_column(String(64), default=None)
    queue: Mapped[str | None] = mapped_column(String(64), default=None)
    contact_id: Mapped[int | None] = mapped_column(Integer, default=None)
    ring_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    end_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)


class ContactRow(Base):
    """A contact as last seen from the server (``ContactOut`` JSON), with local edits applied."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    """The server version the data is based on (the ``If-Match`` of the next edit)."""
    data: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContactPhoneRow(Base):
    """Index of cached contacts by E.164 number, so a known caller pops up offline."""

    __tablename__ = "contact_phones"

    e164: Mapped[str] = mapped_column(String(16), primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, index=True)


class DocumentRow(Base):
    """A cached server document: the catalogue of a queue, a script version, a script choice."""

    __tablename__ = "documents"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
