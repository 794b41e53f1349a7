"""Dispositions: what happened on a call, as the operator recorded it. Kept forever."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CALL_ID_MAX, CODE_MAX
from server.models.base import EMPTY_JSON_OBJECT, SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow


class Disposition(Base):
    """One disposition. ``idempotency_key`` (the client's UUID from the ``Idempotency-Key`` header)
    is unique forever: operator PCs may replay a disposition after days offline, and a replay must
    return the first result. ``request_hash`` (SHA-256 of the canonical request body) tells a replay
    (same hash) from a different request reusing the key (422).

    The columns follow ``app.wire.dispositions.DispositionIn``: what the wire requires is NOT NULL here.
    The script is referenced by value, not by foreign key: a disposition recorded offline is never
    rejected because a script changed meanwhile.
    """

    __tablename__ = "dispositions"
    __table_args__ = (
        Index("ix_dispositions_operator_id_end_at", "operator_id", "end_at"),
        Index("ix_dispositions_contact_id_end_at", "contact_id", "end_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    idempotency_key: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    call_id: Mapped[str] = mapped_column(String(CALL_ID_MAX), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    queue: Mapped[str | None] = mapped_column(String(CODE_MAX))
    ring_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acw_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Seconds on hold during the call (NULL: the desktop did not report it; KPIs count 0).
    hold_seconds: Mapped[int | None] = mapped_column(Integer)
    script_id: Mapped[str | None] = mapped_column(String(CODE_MAX))
    script_version: Mapped[int | None] = mapped_column(Integer)
    script_answers: Mapped[dict[str, Any]] = mapped_column(
        JSONDoc, default=dict, server_default=EMPTY_JSON_OBJECT
    )
    code: Mapped[str] = mapped_column(ForeignKey("disposition_codes.code"), index=True)
    #: Empty when the operator wrote none (``app.wire.dispositions.DispositionIn.comment``).
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    #: ``inbound`` / ``outbound`` (NULL: a desktop that did not say); for an outbound call the number
    #: dialled, E.164 (the CRM registers outbound calls from these: ``server.crm.outbox``).
    direction: Mapped[str | None] = mapped_column(String(8))
    number: Mapped[str | None] = mapped_column(String(16))
