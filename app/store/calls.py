"""The operator's own calls, as this workstation's phone saw them: the list behind "my recent calls"
and the times a disposition is filled from, available offline and after a restart."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from app.store.database import LocalStore
from app.store.schema import db_time, from_db_time, from_db_time_or_none


@dataclass(frozen=True)
class CallRecord:
    call_id: str
    ring_at: datetime
    direction: str | None = None
    remote: str | None = None
    """The other party's number as E.164 when known, else as signalled."""
    queue: str | None = None
    contact_id: int | None = None
    answer_at: datetime | None = None
    end_at: datetime | None = None


_COLUMNS = tuple(f.name for f in fields(CallRecord))
"""The ``calls`` table's columns, named like the record's fields (the only names put into SQL text)."""


class CallLog:
    """Upserts of calls as they progress (ring, answer, end) and the recent list."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def record(self, call: CallRecord, *, durable: bool = True) -> None:
        """Insert the call or update it with what is known now (fields left ``None`` stay as they were).
        ``durable=False``: no fsync (a power cut may undo the last lines: the log is a convenience)."""
        values: dict[str, Any] = {}
        for name in _COLUMNS:
            value = getattr(call, name)
            if value is not None:
                values[name] = db_time(value) if isinstance(value, datetime) else value
        updates = ", ".join(f"{name} = excluded.{name}" for name in values if name != "call_id")
        statement = (
            f"INSERT INTO calls ({', '.join(values)}) VALUES ({', '.join(':' + name for name in values)})"
            f" ON CONFLICT (call_id) DO {f'UPDATE SET {updates}' if updates else 'NOTHING'}"
        )
        with self._store.transaction(durable=durable) as db:
            db.execute(statement, values)

    def recent(self, limit: int = 50) -> list[CallRecord]:
        with self._store.reading() as db:
            rows = db.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM calls ORDER BY ring_at DESC LIMIT ?", (limit,)
            ).fetchall()
        return [
            CallRecord(
                call_id=r["call_id"],
                ring_at=from_db_time(r["ring_at"]),
                direction=r["direction"],
                remote=r["remote"],
                queue=r["queue"],
                contact_id=r["contact_id"],
                answer_at=from_db_time_or_none(r["answer_at"]),
                end_at=from_db_time_or_none(r["end_at"]),
            )
            for r in rows
        ]
