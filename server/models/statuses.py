"""Operator statuses: every change (the raw events KPIs are derived from) and the current board."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import SQL_NOW, Base, BigIntPK, UTCDateTime, str_enum, utcnow
from server.models.enums import OperatorStatus, StatusSource

#: ``app.wire.statuses.check_reason`` as a constraint: a reason with ``not_ready``, and only there.
REASON_MATCHES_STATUS = f"(status = '{OperatorStatus.NOT_READY.value}') = (reason_code IS NOT NULL)"


class OperatorStatusChange(Base):
    """One status change, append-only (``app.wire.statuses.StatusChangeOut`` on the wire). ``at`` is
    when it happened (client clock, checked by the route); ``received_at`` when the server stored it.
    ``changed_by_id`` is the team lead for ``source=team_lead``.

    ``idempotency_key`` is the client's optional UUID (``Idempotency-Key`` header), unique forever like
    a disposition's: a desktop replaying its offline queue may send a change twice, and the replay
    returns the first result. ``request_hash`` (SHA-256 of the canonical body) tells a replay from a
    different change reusing the key. Both are NULL for a change sent without a key."""

    __tablename__ = "operator_status_changes"
    __table_args__ = (
        Index("ix_operator_status_changes_operator_id_at", "operator_id", "at"),
        CheckConstraint(REASON_MATCHES_STATUS, name="reason_matches_status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[OperatorStatus] = mapped_column(str_enum(OperatorStatus, "status"))
    reason_code: Mapped[str | None] = mapped_column(ForeignKey("not_ready_reasons.code"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[StatusSource] = mapped_column(str_enum(StatusSource, "source"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    idempotency_key: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))


class OperatorCurrentStatus(Base):
    """The latest status of each operator (one row per operator): what the team-lead board shows.

    ``offered_at`` and ``offered_change_id``: when ``GET /routing/next`` last offered the operator a
    call (server clock) and the status change that was current then. The offer reserves them while
    it is fresh and that change is still ``change_id`` (``server.crud.routing``). No foreign key:
    ``offered_change_id`` is only ever compared with ``change_id``."""

    __tablename__ = "operator_current_status"
    __table_args__ = (CheckConstraint(REASON_MATCHES_STATUS, name="reason_matches_status"),)

    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[OperatorStatus] = mapped_column(str_enum(OperatorStatus, "status"))
    reason_code: Mapped[str | None] = mapped_column(ForeignKey("not_ready_reasons.code"))
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[StatusSource] = mapped_column(str_enum(StatusSource, "source"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    change_id: Mapped[int | None] = mapped_column(ForeignKey("operator_status_changes.id"))
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offered_change_id: Mapped[int | None] = mapped_column(BigIntPK)


class DeskPresence(Base):
    """When an operator's desktop was last heard on ``/me/live`` (``server.presence``): refreshed while
    its connection is open, set when it closes, deleted when the silence made the operator not
    routable. No row: no desktop has announced itself (API-only clients are never swept)."""

    __tablename__ = "desk_presence"

    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
