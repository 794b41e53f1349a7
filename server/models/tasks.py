"""Calls and their outcomes, and the tasks (callbacks, web requests) operators work through.

``calls`` holds one row per inbound call (``call_id`` unique: every source's reports merge into it);
``tasks`` one per thing to do, ``task_attempts`` what happened to it so far. The vocabularies come
from ``app.wire.calls`` and ``app.wire.tasks``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.calls import DNIS_MAX, CallOutcome, MissedReason
from app.wire.common import CALL_ID_MAX, CODE_MAX, E164_MAX, USER_NAME_MAX
from app.wire.tasks import AttemptKind, RequestType, TaskKind, TaskState
from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, str_enum, utcnow


class Call(Base):
    """One inbound call, merged from every source's reports (``server.crud.calls``)."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_outcome_arrived_at", "outcome", "arrived_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(CALL_ID_MAX), unique=True)
    outcome: Mapped[CallOutcome] = mapped_column(str_enum(CallOutcome, "outcome"))
    missed_reason: Mapped[MissedReason | None] = mapped_column(str_enum(MissedReason, "missed_reason"))
    caller: Mapped[str | None] = mapped_column(String(E164_MAX), index=True)
    dnis: Mapped[str | None] = mapped_column(String(DNIS_MAX))
    queue: Mapped[str | None] = mapped_column(String(CODE_MAX))
    operator: Mapped[str | None] = mapped_column(String(USER_NAME_MAX))
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    wait_seconds: Mapped[float | None] = mapped_column(Float)
    #: The service level's N of the call's queue when it was last reported (``Settings.service_level_for``):
    #: the reports count an answer within it, so changing N later does not rewrite history.
    service_seconds: Mapped[int | None] = mapped_column(Integer)
    #: The sources that reported it, in order of first report (``["asterisk", "desktop"]``).
    sources: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )


WAITING = text("state IN ('open', 'not_reached')")
"""The tasks the queue offers (``server.crud.task_queue.WAITING``): the partial index covers them only."""


class Task(Base):
    """One callback or request. ``claimed_by_id``/``lease_until`` hold it for one operator while
    ``in_progress``; a lease that ran out makes it claimable again without any write."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_waiting", "priority", "due_at", "id", postgresql_where=WAITING, sqlite_where=WAITING),
        Index("ix_tasks_state_lease_until", "state", "lease_until"),
        Index("ix_tasks_phone_kind_state", "phone", "kind", "state"),
        Index("ix_tasks_owner_id_state", "owner_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[TaskKind] = mapped_column(str_enum(TaskKind, "kind", length=24))
    state: Mapped[TaskState] = mapped_column(str_enum(TaskState, "state"))
    phone: Mapped[str] = mapped_column(String(E164_MAX))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    queue: Mapped[str | None] = mapped_column(String(CODE_MAX))
    dnis: Mapped[str | None] = mapped_column(String(DNIS_MAX))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    #: Lower first; from the admin's rules (``server.crud.task_rules``): two steps per kind, night second.
    priority: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The client's zone when the task was made (contact's, else the number's); NULL: unknown.
    time_zone: Mapped[str | None] = mapped_column(String(CODE_MAX))
    request_type: Mapped[RequestType | None] = mapped_column(str_enum(RequestType, "request_type"))
    text: Mapped[str] = mapped_column(Text, default="", server_default="")
    source: Mapped[str | None] = mapped_column(String(CODE_MAX))
    idempotency_key: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    calls_made: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disposition_id: Mapped[int | None] = mapped_column(ForeignKey("dispositions.id", ondelete="SET NULL"))
    #: When its SLA clock started: when it fell due, or the centre's next opening if it was closed then.
    sla_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )


class TaskAttempt(Base):
    """One thing that happened to a task: the client calling again unanswered, or an operator's call."""

    __tablename__ = "task_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[AttemptKind] = mapped_column(str_enum(AttemptKind, "kind"))
    outcome: Mapped[str] = mapped_column(String(CODE_MAX))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Indexed (migration 0017): the reports find the task a call was made on, and its request type.
    call_id: Mapped[str | None] = mapped_column(String(CALL_ID_MAX), index=True)
    comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The desktop's ``Idempotency-Key`` of a result, so an outbox replay is stored once.
    idempotency_key: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)


class TaskRulesDoc(Base):
    """The admin's queue rules (``app.wire.task_rules.TaskRules``) as one JSON document; no row means
    the defaults."""

    __tablename__ = "task_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, server_default=SQL_NOW
    )
