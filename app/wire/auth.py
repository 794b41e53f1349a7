"""Logging in on the wire: credentials in, a token pair out.

Secrets are plain strings (the client must serialise them to send them) but hidden from ``repr`` so a
model logged by mistake does not leak them; the structured logs never include these fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.wire.common import Code, WireModel

Role = Literal["operator", "team_lead", "admin"]
PASSWORD_MAX = 1024
"""Long passphrases are fine; a megabyte "password" is a hashing-cost attack on argon2."""
TOKEN_MAX = 4096


class LoginIn(WireModel):
    """Credentials for ``POST /auth/login``."""

    username: Code
    password: str = Field(min_length=1, max_length=PASSWORD_MAX, repr=False)


class RefreshIn(WireModel):
    """A refresh token to exchange for a new pair (the old refresh token stops working: rotation)."""

    refresh_token: str = Field(min_length=1, max_length=TOKEN_MAX, repr=False)


class TokenPair(WireModel):
    """What a successful login or refresh returns."""

    access_token: str = Field(min_length=1, max_length=TOKEN_MAX, repr=False)
    refresh_token: str = Field(min_length=1, max_length=TOKEN_MAX, repr=False)
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(ge=1)
    """Seconds the access token lives: the client refreshes a little before."""
    refresh_expires_in: int = Field(ge=1)
    username: Code
    role: Role
    """So the desktop shows team-lead screens without decoding the token."""
