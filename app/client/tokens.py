"""The login's tokens: the access token in memory, the refresh token in the keyring.

Refresh tokens rotate and a reused one revokes the whole login (server side, OAuth security BCP), so
two things matter here: every new refresh token is stored before anything else happens, and only one
refresh runs at a time (the caller holds :attr:`Tokens.lock`). A refresh whose answer is lost on the
network still burns the old token; the next attempt then fails as "reused" and the operator logs in
again. Nothing in the outbox is lost by that, it waits for the login.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from app.credentials import SecretKind, SecretStore
from app.wire.auth import TokenPair, UserOut

REFRESH_MARGIN = timedelta(seconds=60)
"""Refresh this long before the access token expires, so a request never races its expiry."""


class Tokens:
    def __init__(self, account: str, secrets: SecretStore | None = None) -> None:
        self.account = account
        self._secrets = secrets
        self._pair: TokenPair | None = None
        self._memory_refresh: str | None = None
        self.lock = asyncio.Lock()

    @property
    def secrets(self) -> SecretStore | None:
        return self._secrets

    @property
    def access_token(self) -> str | None:
        return None if self._pair is None else self._pair.access_token

    @property
    def user(self) -> UserOut | None:
        return None if self._pair is None else self._pair.user

    @property
    def expires_at(self) -> datetime | None:
        """When the access token expires (``None``: not logged in)."""
        return None if self._pair is None else self._pair.expires_at

    def refresh_token(self) -> str | None:
        if self._secrets is not None:
            return self._secrets.get(SecretKind.REFRESH_TOKEN, self.account)
        return self._memory_refresh

    def needs_refresh(self, now: datetime | None = None) -> bool:
        if self._pair is None:
            return True
        return self._pair.expires_at - (now or datetime.now(UTC)) < REFRESH_MARGIN

    def accept(self, pair: TokenPair) -> None:
        """Keep a new pair: the refresh token goes to the keyring at once (it is the only copy)."""
        if self._secrets is not None:
            self._secrets.set(SecretKind.REFRESH_TOKEN, self.account, pair.refresh_token)
        else:
            self._memory_refresh = pair.refresh_token
        self._pair = pair

    def forget(self) -> None:
        """Drop the login (logged out, or the server no longer accepts it)."""
        self._pair = None
        self._memory_refresh = None
        if self._secrets is not None:
            self._secrets.delete(SecretKind.REFRESH_TOKEN, self.account)
