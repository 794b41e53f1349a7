"""The audit log: who did what to what, when. Append-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import USER_NAME_MAX
from server.models.base import EMPTY_JSON_OBJECT, SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow


class AuditEntry(Base):
    """One audited action. ``actor_name`` is kept verbatim so the row reads well on its own;
    ``actor_id`` is NULL for actions by the system or the command line."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str | None] = mapped_column(String(USER_NAME_MAX))
    #: Dotted verb, e.g. ``user.create``, ``auth.login_failed``, ``status.force``.
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: What was acted on, as ``kind:id`` (``user:12``, ``contact:345``), or NULL.
    target: Mapped[str | None] = mapped_column(String(128), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict, server_default=EMPTY_JSON_OBJECT)
    client_ip: Mapped[str | None] = mapped_column(String(45))
