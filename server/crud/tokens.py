"""Refresh tokens: issue, rotate with reuse detection, revoke.

Each login starts a *family*. Refreshing marks the presented token used and issues its successor in
the same family. If a token that was already used is presented again, someone holds a copy: the
whole family is revoked, and both the thief and the legitimate client must log in again
(OAuth 2.0 Security BCP, refresh token rotation). The rotation is a conditional UPDATE, so two
concurrent refreshes of one token cannot both succeed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import RefreshToken, User, utcnow
from server.security import hash_refresh_token, new_refresh_token


@dataclass(frozen=True)
class IssuedRefreshToken:
    token: str
    expires_at: datetime
    family_id: uuid.UUID


class RefreshOutcome(Enum):
    rotated = "rotated"
    unknown = "unknown"
    revoked = "revoked"
    expired = "expired"
    reused = "reused"
    inactive_user = "inactive_user"


@dataclass(frozen=True)
class RefreshResult:
    outcome: RefreshOutcome
    user: User | None = None
    issued: IssuedRefreshToken | None = None
    family_id: uuid.UUID | None = None
    user_id: int | None = None


def issue_refresh_token(
    session: Session,
    *,
    user: User,
    lifetime: timedelta,
    family_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> IssuedRefreshToken:
    """Store a new token (a new family unless ``family_id`` is given) and return its secret."""
    now = now or utcnow()
    token, token_hash = new_refresh_token()
    family = family_id or uuid.uuid4()
    row = RefreshToken(
        user_id=user.id, family_id=family, token_hash=token_hash, issued_at=now, expires_at=now + lifetime
    )
    session.add(row)
    session.flush()
    return IssuedRefreshToken(token=token, expires_at=row.expires_at, family_id=family)


def revoke_family(session: Session, *, family_id: uuid.UUID, reuse: bool = False) -> None:
    """Revoke every live token of the family."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow(), reuse_detected=reuse)
        .execution_options(synchronize_session=False)
    )


def revoke_user_tokens(session: Session, *, user_id: int) -> None:
    """Revoke every live refresh token of a user (deactivation, password change)."""
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def find_refresh_token(session: Session, *, token: str) -> RefreshToken | None:
    return session.scalars(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
    ).one_or_none()


def rotate_refresh_token(
    session: Session, *, token: str, lifetime: timedelta, now: datetime | None = None
) -> RefreshResult:
    """Exchange ``token`` for a successor. On reuse the family is revoked (caller commits)."""
    now = now or utcnow()
    row = find_refresh_token(session, token=token)
    if row is None:
        return RefreshResult(RefreshOutcome.unknown)
    if row.revoked_at is not None:  # logged out, deactivated, or its family already caught reusing
        return RefreshResult(RefreshOutcome.revoked, family_id=row.family_id, user_id=row.user_id)
    if row.used_at is not None:
        revoke_family(session, family_id=row.family_id, reuse=True)
        return RefreshResult(RefreshOutcome.reused, family_id=row.family_id, user_id=row.user_id)
    if row.expires_at <= now:
        return RefreshResult(RefreshOutcome.expired, family_id=row.family_id, user_id=row.user_id)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        revoke_family(session, family_id=row.family_id)
        return RefreshResult(RefreshOutcome.inactive_user, family_id=row.family_id, user_id=row.user_id)
    claimed = session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None), RefreshToken.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # a concurrent refresh won: that is reuse
        revoke_family(session, family_id=row.family_id, reuse=True)
        return RefreshResult(RefreshOutcome.reused, family_id=row.family_id, user_id=row.user_id)
    issued = issue_refresh_token(session, user=user, lifetime=lifetime, family_id=row.family_id, now=now)
    return RefreshResult(
        RefreshOutcome.rotated, user=user, issued=issued, family_id=row.family_id, user_id=user.id
    )
