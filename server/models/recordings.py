"""Call recordings: the metadata here, the audio in files outside the database (``server.recordings``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CALL_ID_MAX, CODE_MAX
from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow


class Recording(Base):
    """One call's recording by its operator. ``received`` grows with each chunk; ``stored_at`` is set
    once the whole file arrived with the SHA-256 announced, ``purged_at`` when retention deleted it."""

    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("operator_id", "call_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    call_id: Mapped[str] = mapped_column(String(CALL_ID_MAX))
    queue: Mapped[str | None] = mapped_column(String(CODE_MAX))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    pauses: Mapped[list[Any]] = mapped_column(JSONDoc)
    received: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
    stored: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    stored_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
