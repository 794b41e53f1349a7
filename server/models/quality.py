"""Scoring recorded calls (issue 18): evaluation forms and the evaluations scored on them.

A form's questions are one JSON document (``FormIn``'s sections). A form is frozen once an evaluation
refers to it (the API refuses to change it; it can only be retired), so each evaluation keeps the form
it was scored on without copying it. The score is stored as the server computed it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import LABEL_MAX
from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow


class EvaluationForm(Base):
    __tablename__ = "evaluation_forms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(LABEL_MAX))
    sections: Mapped[list[Any]] = mapped_column(JSONDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Evaluation(Base):
    """One recorded call scored by a lead (one evaluation per recording: a second is refused)."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("recording_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    recording_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("recordings.id"))
    form_id: Mapped[int] = mapped_column(ForeignKey("evaluation_forms.id"), index=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: When the scored call started (the recording's ``started_at``): the KPIs count it in that period.
    call_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    score: Mapped[float] = mapped_column(Float)
    critical_failed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
