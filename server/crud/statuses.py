"""Operator statuses: every change stored (append-only), the current status moved forward, the board
and the history.

The current-status row is written with one ``INSERT ... ON CONFLICT (operator_id) DO UPDATE ...
WHERE current.since <= new.since`` (SQLite and PostgreSQL both have it): atomic, so two changes of
one operator at once cannot both "win", and a change replayed late (an offline desktop catching up)
lands in the history without overwriting a newer current status. Equal times: the later stored wins.

A change sent with an ``Idempotency-Key`` stores the key and ``request_hash`` (SHA-256 of the
validated body as canonical JSON), as dispositions do (``server.crud.dispositions``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from app.wire.statuses import (
    BoardRow,
    OperatorStatus,
    StatusChangeIn,
    StatusChangeOut,
    StatusSource,
    routable,
    threshold_key,
)
from server.crud.catalogue import reason_out
from server.models import (
    BoardThreshold,
    NotReadyReason,
    OperatorCurrentStatus,
    OperatorStatusChange,
    Role,
    Team,
    User,
)


def request_hash(body: StatusChangeIn) -> str:
    """The body's fingerprint for replays; a change naming no force hashes as before ``request``
    existed, so a queue saved by an older desktop still replays."""
    dump = body.model_dump(mode="json")
    if dump.get("request") is None:
        dump.pop("request", None)
    canonical = json.dumps(dump, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def get_by_key(session: Session, *, key: uuid.UUID) -> OperatorStatusChange | None:
    return session.scalars(
        select(OperatorStatusChange).where(OperatorStatusChange.idempotency_key == key)
    ).one_or_none()


def record_change(
    session: Session,
    *,
    operator: User,
    status: OperatorStatus,
    reason: str | None,
    at: datetime,
    source: StatusSource,
    changed_by: User | None,
    key: uuid.UUID | None = None,
    body_hash: str | None = None,
) -> tuple[OperatorStatusChange, bool]:
    """Store a change and move the operator's current status to it if it is not older than the
    current one; flushed, not committed. The flag says whether it became the current status.
    A ``key`` already stored raises ``IntegrityError`` at the first flush, before the current
    status is touched."""
    change = OperatorStatusChange(
        operator_id=operator.id,
        status=status,
        reason_code=reason,
        at=at,
        source=source,
        changed_by_id=changed_by.id if changed_by is not None else None,
        idempotency_key=key,
        request_hash=body_hash,
    )
    session.add(change)
    session.flush()

    values: dict[str, Any] = {
        "operator_id": operator.id,
        "status": status,
        "reason_code": reason,
        "since": at,
        "source": source,
        "changed_by_id": change.changed_by_id,
        "change_id": change.id,
    }
    table = OperatorCurrentStatus.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    update = {key: insert.excluded[key] for key in values if key != "operator_id"}
    statement = insert.values(values).on_conflict_do_update(
        index_elements=[table.c.operator_id],
        set_=update,
        where=table.c.since <= insert.excluded.since,
    )
    session.execute(statement)
    current = session.scalar(
        select(OperatorCurrentStatus.change_id).where(OperatorCurrentStatus.operator_id == operator.id)
    )
    return change, current == change.id


def change_out(row: OperatorStatusChange, operator: str, by: str | None) -> StatusChangeOut:
    return StatusChangeOut(
        id=row.id,
        operator=operator,
        status=row.status,
        reason=row.reason_code,
        at=row.at,
        source=row.source,
        by=by,
        received_at=row.received_at,
    )


def board(session: Session, *, team_ids: frozenset[int] | None) -> list[BoardRow]:
    """The current status of every active operator of ``team_ids`` (``None``: every team), by team
    and login. An operator who never sent a status shows as ``offline`` since their account was made
    (source ``system``)."""
    query = (
        select(User, Team.name, OperatorCurrentStatus, NotReadyReason)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(OperatorCurrentStatus, OperatorCurrentStatus.operator_id == User.id)
        .outerjoin(NotReadyReason, NotReadyReason.code == OperatorCurrentStatus.reason_code)
        .where(User.role == Role.OPERATOR, User.active.is_(True))
        .order_by(Team.name, User.name)
    )
    if team_ids is not None:
        query = query.where(User.team_id.in_(team_ids))
    thresholds = {t.key: t for t in session.scalars(select(BoardThreshold))}
    rows: list[BoardRow] = []
    for user, team, current, reason in session.execute(query):
        if current is None:
            rows.append(
                BoardRow(
                    operator=user.name,
                    team=team,
                    status=OperatorStatus.OFFLINE,
                    since=user.created_at,
                    source=StatusSource.SYSTEM,
                )
            )
            continue
        wire_reason = reason_out(reason) if reason is not None else None
        threshold = thresholds.get(threshold_key(current.status, current.reason_code))
        rows.append(
            BoardRow(
                operator=user.name,
                team=team,
                status=current.status,
                reason=current.reason_code,
                since=current.since,
                source=current.source,
                routable=routable(current.status, wire_reason),
                max_minutes=wire_reason.max_minutes if wire_reason is not None else None,
                amber_minutes=threshold.amber_minutes if threshold is not None else None,
                red_minutes=threshold.red_minutes if threshold is not None else None,
            )
        )
    return rows


def history(
    session: Session,
    *,
    operator_id: int | None,
    team_ids: frozenset[int] | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> list[StatusChangeOut]:
    """Status changes in time order (then storage order): of one operator, or of every user of
    ``team_ids`` (``None``: everyone); ``since`` inclusive, ``until`` exclusive."""
    operator = aliased(User)
    changer = aliased(User)
    query = (
        select(OperatorStatusChange, operator.name, changer.name)
        .join(operator, operator.id == OperatorStatusChange.operator_id)
        .outerjoin(changer, changer.id == OperatorStatusChange.changed_by_id)
        .order_by(OperatorStatusChange.at, OperatorStatusChange.id)
        .limit(limit)
    )
    conditions: list[ColumnElement[bool]] = []
    if operator_id is not None:
        conditions.append(OperatorStatusChange.operator_id == operator_id)
    if team_ids is not None:
        conditions.append(operator.team_id.in_(team_ids))
    if since is not None:
        conditions.append(OperatorStatusChange.at >= since)
    if until is not None:
        conditions.append(OperatorStatusChange.at < until)
    if conditions:
        query = query.where(*conditions)
    return [change_out(row, name, by) for row, name, by in session.execute(query)]
