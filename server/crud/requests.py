"""Status requests: forces and break requests stored, decided, settled, listed.

A request is *settled* (``applied``) by the status change that fulfils it, whoever stores it: the
server itself when the operator is free, or the operator's desktop after the call. So the server never
trusts a desktop to report "done" separately, and a force that the desktop applied while offline is
settled when its queued change arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.wire.requests import RequestKind, RequestState, StatusRequestOut
from server.models import OperatorCurrentStatus, OperatorStatus, StatusRequest, User

BUSY = frozenset({OperatorStatus.ON_CALL, OperatorStatus.ACW})
"""Statuses a force or an approved break waits for the end of (Finesse: after the current call)."""
OPEN = (RequestState.PENDING, RequestState.APPROVED)


def current_status(session: Session, operator_id: int) -> OperatorStatus:
    status = session.scalar(
        select(OperatorCurrentStatus.status).where(OperatorCurrentStatus.operator_id == operator_id)
    )
    return status if status is not None else OperatorStatus.OFFLINE


def create(
    session: Session,
    *,
    operator: User,
    kind: RequestKind,
    status: OperatorStatus,
    reason: str | None,
    by: User,
) -> tuple[StatusRequest, list[StatusRequest]]:
    """Store a pending request; flushed. A new force cancels the operator's open forces (the newest
    wins), a new break request their open break requests. Returns it and the ones it cancelled."""
    now = datetime.now(UTC)
    replaced = list(
        session.scalars(
            select(StatusRequest).where(
                StatusRequest.operator_id == operator.id,
                StatusRequest.kind == kind,
                StatusRequest.state.in_(OPEN),
            )
        )
    )
    for old in replaced:
        old.state = RequestState.CANCELLED
        old.decided_by_id, old.decided_at = by.id, now
    row = StatusRequest(
        operator_id=operator.id,
        kind=kind,
        status=status,
        reason_code=reason,
        state=RequestState.PENDING,
        requested_by_id=by.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, replaced


def decide(session: Session, row: StatusRequest, *, state: RequestState, by: User) -> None:
    row.state = state
    row.decided_by_id = by.id
    row.decided_at = datetime.now(UTC)
    session.flush()


def settle(
    session: Session, *, operator_id: int, status: OperatorStatus, reason: str | None
) -> list[StatusRequest]:
    """Mark ``applied`` the open requests this status change fulfils (a pending force, an approved
    break with the same status and reason); flushed."""
    rows = list(
        session.scalars(
            select(StatusRequest).where(
                StatusRequest.operator_id == operator_id,
                StatusRequest.status == status,
                StatusRequest.state.in_(OPEN),
            )
        )
    )
    settled = []
    for row in rows:
        if row.reason_code != reason:
            continue
        if row.kind is RequestKind.BREAK and row.state is not RequestState.APPROVED:
            continue
        row.state = RequestState.APPLIED
        row.decided_at = row.decided_at or datetime.now(UTC)
        settled.append(row)
    session.flush()
    return settled


def approved_break(session: Session, *, operator_id: int, reason: str) -> StatusRequest | None:
    """The operator's approved, not yet applied break request for ``reason``, if any."""
    return session.scalars(
        select(StatusRequest).where(
            StatusRequest.operator_id == operator_id,
            StatusRequest.kind == RequestKind.BREAK,
            StatusRequest.reason_code == reason,
            StatusRequest.state == RequestState.APPROVED,
        )
    ).first()


def get(session: Session, request_id: int) -> StatusRequest | None:
    return session.get(StatusRequest, request_id)


def out(session: Session, row: StatusRequest) -> StatusRequestOut:
    names = {
        uid: name
        for uid, name in session.execute(
            select(User.id, User.name).where(
                User.id.in_({row.operator_id, row.requested_by_id, row.decided_by_id or row.operator_id})
            )
        )
    }
    return StatusRequestOut(
        id=row.id,
        operator=names[row.operator_id],
        kind=row.kind,
        status=row.status,
        reason=row.reason_code,
        state=row.state,
        requested_by=names[row.requested_by_id],
        created_at=row.created_at,
        decided_by=names.get(row.decided_by_id) if row.decided_by_id is not None else None,
        decided_at=row.decided_at,
    )


def list_requests(
    session: Session,
    *,
    team_ids: frozenset[int] | None,
    operator_id: int | None,
    open_only: bool,
    limit: int,
) -> Sequence[StatusRequestOut]:
    """Requests newest first: of one operator, or of every operator of ``team_ids`` (``None``: all)."""
    operator = aliased(User)
    requester = aliased(User)
    decider = aliased(User)
    query = (
        select(StatusRequest, operator.name, requester.name, decider.name)
        .join(operator, operator.id == StatusRequest.operator_id)
        .join(requester, requester.id == StatusRequest.requested_by_id)
        .outerjoin(decider, decider.id == StatusRequest.decided_by_id)
        .order_by(StatusRequest.id.desc())
        .limit(limit)
    )
    if team_ids is not None:
        query = query.where(operator.team_id.in_(team_ids))
    if operator_id is not None:
        query = query.where(StatusRequest.operator_id == operator_id)
    if open_only:
        query = query.where(StatusRequest.state.in_(OPEN))
    return [
        StatusRequestOut(
            id=row.id,
            operator=op_name,
            kind=row.kind,
            status=row.status,
            reason=row.reason_code,
            state=row.state,
            requested_by=by_name,
            created_at=row.created_at,
            decided_by=decided_name,
            decided_at=row.decided_at,
        )
        for row, op_name, by_name, decided_name in session.execute(query)
    ]
