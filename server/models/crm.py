"""The CRM the centre already has (issue 19, docs/integrations.md): its connection, and the outbox of
what ringdesk owes it.

``crm_connections``: one row per CRM kind (``bitrix24``) with its settings as JSON, the webhook URL
with its token among them (kept in clear like a webhook's signing secret: the server must send it;
shown masked, never logged).

``crm_jobs``: one row per thing the CRM must learn, keyed by ``(kind, key)``: a call (``call``,
its ringdesk call id) or a contact created in ringdesk (``contact``, its id). ``data`` holds the
facts, merged in the transaction of each change that adds one (a call's start, its end, its
disposition, its recording); ``progress`` what the CRM already has (its call id, ``finished``,
``recording``), written after each step it acknowledged, so no step is sent twice. ``revision``
counts the merges: a worker that finished with an older revision leaves the job due again.

``state``: ``pending`` (due at ``next_at``), ``working`` (claimed until ``lease_until``),
``waiting`` (all known facts sent; a later fact makes it ``pending``), ``done``, ``failed``
(attempts used up or refused by the CRM; ``ringdesk-server crm retry`` queues it again).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow

DUE = text("state IN ('pending', 'working')")


class CrmConnection(Base):
    __tablename__ = "crm_connections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), unique=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )


class CrmJob(Base):
    __tablename__ = "crm_jobs"
    __table_args__ = (
        UniqueConstraint("crm", "kind", "key"),
        Index("ix_crm_jobs_due", "next_at", postgresql_where=DUE, sqlite_where=DUE),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    crm: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    progress: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )
