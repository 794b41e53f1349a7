"""Login, refresh and logout bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from server.api.schemas.common import Name, StrictModel
from server.api.schemas.users import UserOut
from server.security import MAX_PASSWORD_LENGTH

RefreshTokenText = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class LoginRequest(StrictModel):
    name: Name
    password: Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class RefreshRequest(StrictModel):
    refresh_token: RefreshTokenText


class LogoutRequest(StrictModel):
    refresh_token: RefreshTokenText


class TokenPair(BaseModel):
    """Send ``access_token`` as ``Authorization: Bearer ...``; before ``expires_at`` (or on a 401)
    exchange ``refresh_token`` at ``POST /auth/refresh``. Each refresh token works once."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    user: UserOut
