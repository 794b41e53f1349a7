"""``/auth``: log in (access + refresh token), refresh (rotating), log out.

Logins are throttled per user name and client address, and per client address across names
(password spraying), both 429 + ``Retry-After``. Every attempt counts as a failure until its password
is verified, so parallel guesses cannot slip past the limit (``server.ratelimit``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from fastapi import APIRouter, HTTPException, Request, Response, status

from app.wire.auth import LoginIn, LogoutIn, RefreshIn, TokenPair
from server.api.context import get_context
from server.api.deps import ClientIP, LoginThrottleDep, SessionDep, SettingsDep
from server.api.schemas.users import user_out
from server.audit import record_audit
from server.crud.tokens import (
    IssuedRefreshToken,
    RefreshOutcome,
    find_refresh_token,
    issue_refresh_token,
    revoke_family,
    rotate_refresh_token,
)
from server.crud.users import get_user_by_name
from server.models import User, utcnow
from server.ratelimit import address_key, login_key
from server.security import create_access_token, hash_password, needs_rehash, verify_password
from server.settings import Settings

router = APIRouter(prefix="/auth", tags=["auth"])
log = logging.getLogger("ringdesk.server.auth")

_BAD_CREDENTIALS = "wrong user name or password"
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def _pair(settings: Settings, user: User, *, now: datetime, refresh: IssuedRefreshToken) -> TokenPair:
    access, expires = create_access_token(
        settings, user_id=user.id, role=user.role, team=user.team_name, now=now
    )
    return TokenPair(
        access_token=access,
        expires_in=settings.access_token_minutes * 60,
        expires_at=expires,
        refresh_token=refresh.token,
        refresh_expires_at=refresh.expires_at,
        user=user_out(user),
    )


@router.post(
    "/login",
    responses={
        401: {"description": "wrong user name or password"},
        429: {"description": "too many failures"},
    },
)
def login(
    *,
    body: LoginIn,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    throttle: LoginThrottleDep,
    ip: ClientIP,
) -> TokenPair:
    key = login_key(body.name, ip)
    by_address = get_context(request).address_throttle
    wait = by_address.attempt(address_key(ip))
    if wait is None:
        wait = throttle.attempt(key)
    if wait is not None:
        log.warning("login throttled", extra={"event": "auth.login_throttled", "client": ip})
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed logins: try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
    user = get_user_by_name(session, name=body.name)
    # End the read transaction before the slow hash check: on SQLite a transaction holds the
    # database's write lock, and argon2 takes a noticeable fraction of a second.
    session.commit()
    if not verify_password(settings, user.password_hash if user else None, body.password) or user is None:
        record_audit(
            session,
            actor=None,
            action="auth.login_failed",
            target=f"user:{user.id}" if user else None,
            details={"reason": "wrong password" if user else "unknown user"},
            client_ip=ip,
        )
        session.commit()
        log.info("login failed", extra={"event": "auth.login_failed", "client": ip})
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, _BAD_CREDENTIALS, headers=_UNAUTHORIZED)
    throttle.success(key)
    by_address.release(address_key(ip))
    if not user.active:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "this account is deactivated", headers=_UNAUTHORIZED
        )
    if needs_rehash(settings, user.password_hash):
        user.password_hash = hash_password(settings, body.password)
    now = utcnow()
    issued = issue_refresh_token(
        session, user=user, lifetime=timedelta(days=settings.refresh_token_days), now=now
    )
    pair = _pair(settings, user, now=now, refresh=issued)
    record_audit(session, actor=user, action="auth.login", target=f"user:{user.id}", client_ip=ip)
    session.commit()
    log.info("login", extra={"event": "auth.login", "user_id": user.id, "client": ip})
    return pair


@router.post("/refresh", responses={401: {"description": "invalid, expired or reused refresh token"}})
def refresh(body: RefreshIn, session: SessionDep, settings: SettingsDep, ip: ClientIP) -> TokenPair:
    now = utcnow()
    result = rotate_refresh_token(
        session, token=body.refresh_token, lifetime=timedelta(days=settings.refresh_token_days), now=now
    )
    if result.outcome is RefreshOutcome.rotated and result.user is not None and result.issued is not None:
        pair = _pair(settings, result.user, now=now, refresh=result.issued)
        session.commit()
        return pair
    if result.outcome is RefreshOutcome.reused:
        record_audit(
            session,
            actor=None,
            action="auth.refresh_reuse",
            target=f"user:{result.user_id}",
            details={"family": str(result.family_id)},
            client_ip=ip,
        )
        session.commit()
        log.warning(
            "refresh token reused: family revoked",
            extra={"event": "auth.refresh_reuse", "user_id": result.user_id, "client": ip},
        )
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this refresh token was already used: every session of this login is revoked, log in again",
            headers=_UNAUTHORIZED,
        )
    session.commit()
    detail = {
        RefreshOutcome.expired: "the refresh token has expired: log in again",
        RefreshOutcome.revoked: "the refresh token was revoked: log in again",
        RefreshOutcome.inactive_user: "this account is deactivated",
    }.get(result.outcome, "invalid refresh token")
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers=_UNAUTHORIZED)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(body: LogoutIn, session: SessionDep) -> Response:
    """Revoke the refresh token's whole family. Unknown tokens are accepted silently."""
    row = find_refresh_token(session, token=body.refresh_token)
    if row is not None:
        revoke_family(session, family_id=row.family_id)
        session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
