"""What the operator is told about records the server did not accept (issue 14: never silently).

A parked outbox item is kept, never sent again by itself and never deleted: the operator must know it
is there, why, and be able to send it again once the cause is fixed. :func:`refused_records` reads the
parked items as :class:`RefusedRecord` values: what the record was (a call result, a status change, a
contact edit, with what identifies it), when it was saved, why it was refused as a :class:`Why` the
UI puts in words, and the server's own sentence for support. Qt-free; ``ui/refused_notice.py`` shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from app.store.schema import OutboxKind
from app.sync.items import OutboxItem


class Why(StrEnum):
    """Why the server did not accept a record, in the operator's terms (from the HTTP status)."""

    INVALID = "invalid"
    """400, 422: the record breaks a rule (a retired code, a value out of range)."""
    NOT_ALLOWED = "not_allowed"
    """401, 403, 404: not this operator's to send, or what it refers to is gone."""
    CONFLICT = "conflict"
    """409, 412: someone else changed the same thing meanwhile."""
    TOO_LARGE = "too_large"
    """413: bigger than the server takes."""
    SERVER_FAILED = "server_failed"
    """5xx: the server failed on this record again and again (a poison record, ``app.sync.pump``)."""
    OTHER = "other"


def why(http_status: int | None) -> Why:
    """The :class:`Why` of a refusal answered with ``http_status`` (``None``: no answer to go by)."""
    if http_status in (400, 422):
        return Why.INVALID
    if http_status in (401, 403, 404):
        return Why.NOT_ALLOWED
    if http_status in (409, 412):
        return Why.CONFLICT
    if http_status == 413:
        return Why.TOO_LARGE
    if http_status is not None and http_status >= 500:
        return Why.SERVER_FAILED
    return Why.OTHER


@dataclass(frozen=True)
class RefusedRecord:
    item_id: int
    """The outbox item (for :meth:`app.sync.outbox.Outbox.requeue`)."""
    kind: OutboxKind
    saved_at: datetime
    why: Why
    server_says: str
    """The server's sentence (English, outside text: shown as plain text), or the pump's."""
    code: str | None = None
    """A call result's disposition code (the UI shows its label)."""
    call_id: str | None = None
    """A call result's call (outside text)."""
    status: str | None = None
    """A status change's status, and its not-ready ``reason``."""
    reason: str | None = None
    contact_id: str | None = None
    """A contact edit's contact."""


class ParkedSource(Protocol):
    def parked(self) -> list[OutboxItem]: ...


def refused_records(outbox: ParkedSource) -> list[RefusedRecord]:
    """Every parked record, oldest first."""
    return [_record(item) for item in outbox.parked()]


def _record(item: OutboxItem) -> RefusedRecord:
    try:
        payload = json.loads(item.payload)
    except ValueError:
        payload = None
    fields = payload if isinstance(payload, dict) else {}

    def text(name: str) -> str | None:
        value = fields.get(name)
        return str(value) if value is not None else None

    return RefusedRecord(
        item_id=item.id,
        kind=item.kind,
        saved_at=item.created_at,
        why=why(item.http_status),
        server_says=item.last_error or "",
        code=text("code") if item.kind is OutboxKind.DISPOSITION else None,
        call_id=text("call_id") if item.kind is OutboxKind.DISPOSITION else None,
        status=text("status") if item.kind is OutboxKind.STATUS else None,
        reason=text("reason") if item.kind is OutboxKind.STATUS else None,
        contact_id=item.target if item.kind is OutboxKind.CONTACT_EDIT else None,
    )
