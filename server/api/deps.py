"""Typed dependencies for routes. Use the ``Annotated`` aliases as parameter types::

    @router.post("/things")
    def create_thing(body: ThingIn, session: SessionDep, lead: LeadOrAdmin, audit: AuditDep) -> ThingOut:
        ...
        audit("thing.create", target=f"thing:{thing.id}", details={"name": thing.name})
        session.commit()

* ``SessionDep``: a database session for this request, in a database slot
  (``server.api.admission``). Nothing is committed for you: call ``session.commit()`` once the
  work (and its audit row) is complete; an exception rolls back.
  Do slow CPU work (password hashing, parsing a big upload) before the first query or after the
  commit: on SQLite an open transaction holds the database's write lock.
* ``DatabaseSlot``: the slot alone, for a sync route that opens its own session or connection.
* ``CurrentUser``: the authenticated, active user (401 otherwise).
* ``require_role(Role.X, ...)``: a guard (403 for other roles); ``AdminUser``, ``LeadOrAdmin`` and
  ``AnyUser`` are the common ones.
* ``TeamScopeDep``: which teams the user may see and act on (admins: all; leads: their team).
* ``AuditDep``: writes an audit row as the current user from the client's address.
* ``authenticate(...)``: the same token check for WebSocket routes (token from a header or the
  first message).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from server.api.caches import Person
from server.api.context import get_context
from server.audit import record_audit
from server.models import AuditEntry, Role, User
from server.ratelimit import Throttle
from server.security import InvalidTokenError, decode_access_token
from server.settings import Settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request, inside a database slot (``server.api.admission``). ``async``, so
    it costs no thread-pool hop to open (a session opens no connection until first used) and none
    to close after a commit (the connection went back to the pool then); only a session still in a
    transaction (a read, an error) is closed in the thread pool, since that sends a ROLLBACK."""
    context = get_context(request)
    async with context.admission.slot():
        session = context.database.sessions()
        try:
            yield session
        finally:
            if session.in_transaction():
                await run_in_threadpool(session.close)
            else:
                session.close()


async def database_slot(conn: HTTPConnection) -> AsyncIterator[None]:
    """A database slot held while a sync route that opens its own session runs. Declare it
    *instead of* ``SessionDep``, never beside it, and after ``CurrentPrincipal`` (which takes a slot
    of its own to read a caller missing from the cache): one request holds one slot at a time."""
    async with get_context(conn).admission.slot():
        yield


async def get_settings(conn: HTTPConnection) -> Settings:
    return get_context(conn).settings


async def get_login_throttle(request: Request) -> Throttle:
    return get_context(request).login_throttle


def client_address(conn: HTTPConnection) -> str:
    """The client's address (behind a trusted proxy: from X-Forwarded-For, resolved by uvicorn)."""
    return conn.client.host if conn.client is not None else "unknown"


async def client_ip(conn: HTTPConnection) -> str:
    """:func:`client_address` as a dependency (``async``: no thread-pool hop)."""
    return client_address(conn)


SessionDep = Annotated[Session, Depends(get_session)]
DatabaseSlot = Annotated[None, Depends(database_slot)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
LoginThrottleDep = Annotated[Throttle, Depends(get_login_throttle)]
ClientIP = Annotated[str, Depends(client_ip)]

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /auth/login")


def authenticate(session: Session, settings: Settings, token: str) -> User:
    """The active user an access token belongs to; :class:`InvalidTokenError` otherwise."""
    claims = decode_access_token(settings, token)
    user = session.get(User, claims.user_id)
    if user is None:
        raise InvalidTokenError("invalid access token")
    if not user.active:
        raise InvalidTokenError("this account is deactivated")
    return user


def get_current_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "not authenticated: send Authorization: Bearer <access token>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        user = authenticate(session, settings, credentials.credentials)
    except InvalidTokenError as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            str(exc),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from None
    # On SQLite a transaction holds the write lock, so none should stay open longer than the
    # route's database work: end this read, the route's own work starts a fresh one. PostgreSQL has
    # no such lock, and going on in the same transaction saves a pool check-out (with its ping) and
    # a COMMIT per request: the route then runs in the transaction that read the user.
    if session.get_bind().dialect.name == "sqlite":
        session.commit()
    request.state.user_id = user.id  # picked up by the request log
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency that lets only ``roles`` through (403 with a clear message otherwise)."""
    allowed = frozenset(roles)
    wanted = " or ".join(role.value for role in roles)

    async def guard(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs the role {wanted} (you are {user.role.value})"
            )
        return user

    guard.__name__ = f"require_{'_or_'.join(role.value for role in roles)}"
    return guard


AnyUser = CurrentUser
AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
LeadOrAdmin = Annotated[User, Depends(require_role(Role.TEAM_LEAD, Role.ADMIN))]


@dataclass(frozen=True)
class TeamScope:
    """The teams a user may see and act on: all for admins, their own for team leads, none else."""

    all_teams: bool
    team_ids: frozenset[int]

    def allows(self, team_id: int | None) -> bool:
        return self.all_teams or (team_id is not None and team_id in self.team_ids)

    @classmethod
    def of(cls, user: Person) -> TeamScope:
        if user.role is Role.ADMIN:
            return cls(all_teams=True, team_ids=frozenset())
        if user.role is Role.TEAM_LEAD and user.team_id is not None:
            return cls(all_teams=False, team_ids=frozenset({user.team_id}))
        return cls(all_teams=False, team_ids=frozenset())


async def get_team_scope(user: CurrentUser) -> TeamScope:
    return TeamScope.of(user)


TeamScopeDep = Annotated[TeamScope, Depends(get_team_scope)]


@dataclass(frozen=True)
class Audit:
    """Callable that adds an audit row as the current user, in the request's transaction."""

    session: Session
    actor: Person
    client_ip: str

    def __call__(
        self, action: str, *, target: str | None = None, details: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        return record_audit(
            self.session,
            actor=self.actor,
            action=action,
            target=target,
            details=details,
            client_ip=self.client_ip,
        )


async def get_audit(session: SessionDep, user: CurrentUser, ip: ClientIP) -> Audit:
    return Audit(session=session, actor=user, client_ip=ip)


AuditDep = Annotated[Audit, Depends(get_audit)]
