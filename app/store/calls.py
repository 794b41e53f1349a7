"""The operator's own calls, as this workstation's phone saw them: the list behind "my recent calls"
and the times a disposition is filled from, available offline and after a restart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from app.store.database import LocalStore
from app.store.schema import CallRow


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


class CallLog:
    """Upserts of calls as they progress (ring, answer, end) and the recent list."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store

    def record(self, call: CallRecord) -> None:
        """Insert the call or update it with what is known now (fields left ``None`` stay as they were)."""
        values = {k: v for k, v in call.__dict__.items() if v is not None}
        statement = insert(CallRow).values(**values)
        updates = {k: v for k, v in values.items() if k != "call_id"}
        with self._store.transaction() as session:
            session.execute(statement.on_conflict_do_update(index_elements=[CallRow.call_id], set_=updates))

    def recent(self, limit: int = 50) -> list[CallRecord]:
        with self._store.reading() as session:
            rows = session.scalars(select(CallRow).order_by(CallRow.ring_at.desc()).limit(limit)).all()
            return [
                CallRecord(
                    call_id=r.call_id,
                    ring_at=r.ring_at,
                    direction=r.direction,
                    remote=r.remote,
                    queue=r.queue,
                    contact_id=r.contact_id,
                    answer_at=r.answer_at,
                    end_at=r.end_at,
                )
                for r in rows
            ]
