"""Call scripts: versioned documents, chosen by queue and contact segment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CODE_MAX, NAME_MAX, SHORT_MAX
from server.models.base import SQL_NOW, Base, JSONDoc, UTCDateTime, utcnow


class Script(Base):
    """One version of a script. ``(id, version)`` is the primary key; a new version is a new row,
    old versions stay (dispositions refer to them). ``document`` is the script as JSON (format in
    ``docs/scripts.md``), linted on upload."""

    __tablename__ = "scripts"
    __table_args__ = (
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_scripts_queue_segment", "queue", "segment"),
    )

    id: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    queue: Mapped[str | None] = mapped_column(String(CODE_MAX))
    segment: Mapped[str | None] = mapped_column(String(SHORT_MAX))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
