"""The window for records from the past, and the note kept of late ones.

A desktop's outbox replays what it recorded while the server was out of reach, with the times the
things happened, so the server must take records from the past: but not from any past. A status
change or disposition older than ``record_max_age_days`` (by its earliest time: ``at``, the call's
``ring_at``) is refused with a 422 naming the limit; the desktop parks it for a person to look at.
That is the longest outage the outbox is meant to ride out, and it keeps KPI periods older than
that closed.

One accepted more than ``late_record_minutes`` after it could first have been sent (``at``; the end
of after-call work, or of the call) is noted in the audit log as ``record.late`` (kind, id,
operator, its time, how late), in the same transaction as the record: an outage replayed, or a
desktop whose clock is wrong. Admins read the notes at ``GET /audit/late``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.exceptions import RequestValidationError
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.wire.dispositions import DispositionIn
from server.api.acting import invalid
from server.api.deps import Audit
from server.models import AuditEntry
from server.settings import Settings

LATE_ACTION = "record.late"


def too_old(
    settings: Settings, field: str, at: datetime, *, now: datetime | None = None
) -> RequestValidationError | None:
    """The 422 for a record whose earliest time ``at`` is before the window, else ``None``."""
    days = settings.record_max_age_days
    if at >= (now or datetime.now(UTC)) - timedelta(days=days):
        return None
    return invalid(
        field,
        f"{at.isoformat()} is older than {days} days, the longest a desktop keeps records while "
        "offline: the record is refused so that closed periods stay closed (an admin can raise "
        "record_max_age_days on the server)",
    )


def disposition_too_old(settings: Settings, body: DispositionIn) -> RequestValidationError | None:
    return too_old(settings, "ring_at", body.ring_at)


def disposition_time(body: DispositionIn) -> datetime:
    """When a disposition could first have been sent: the end of after-call work, or of the call."""
    return body.acw_end_at or body.end_at


def late_note(
    settings: Settings,
    audit: Audit,
    *,
    kind: str,
    record_id: int,
    operator: str,
    at: datetime,
    received_at: datetime | None = None,
) -> dict[str, Any] | None:
    """The values of the ``record.late`` audit row for a record whose time ``at`` is more than the
    threshold before now (a batch inserts its notes in one statement); else ``None``."""
    received = received_at or datetime.now(UTC)
    late = received - at
    if late <= timedelta(minutes=settings.late_record_minutes):
        return None
    return {
        "at": received,
        "actor_id": audit.actor.id,
        "actor_name": audit.actor.name,
        "action": LATE_ACTION,
        "target": f"{kind}:{record_id}",
        "details": {
            "kind": kind,
            "id": record_id,
            "operator": operator,
            "at": at.isoformat(),
            "late_seconds": int(late.total_seconds()),
        },
        "client_ip": audit.client_ip,
    }


def note_if_late(
    settings: Settings, audit: Audit, *, kind: str, record_id: int, operator: str, at: datetime
) -> None:
    """Add the ``record.late`` row to the request's transaction when the record is late."""
    note = late_note(settings, audit, kind=kind, record_id=record_id, operator=operator, at=at)
    if note is not None:
        audit.session.add(AuditEntry(**note))


def add_notes(session: Session, notes: list[dict[str, Any]]) -> None:
    """Insert many :func:`late_note` rows in one statement."""
    if notes:
        session.execute(insert(AuditEntry), notes)
