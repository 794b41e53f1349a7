"""Status requests (team-lead forces, break requests) and the board's colour thresholds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CATALOGUE_CODE_MAX
from server.models.base import SQL_NOW, Base, BigIntPK, UTCDateTime, str_enum, utcnow
from server.models.enums import OperatorStatus, RequestKind, RequestState
from server.models.statuses import REASON_MATCHES_STATUS


class StatusRequest(Base):
    """One force or break request (``app.wire.requests.StatusRequestOut`` on the wire). Kept after it
    is settled: the history of who forced what, and of breaks refused, is what leads get asked about."""

    __tablename__ = "status_requests"
    __table_args__ = (
        Index("ix_status_requests_operator_id_state", "operator_id", "state"),
        CheckConstraint(REASON_MATCHES_STATUS, name="reason_matches_status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind, "kind"))
    status: Mapped[OperatorStatus] = mapped_column(str_enum(OperatorStatus, "status"))
    reason_code: Mapped[str | None] = mapped_column(ForeignKey("not_ready_reasons.code"))
    state: Mapped[RequestState] = mapped_column(str_enum(RequestState, "state"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class BoardThreshold(Base):
    """Colour thresholds for time in a status (``app.wire.statuses.Threshold``), keyed by reason
    code or status."""

    __tablename__ = "board_thresholds"
    __table_args__ = (
        CheckConstraint("amber_minutes >= 1 AND red_minutes >= amber_minutes", name="amber_before_red"),
    )

    key: Mapped[str] = mapped_column(String(CATALOGUE_CODE_MAX), primary_key=True)
    amber_minutes: Mapped[int] = mapped_column(Integer)
    red_minutes: Mapped[int] = mapped_column(Integer)
