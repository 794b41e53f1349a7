"""Chain versions and runs: what the admin API (``/chains``) and the CLI (``ringdesk-server chain``)
read and change, and their JSON shapes.

A stored version never changes (runs name ``(id, version)``): uploading a version again with the same
document is a no-op, with another document a conflict. New runs start from the latest active version
of each chain; disabling a chain deactivates all its versions (no new runs) and stops its runs in
flight; enabling it again reactivates its versions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from app.scripts.lint import Message
from server.chains import lint as chain_lint
from server.chains.definition import Chain, build
from server.crud.contacts import field_schema
from server.models import ChainDefinition, ChainMessage, ChainRun, ChainStep, DispositionCode, User, utcnow

RUN_STATES = ("running", "done", "stopped", "failed")


class LintMessage(BaseModel):
    path: str
    line: int | None
    severity: str
    text: str


class ChainSummary(BaseModel):
    id: str
    version: int
    name: str
    active: bool
    trigger: dict[str, Any]
    created_at: datetime


class ChainVersion(ChainSummary):
    document: dict[str, Any]


class RunOut(BaseModel):
    id: int
    chain_id: str
    chain_version: int
    contact_id: int | None
    state: str
    reason: str | None
    steps_taken: int
    started_at: datetime
    ended_at: datetime | None
    next_step: str | None
    next_due_at: datetime | None


class Conflict(Exception):
    """This version is stored with another document: upload it as a new version."""


class Invalid(Exception):
    def __init__(self, messages: list[Message]) -> None:
        super().__init__("; ".join(m.format() for m in messages))
        self.messages = messages


def catalogue(session: Session) -> chain_lint.Catalogue:
    codes = session.scalars(select(DispositionCode.code).where(DispositionCode.active.is_(True)))
    return chain_lint.Catalogue(
        custom_fields=frozenset(f.key for f in field_schema(session)), dispositions=frozenset(codes)
    )


def lint_messages(messages: Sequence[Message]) -> list[LintMessage]:
    return [
        LintMessage(path=chain_lint.dotted(m.path), line=m.line, severity=m.severity, text=m.text)
        for m in messages
    ]


def summary(row: ChainDefinition) -> ChainSummary:
    return ChainSummary(
        id=row.id,
        version=row.version,
        name=row.name,
        active=row.active,
        trigger=dict(row.document.get("trigger") or {}),
        created_at=row.created_at,
    )


def version_out(row: ChainDefinition) -> ChainVersion:
    return ChainVersion(**summary(row).model_dump(), document=row.document)


def store(
    session: Session,
    document: Mapping[str, Any],
    *,
    by: User | None,
    lines: Any = None,
    source: str = "document",
) -> tuple[ChainDefinition, bool, list[Message]]:
    """Lint ``document`` against the server's catalogue and store it as a new version: ``(row, new,
    warnings)``; :class:`Invalid` with every error, :class:`Conflict` when the version holds another
    document. Flushed, not committed."""
    messages = chain_lint.lint(document, lines, source, catalogue(session))
    if chain_lint.errors(messages):
        raise Invalid(chain_lint.errors(messages))
    chain = build(document)
    existing = session.get(ChainDefinition, (chain.id, chain.version))
    if existing is not None:
        if existing.document != dict(document):
            raise Conflict(
                f"version {chain.version} of chain {chain.id!r} is stored with another document and cannot "
                "change: upload it as a new version"
            )
        return existing, False, messages
    active = session.scalar(
        select(ChainDefinition.active)
        .where(ChainDefinition.id == chain.id)
        .order_by(ChainDefinition.version.desc())
        .limit(1)
    )
    row = ChainDefinition(
        id=chain.id,
        version=chain.version,
        name=chain.name,
        document=dict(document),
        active=True if active is None else active,
        created_by_id=by.id if by is not None else None,
    )
    session.add(row)
    session.flush()
    return row, True, messages


def _latest_ids(active_only: bool) -> Any:
    query = select(ChainDefinition.id, func.max(ChainDefinition.version).label("version")).group_by(
        ChainDefinition.id
    )
    if active_only:
        query = query.where(ChainDefinition.active.is_(True))
    return query.subquery()


def latest(session: Session, *, active_only: bool = False) -> list[ChainDefinition]:
    """The newest version of every chain (``active_only``: of the chains that start runs)."""
    newest = _latest_ids(active_only)
    return list(
        session.scalars(
            select(ChainDefinition)
            .join(
                newest, and_(ChainDefinition.id == newest.c.id, ChainDefinition.version == newest.c.version)
            )
            .order_by(ChainDefinition.id)
        )
    )


def active_chains(session: Session) -> list[Chain]:
    return [build(row.document) for row in latest(session, active_only=True)]


def versions(session: Session, chain_id: str) -> list[ChainDefinition]:
    return list(
        session.scalars(
            select(ChainDefinition).where(ChainDefinition.id == chain_id).order_by(ChainDefinition.version)
        )
    )


def get_version(session: Session, chain_id: str, version: int | None = None) -> ChainDefinition | None:
    if version is not None:
        return session.get(ChainDefinition, (chain_id, version))
    rows = versions(session, chain_id)
    return rows[-1] if rows else None


def set_active(session: Session, chain_id: str, active: bool) -> int:
    """Enable or disable every version of a chain; disabling stops its runs in flight. The number
    of versions changed (0: no such chain). Flushed."""
    done = session.execute(
        update(ChainDefinition).where(ChainDefinition.id == chain_id).values(active=active)
    )
    if not active:
        stop_runs(session, ChainRun.chain_id == chain_id, reason="the chain was disabled")
    session.flush()
    return int(done.rowcount)  # type: ignore[attr-defined]


def stop_runs(session: Session, *where: Any, reason: str) -> int:
    """Stop the running runs matching ``where`` and cancel their pending steps (a step being sent
    right now finishes its send; its run is stopped, so nothing follows it). Flushed."""
    now = utcnow()
    ids = list(
        session.scalars(select(ChainRun.id).where(ChainRun.state == "running", *where).with_for_update())
    )
    if not ids:
        return 0
    session.execute(
        update(ChainRun).where(ChainRun.id.in_(ids)).values(state="stopped", reason=reason, ended_at=now)
    )
    session.execute(
        update(ChainStep)
        .where(ChainStep.run_id.in_(ids), ChainStep.state == "pending")
        .values(state="cancelled", finished_at=now, last_error=reason)
    )
    session.flush()
    return len(ids)


def runs(
    session: Session,
    *,
    chain_id: str | None = None,
    contact_id: int | None = None,
    state: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[RunOut]:
    query = select(ChainRun).order_by(ChainRun.id.desc()).limit(limit)
    if chain_id is not None:
        query = query.where(ChainRun.chain_id == chain_id)
    if contact_id is not None:
        query = query.where(ChainRun.contact_id == contact_id)
    if state is not None:
        query = query.where(ChainRun.state == state)
    if before_id is not None:
        query = query.where(ChainRun.id < before_id)
    rows = list(session.scalars(query))
    open_steps = {
        step.run_id: step
        for step in session.scalars(
            select(ChainStep).where(
                ChainStep.run_id.in_([r.id for r in rows]), ChainStep.state.in_(("pending", "working"))
            )
        )
    }
    return [
        RunOut(
            id=r.id,
            chain_id=r.chain_id,
            chain_version=r.chain_version,
            contact_id=r.contact_id,
            state=r.state,
            reason=r.reason,
            steps_taken=r.steps_taken,
            started_at=r.started_at,
            ended_at=r.ended_at,
            next_step=open_steps[r.id].step if r.id in open_steps else None,
            next_due_at=open_steps[r.id].due_at if r.id in open_steps else None,
        )
        for r in rows
    ]


def messages_of(session: Session, contact_id: int, *, limit: int = 50) -> list[ChainMessage]:
    return list(
        session.scalars(
            select(ChainMessage)
            .where(ChainMessage.contact_id == contact_id)
            .order_by(ChainMessage.created_at.desc(), ChainMessage.id.desc())
            .limit(limit)
        )
    )
