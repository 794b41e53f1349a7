"""Communication chains (issue 19, docs/chains.md): the versioned definitions, the runs they start,
the steps due (the durable queue the chain worker claims from) and the messages sent.

``chain_steps.state``: ``pending`` (due at ``due_at``), ``working`` (claimed by a worker until
``lease_until``: one that died gives it back by letting the lease run out), ``done``, ``cancelled``
(its run stopped), ``failed`` (attempts used up). A run has at most one step that is not finished:
the next is added in the transaction that finishes the current one.

``chain_messages``: one per sending step (``step_row_id`` unique), made with its ``uid`` (the
idempotency key, the e-mail's Message-ID, the SMS provider's reference) *before* the first attempt,
so every retry, also after a kill -9 between the send and its record, carries the same key.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, Uuid, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CODE_MAX, NAME_MAX
from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, UTCDateTime, utcnow

STEP_DUE = text("state IN ('pending', 'working')")
"""The steps a worker may claim: the partial index covers only them (finished ones pile up)."""
RECIPIENT_MAX = 320
SOURCE_KEY_MAX = 160


class ChainDefinition(Base):
    """One version of a chain; ``(id, version)`` is the key, a stored version never changes (runs
    name it). New runs start from the latest active version."""

    __tablename__ = "chains"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    id: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class ChainRun(Base):
    """One chain started for one client by one trigger."""

    __tablename__ = "chain_runs"
    __table_args__ = (Index("ix_chain_runs_contact_id_state", "contact_id", "state"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    chain_id: Mapped[str] = mapped_column(String(CODE_MAX))
    chain_version: Mapped[int] = mapped_column(Integer)
    #: What started it, once per chain (``disposition:42``): a replayed trigger starts nothing.
    source_key: Mapped[str] = mapped_column(String(SOURCE_KEY_MAX), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(32))
    #: What the templates read as ``trigger.*`` (code, queue, comment, operator, call_id, outcome).
    trigger: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    #: ``running``, ``done`` (reached a stop), ``stopped`` (consent withdrawn, chain disabled),
    #: ``failed`` (a step's attempts used up, a message that cannot be made).
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    steps_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChainStep(Base):
    """A step of a run, due at ``due_at`` (module notes)."""

    __tablename__ = "chain_steps"
    __table_args__ = (
        Index("ix_chain_steps_due", "due_at", postgresql_where=STEP_DUE, sqlite_where=STEP_DUE),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("chain_runs.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(CODE_MAX))
    state: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChainMessage(Base):
    """An e-mail or SMS a step sends (or skipped, and why), with its delivery status: the card's
    history shows them."""

    __tablename__ = "chain_messages"
    __table_args__ = (Index("ix_chain_messages_contact_id_created_at", "contact_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    uid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("chain_runs.id", ondelete="CASCADE"), index=True)
    step_row_id: Mapped[int] = mapped_column(ForeignKey("chain_steps.id", ondelete="CASCADE"), unique=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(8))
    provider: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_MAX))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    #: ``queued`` (made, not yet accepted by the provider), ``sent`` (accepted), ``delivered``,
    #: ``undelivered`` (the delivery report said so), ``failed`` (attempts used up), ``skipped``.
    state: Mapped[str] = mapped_column(String(16))
    provider_ref: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the last attempt was handed to the provider, until its outcome is recorded: still set
    #: when the step is claimed again means the worker died (or its lease ran out) mid-send, and the
    #: message is *in doubt* (``server.chains.in_doubt``).
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
