"""What the running desktop needs to know about the local database's values, without SQLAlchemy: the
outbox's states and kinds, and how times are written.

The tables themselves are defined (for the migrations and the tests only) in :mod:`app.store.tables`.

Times: SQLite has no time zones, so an aware datetime is stored as naive UTC text
``YYYY-MM-DD HH:MM:SS.ffffff``, always with the six microsecond digits. That is byte for byte what
SQLAlchemy's SQLite ``DateTime`` wrote before the desktop dropped it, so databases written then are read
and extended without a migration, and the text sorts in time order (``ORDER BY ring_at`` is right).
The conversion is explicit (:func:`db_time`, :func:`from_db_time`), never through :mod:`sqlite3`'s
global adapters: the default one drops ``.000000`` when the microseconds are zero, and 3.12
deprecates them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    return datetime.now(UTC)


def db_time(value: datetime) -> str:
    """``value`` as stored: naive UTC text with microseconds. Naive input is refused, since whether it
    meant local time or UTC cannot be known."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store aware times only")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def db_time_or_none(value: datetime | None) -> str | None:
    return None if value is None else db_time(value)


def from_db_time(text: str) -> datetime:
    """A stored time read back aware (UTC). Lenient like SQLAlchemy's reader (any ISO form, with or
    without microseconds), since rows may predate this module."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def from_db_time_or_none(text: str | None) -> datetime | None:
    return None if text is None else from_db_time(text)


class OutboxState(StrEnum):
    """Where an outbox item is. ``sending`` is not a state: an item being sent is still ``pending``
    in the database, so a crash mid-send simply sends it again (the server de-duplicates by key)."""

    PENDING = "pending"
    """Saved, not yet confirmed by the server."""
    DELIVERED = "delivered"
    """The server confirmed it (first answer or an idempotent replay)."""
    PARKED = "parked"
    """The server refused it in a way retrying cannot fix; kept, shown to the operator, never dropped."""


class OutboxKind(StrEnum):
    DISPOSITION = "disposition"
    STATUS = "status"
    CONTACT_EDIT = "contact_edit"
    TASK_RESULT = "task_result"
    """What came of working a task (``/tasks/{id}/result``); ``target`` is the task id."""
    CALL_REPORT = "call_report"
    """What an inbound call did at this desktop (``/calls/desktop``, ``app.tasks.outcomes``)."""
    RECORDING = "recording"
    """A call's recording (``/recordings``, chunked); ``target`` is the local file's path."""
