"""Outgoing webhooks (issue 19): the endpoints admins register, the events the server's changes
produce (an outbox written in the same transaction as the change), and one delivery per event and
endpoint, worked by ``server.webhooks.delivery``.

``webhook_deliveries.state``: ``pending`` (due at ``next_at``), ``delivering`` (claimed by a worker
until ``lease_until``: one that died gives it back by letting the lease run out), ``delivered``,
``failed`` (attempts used up; an admin may replay it).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow

URL_MAX = 2048
EVENT_TYPE_MAX = 32

DUE = text("state IN ('pending', 'delivering')")
"""The deliveries a worker may claim: the partial index covers only them (delivered ones pile up)."""


class WebhookEndpoint(Base):
    """A URL an admin registered, the event types it wants and the secret its deliveries are signed
    with (kept in clear: the server must sign with it; it is shown once, when made)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    #: Event type names (``["disposition.stored", "call.ended"]``).
    events: Mapped[list[Any]] = mapped_column(JSONDoc)
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )


class WebhookEvent(Base):
    """Something that happened, as the JSON ``data`` every subscribed endpoint receives."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    type: Mapped[str] = mapped_column(String(EVENT_TYPE_MAX))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookDelivery(Base):
    """One event for one endpoint: its state, attempts and the last answer (the delivery log)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(
            "ix_webhook_deliveries_due",
            "endpoint_id",
            "next_at",
            postgresql_where=DUE,
            sqlite_where=DUE,
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    #: ``Ringdesk-Delivery``: the same on every attempt and replay, so receivers can de-duplicate.
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_duration_ms: Mapped[int | None] = mapped_column(Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
