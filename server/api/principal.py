"""Who is calling, for the hot routes (dispositions, contact lookup): the user's standing from a
short per-process cache instead of the full ``users`` row through the ORM on every request.

A :class:`Principal` is what authorisation needs of a user: id, login, role, team, active. The
cache keeps it for ``Settings.auth_cache_seconds`` (default 2 s; 0 turns the cache off) per process.
Revocation:

* on the worker where an admin deactivates a user through the API, at once (``forget``);
* on other workers, and after a change made by the ``user`` command or in the database, within
  ``auth_cache_seconds``;
* writes do not wait for that: ``POST /dispositions`` stores its row only if the user is still
  active with the cached role and team, checked in the INSERT itself
  (``server.crud.dispositions.standing_guard``): no extra round trip, and a revoked user's post is
  refused at once on every worker (the route then forgets the entry and answers 401/403).

The dependency is ``async``: a cache hit costs no thread-pool hop and no database access; a miss
reads four columns with Core in one hop.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.api.caches import Principal
from server.api.context import AppContext, get_context
from server.db import Database
from server.models import User
from server.security import InvalidTokenError, decode_access_token_cached

_STANDING = select(User.id, User.name, User.role, User.team_id, User.active)


def read_principal(database: Database | Session, user_id: int) -> Principal | None:
    """The user's standing now, from the database (``None``: no such user); in ``database``'s own
    short connection, or in a session's transaction."""
    query = _STANDING.where(User.id == user_id)
    if isinstance(database, Session):
        row = database.execute(query).one_or_none()
    else:
        with database.engine.connect() as conn:
            row = conn.execute(query).one_or_none()
    if row is None:
        return None
    return Principal(id=row.id, name=row.name, role=row.role, team_id=row.team_id, active=row.active)


def check_still(context: AppContext, principal: Principal, fresh: Principal | None) -> None:
    """Refuse a caller whose standing changed since it was cached (401 deactivated or gone, 403 a
    new role or team), dropping the stale entry; nothing when ``fresh`` is ``principal``."""
    if fresh == principal:
        return
    context.principals.forget(principal.id)
    if fresh is None or not fresh.active:
        raise _unauthorised("this account is deactivated" if fresh is not None else "invalid access token")
    raise HTTPException(status.HTTP_403_FORBIDDEN, "your role or team changed: sign in again")


_bearer = HTTPBearer(auto_error=False, description="Access token from POST /auth/login")


def _unauthorised(message: str, *, invalid_token: bool = True) -> HTTPException:
    header = 'Bearer error="invalid_token"' if invalid_token else "Bearer"
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": header})


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated, active user (401 otherwise), as ``deps.get_current_user`` answers."""
    if credentials is None:
        raise _unauthorised(
            "not authenticated: send Authorization: Bearer <access token>", invalid_token=False
        )
    context = get_context(request)
    try:
        claims = decode_access_token_cached(context.settings, credentials.credentials)
    except InvalidTokenError as exc:
        raise _unauthorised(str(exc)) from None
    principal = context.principals.get(claims.user_id)
    if principal is None:
        principal = await context.admission.run(read_principal, context.database, claims.user_id)
        if principal is None:
            raise _unauthorised("invalid access token")
        if not principal.active:
            raise _unauthorised("this account is deactivated")
        context.principals.put(principal)
    request.state.user_id = principal.id  # picked up by the request log
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def principal_of(request: Request) -> Principal:
    """:data:`CurrentPrincipal` as one dependency instead of two (the bearer scheme read here, not
    by a sub-dependency): each one FastAPI resolves costs tens of microseconds on a hot route
    (``POST /dispositions``), which then declares the scheme in its OpenAPI entry itself."""
    return await get_principal(request, await _bearer(request))
