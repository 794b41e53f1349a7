"""``/requests``: team-lead forces and operators' break requests (``app.wire.requests``).

* ``POST /requests`` kind ``force`` (team leads for their team, admins anyone): when the operator is
  free (not ``on_call`` or ``acw``) the status is set at once, as a ``team_lead`` change, and the
  request is ``applied``; otherwise it stays ``pending`` and the operator's desktop applies it after
  the call (Finesse). A newer force replaces an open one. Audited.
* ``POST /requests`` kind ``break`` (an operator, for themselves): only for a reason that needs
  approval (others are simply set with ``POST /statuses``); ``pending`` until a team lead decides.
* ``POST /requests/{id}/decision`` ``{"approve": bool}`` (team leads, admins): an approved break is
  applied at once when the operator is free, else by the desktop after the call. Audited.
* ``POST /requests/{id}/cancel``: the operator or a lead withdraws an open request.
* ``GET /requests?open=true``: operators their own, team leads their team's, admins all.
Every new or changed request is pushed to the team's board (``/statuses/live?requests=true``) and
to the operator's desktop (``/me/live``). A request is settled (``applied``) by the status change
that fulfils it (``server.crud.requests``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status

from app.wire.requests import DecisionIn, RequestKind, RequestState, StatusRequestIn, StatusRequestOut
from app.wire.statuses import StatusSource
from server.api.acting import acting_for, invalid
from server.api.context import get_context
from server.api.deps import AuditDep, CurrentUser, LeadOrAdmin, SessionDep, TeamScope
from server.api.schemas.common import BigIdPath
from server.api.status_events import announce_request, store_change
from server.crud import requests as crud
from server.crud.catalogue import get_reason
from server.models import Role, StatusRequest, User

router = APIRouter(prefix="/requests", tags=["requests"])


def _apply_now(request: Request, session: SessionDep, row: StatusRequest, operator: User, by: User) -> None:
    """Set the requested status now, as the team lead's change (it settles ``row``)."""
    store_change(
        get_context(request),
        session,
        operator=operator,
        status=row.status,
        reason=row.reason_code,
        at=datetime.now(UTC),
        source=StatusSource.TEAM_LEAD,
        changed_by=by,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={403: {"description": "force: team leads and admins, own team; break: own only"}},
)
def create_request(
    body: StatusRequestIn, user: CurrentUser, session: SessionDep, audit: AuditDep, request: Request
) -> StatusRequestOut:
    """Store a force or a break request (module notes)."""
    if body.kind is RequestKind.FORCE:
        if user.role is Role.OPERATOR:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only team leads and admins force a status")
        operator = acting_for(
            session,
            user,
            body.operator,
            own_only="",
            team_only="team leads force statuses in their own team only",
            active_only=True,
        )
        if operator.role is not Role.OPERATOR:
            raise invalid("operator", f"{body.operator!r} is not an operator")
    else:
        if body.operator != user.name:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "operators ask for their own breaks only")
        operator = user
    if body.reason is not None:
        reason = get_reason(session, code=body.reason)
        if reason is None or not reason.active:
            raise invalid("reason", f"{body.reason!r} is not an active not-ready reason")
        if reason.system:
            raise invalid("reason", f"{body.reason!r} is set by the desktop itself (system), never chosen")
        if body.kind is RequestKind.BREAK and not reason.needs_approval:
            raise invalid("reason", f"{body.reason!r} needs no approval: set it with POST /statuses")
    row, replaced = crud.create(
        session, operator=operator, kind=body.kind, status=body.status, reason=body.reason, by=user
    )
    context = get_context(request)
    for old in replaced:
        announce_request(context, session, old, operator.team_id)
    if body.kind is RequestKind.FORCE:
        audit(
            "status.force",
            target=f"user:{operator.id}",
            details={"operator": operator.name, "status": body.status.value, "reason": body.reason},
        )
        if crud.current_status(session, operator.id) not in crud.BUSY:
            _apply_now(request, session, row, operator, user)
    if row.state is not RequestState.APPLIED:  # an applied one was announced when it settled
        announce_request(context, session, row, operator.team_id)
    session.commit()
    return crud.out(session, row)


def _open_request(session: SessionDep, user: User, request_id: int) -> tuple[StatusRequest, User]:
    row = crud.get(session, request_id)
    operator = session.get(User, row.operator_id) if row is not None else None
    if row is None or operator is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such request")
    own = operator.id == user.id
    if not own and not TeamScope.of(user).allows(operator.team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such request")
    if not row.state.open:
        raise HTTPException(status.HTTP_409_CONFLICT, f"the request is already {row.state.value}")
    return row, operator


@router.post(
    "/{request_id}/decision",
    responses={404: {"description": "no such request (or not your team's)"}, 409: {"description": "decided"}},
)
def decide(
    *,
    request_id: BigIdPath,
    body: DecisionIn,
    user: LeadOrAdmin,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
) -> StatusRequestOut:
    """Approve or refuse a pending break request."""
    row, operator = _open_request(session, user, request_id)
    if row.kind is not RequestKind.BREAK or row.state is not RequestState.PENDING:
        raise HTTPException(status.HTTP_409_CONFLICT, "only a pending break request is approved or refused")
    crud.decide(session, row, state=RequestState.APPROVED if body.approve else RequestState.REFUSED, by=user)
    audit(
        "status.break_decision",
        target=f"user:{operator.id}",
        details={"request": row.id, "approve": body.approve, "reason": row.reason_code},
    )
    if body.approve and crud.current_status(session, operator.id) not in crud.BUSY:
        _apply_now(request, session, row, operator, user)
    if row.state not in (RequestState.APPLIED,):  # an applied one was announced when it settled
        announce_request(get_context(request), session, row, operator.team_id)
    session.commit()
    return crud.out(session, row)


@router.post("/{request_id}/cancel", responses={404: {"description": "no such request"}})
def cancel(
    request_id: BigIdPath, user: CurrentUser, session: SessionDep, request: Request
) -> StatusRequestOut:
    """Withdraw an open request (the operator, their team lead or an admin)."""
    row, operator = _open_request(session, user, request_id)
    crud.decide(session, row, state=RequestState.CANCELLED, by=user)
    announce_request(get_context(request), session, row, operator.team_id)
    session.commit()
    return crud.out(session, row)


@router.get("")
def read_requests(
    user: CurrentUser,
    session: SessionDep,
    open: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[StatusRequestOut]:
    """Requests newest first (module notes on who sees which)."""
    scope = TeamScope.of(user)
    if user.role is Role.OPERATOR:
        return list(
            crud.list_requests(session, team_ids=None, operator_id=user.id, open_only=open, limit=limit)
        )
    team_ids = None if scope.all_teams else scope.team_ids
    return list(crud.list_requests(session, team_ids=team_ids, operator_id=None, open_only=open, limit=limit))
