"""``/users``: admins create, list and deactivate users; team leads list their own team; everyone
reads ``/users/me``. Admin actions are audited."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from app.wire.auth import UserOut
from app.wire.common import UserName
from server.api.context import get_context
from server.api.deps import AdminUser, AuditDep, CurrentUser, LeadOrAdmin, SessionDep, SettingsDep, TeamScope
from server.api.schemas.common import UserIdPath
from server.api.schemas.users import RoutingIn, RoutingOut, UserCreate, user_out
from server.crud.users import (
    UserExistsError,
    create_user,
    deactivate_user,
    get_or_create_team,
    get_team_by_name,
    get_user,
    list_users,
)
from server.models import Role
from server.security import hash_password

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me")
def read_me(user: CurrentUser) -> UserOut:
    return user_out(user)


@router.get("")
def read_users(
    viewer: LeadOrAdmin, session: SessionDep, team: UserName | None = None, include_inactive: bool = True
) -> list[UserOut]:
    """Admins: every user, or one team's with ``?team=``. Team leads: their own team only."""
    team_id: int | None = None
    if viewer.role is Role.TEAM_LEAD:
        if team is not None and team != viewer.team_name:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads see the users of their own team only")
        if viewer.team_id is None:
            return []
        team_id = viewer.team_id
    elif team is not None:
        found = get_team_by_name(session, name=team)
        if found is None:
            return []
        team_id = found.id
    users = list_users(session, team_id=team_id, include_inactive=include_inactive)
    return [user_out(u) for u in users]


@router.get("/{user_id}", responses={404: {"description": "no such user (or not in your team)"}})
def read_user(user_id: UserIdPath, viewer: LeadOrAdmin, session: SessionDep) -> UserOut:
    user = get_user(session, user_id=user_id)
    if user is None or not TeamScope.of(viewer).allows(user.team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    return user_out(user)


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"description": "name taken"}})
def create_user_route(
    *,
    body: UserCreate,
    admin: AdminUser,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    response: Response,
) -> UserOut:
    password_hash = hash_password(settings, body.password)  # slow: before the transaction starts
    team = None
    if body.team is not None:
        team, created = get_or_create_team(session, name=body.team)
        if created:
            audit("team.create", target=f"team:{team.id}", details={"name": team.name})
    try:
        user = create_user(
            session,
            name=body.name,
            password_hash=password_hash,
            role=body.role,
            team=team,
        )
    except UserExistsError:
        raise HTTPException(status.HTTP_409_CONFLICT, "a user with this name already exists") from None
    audit(
        "user.create",
        target=f"user:{user.id}",
        details={"name": user.name, "role": user.role.value, "team": user.team_name},
    )
    session.commit()
    response.headers["Location"] = f"/users/{user.id}"
    return user_out(user)


@router.post("/{user_id}/deactivate", responses={404: {"description": "no such user"}})
def deactivate_user_route(
    user_id: UserIdPath, admin: AdminUser, session: SessionDep, audit: AuditDep, request: Request
) -> UserOut:
    """Deactivate a user: their tokens stop working at once. Repeating it changes nothing."""
    user = get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    if user.id == admin.id:
        raise HTTPException(status.HTTP_409_CONFLICT, "you cannot deactivate your own account")
    if user.active:
        deactivate_user(session, user=user)
        audit("user.deactivate", target=f"user:{user.id}", details={"name": user.name})
        session.commit()
        # this worker refuses them at once; the others within auth_cache_seconds for reads, at
        # once for dispositions (server.api.principal)
        get_context(request).principals.forget(user.id)
    return user_out(user)


@router.patch("/{user_id}/routing", responses={404: {"description": "no such user"}})
def set_routing(
    user_id: UserIdPath, body: RoutingIn, admin: AdminUser, session: SessionDep, audit: AuditDep
) -> RoutingOut:
    """Set where the PBX reaches the operator (``sip_uri``), the queues they answer and their shift
    target (admins; the routing endpoint and the KPIs read these)."""
    user = get_user(session, user_id=user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such user")
    changes = body.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(user, field, value)
    audit("user.routing", target=f"user:{user.id}", details={"name": user.name, **changes})
    session.commit()
    return RoutingOut(
        name=user.name, sip_uri=user.sip_uri, queues=user.queues, shift_target=user.shift_target
    )
