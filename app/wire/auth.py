"""Logging in on the wire: credentials in, a token pair and the user out; users and their roles.

``POST /auth/login`` takes :class:`LoginIn` and answers :class:`TokenPair`; ``POST /auth/refresh``
takes :class:`RefreshIn` (each refresh token works once: the answer carries its successor);
``POST /auth/logout`` takes :class:`LogoutIn`.

Secrets are plain strings (the client must serialise them to send them) but hidden from ``repr`` so a
model logged by mistake does not leak them; the structured logs never include these fields.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from app.wire.common import (
    PASSWORD_MAX,
    REFRESH_TOKEN_MAX,
    TOKEN_MAX,
    UserName,
    UtcDatetime,
    WireModel,
)
from app.wire.schema import Field, StringConstraints


class Role(StrEnum):
    """What a user may do. Team leads act on their own team; admins on everything."""

    OPERATOR = "operator"
    TEAM_LEAD = "team_lead"
    ADMIN = "admin"


RefreshToken = Annotated[str, StringConstraints(min_length=1, max_length=REFRESH_TOKEN_MAX)]


class LoginIn(WireModel):
    """Credentials for ``POST /auth/login``."""

    name: UserName
    password: str = Field(min_length=1, max_length=PASSWORD_MAX, repr=False)


class RefreshIn(WireModel):
    """A refresh token to exchange for a new pair (the old refresh token stops working: rotation)."""

    refresh_token: RefreshToken = Field(repr=False)


class LogoutIn(WireModel):
    """The refresh token whose login ends (its whole family is revoked)."""

    refresh_token: RefreshToken = Field(repr=False)


class UserOut(WireModel):
    """A user as the server shows it (never with a password hash)."""

    id: int
    name: UserName
    role: Role
    team: UserName | None
    """The team's name; ``None`` for users outside any team (admins, usually)."""
    active: bool
    created_at: UtcDatetime


class TokenPair(WireModel):
    """What a successful login or refresh returns.

    Send ``access_token`` as ``Authorization: Bearer ...``; before ``expires_at`` (or on a 401)
    exchange ``refresh_token`` at ``POST /auth/refresh``. Each refresh token works once.
    """

    access_token: str = Field(min_length=1, max_length=TOKEN_MAX, repr=False)
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(ge=1)
    """Seconds the access token lives: the client refreshes a little before."""
    expires_at: UtcDatetime
    refresh_token: RefreshToken = Field(repr=False)
    refresh_expires_at: UtcDatetime
    user: UserOut
    """Who logged in, with role and team, so the desktop shows team-lead screens without decoding
    the token."""
