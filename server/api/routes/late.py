"""``GET /audit/late``: the records accepted late (``server.api.lateness``), oldest note first.
Admins only: it is about every team, and tells which desktops replay outages or have wrong clocks.

``?since=&until=`` bound when the record arrived (``received_at``), ``operator=`` narrows to one
operator, ``limit`` caps the answer (default 1000)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from app.wire.common import UserName, UtcDatetime
from server.api.deps import AdminUser, SessionDep
from server.api.lateness import LATE_ACTION
from server.models import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


class LateRecord(BaseModel):
    """One record accepted more than ``late_record_minutes`` after its own time."""

    kind: Literal["status", "disposition"]
    id: int
    """The status change's or disposition's id."""
    operator: str
    at: datetime
    """The record's own time (a status change's ``at``; a disposition's end of ACW, or of the call)."""
    received_at: datetime
    late_seconds: int
    sent_by: str | None
    """Who sent it: the operator's desktop, or a team lead or admin acting for them."""


@router.get("/late", responses={403: {"description": "admins only"}})
def read_late(
    *,
    _admin: AdminUser,
    session: SessionDep,
    operator: UserName | None = None,
    since: Annotated[UtcDatetime | None, Query()] = None,
    until: Annotated[UtcDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[LateRecord]:
    """The late-record notes, in the order they were written."""
    query = select(AuditEntry).where(AuditEntry.action == LATE_ACTION).order_by(AuditEntry.id).limit(limit)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if operator is not None:
        query = query.where(AuditEntry.details["operator"].as_string() == operator)
    notes = []
    for row in session.scalars(query):
        details = row.details
        notes.append(
            LateRecord(
                kind=details["kind"],
                id=details["id"],
                operator=details["operator"],
                at=datetime.fromisoformat(details["at"]),
                received_at=row.at,
                late_seconds=details["late_seconds"],
                sent_by=row.actor_name,
            )
        )
    return notes
