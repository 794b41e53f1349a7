"""Passwords, access tokens and refresh-token secrets. No database access here (see crud.tokens).

* Passwords: argon2id (argon2-cffi), cost from the settings; hashes made with an older cost are
  re-hashed at the next successful login.
* Access tokens: JWT, HS256, short-lived. Checked per RFC 8725: the algorithm is pinned (never
  taken from the token), the ``typ`` header is checked (explicit typing, section 3.11), ``exp``,
  ``iat``, ``sub`` and ``iss`` are required. The signing key is derived from the settings' secret,
  so the raw secret can serve other purposes without cross-use.
* Refresh tokens: 256 random bits, handed out once, stored as their SHA-256 (a fast hash is right
  for high-entropy secrets; argon2 is for guessable passwords).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.wire.common import PASSWORD_MAX
from server.models.base import utcnow
from server.models.enums import Role
from server.settings import Settings

JWT_ALGORITHM = "HS256"
JWT_TYPE = "at+jwt"
JWT_ISSUER = "ringdesk-server"
#: Allowed clock skew between server processes when checking ``exp``/``iat``.
LEEWAY_SECONDS = 5
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = PASSWORD_MAX


class InvalidTokenError(Exception):
    """The access token is missing, malformed, expired or forged; the message is safe to return."""


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def password_hasher(settings: Settings) -> PasswordHasher:
    """The argon2id hasher for the configured cost."""
    return _hasher(settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism)


def password_problem(password: str) -> str | None:
    """Why ``password`` is refused for a new account, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password must have at most {MAX_PASSWORD_LENGTH} characters"
    if "\x00" in password:
        return "the password must not contain NUL characters"
    return None


_HASHING = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
"""Argon2 runs at most one per core. Forty operators logging in at once (a shift start) would
otherwise run forty memory-hard hashes side by side: 40 x 64 MiB, and every other request, the one
holding SQLite's write lock included, starved of CPU until the lock waits time out (500s seen in
``ringdesk demo --lead``). Queued, each login still takes one hash's time plus its turn."""


def hash_password(settings: Settings, password: str) -> str:
    """An argon2id PHC string for ``password``."""
    with _HASHING:
        return password_hasher(settings).hash(password)


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_kib: int, parallelism: int) -> str:
    return _hasher(time_cost, memory_kib, parallelism).hash(secrets.token_urlsafe(16))


def verify_password(settings: Settings, password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches. With ``password_hash=None`` (unknown user) a dummy hash is
    checked anyway, so response times do not reveal which user names exist."""
    hasher = password_hasher(settings)
    target = password_hash or _dummy_hash(
        settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism
    )
    try:
        with _HASHING:
            hasher.verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def needs_rehash(settings: Settings, password_hash: str) -> bool:
    """True if the hash was made with other parameters than the configured ones."""
    return password_hasher(settings).check_needs_rehash(password_hash)


def _signing_key(settings: Settings) -> bytes:
    secret = settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(secret, b"ringdesk access token v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class AccessClaims:
    """What a valid access token says. The server re-reads the user on each request, so a
    deactivation or role change takes effect at once; ``role``/``team`` are for clients' UIs."""

    user_id: int
    role: Role
    team: str | None
    issued_at: datetime
    expires_at: datetime


def create_access_token(
    settings: Settings,
    *,
    user_id: int,
    role: Role,
    team: str | None,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    """A signed access token and its expiry time."""
    issued = (now or utcnow()).replace(microsecond=0)
    expires = issued + timedelta(minutes=settings.access_token_minutes)
    claims = {
        "iss": JWT_ISSUER,
        "sub": str(user_id),
        "role": role.value,
        "team": team,
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
    }
    token = jwt.encode(claims, _signing_key(settings), algorithm=JWT_ALGORITHM, headers={"typ": JWT_TYPE})
    return token, expires


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    """Verify ``token`` and return its claims; raise :class:`InvalidTokenError` otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != JWT_TYPE or header.get("alg") != JWT_ALGORITHM:
            raise InvalidTokenError("invalid access token")
        claims = jwt.decode(
            token,
            _signing_key(settings),
            algorithms=[JWT_ALGORITHM],
            issuer=JWT_ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_aud": False},
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidTokenError("access token expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidTokenError("invalid access token") from exc
    try:
        return AccessClaims(
            user_id=int(claims["sub"]),
            role=Role(claims["role"]),
            team=claims.get("team"),
            issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidTokenError("invalid access token") from exc


_VERIFIED_MAX = 4096
_verified: dict[tuple[bytes, str], AccessClaims] = {}
_verified_lock = threading.Lock()


def decode_access_token_cached(
    settings: Settings, token: str, *, now: datetime | None = None
) -> AccessClaims:
    """:func:`decode_access_token`, remembering the tokens that passed (per signing key, a few
    thousand at most): a desktop sends the same token for minutes, and verifying it (base64, JSON,
    HMAC, the claim checks) was a tenth of a hot request's CPU. A remembered token is still refused
    once expired (same leeway); a token that failed is never remembered, so it is checked again."""
    cache_key = (_signing_key(settings), token)
    claims = _verified.get(cache_key)
    if claims is None:
        claims = decode_access_token(settings, token)
        with _verified_lock:
            if len(_verified) >= _VERIFIED_MAX:
                _verified.clear()  # simpler than LRU, and rare: tokens live minutes, desks are few
            _verified[cache_key] = claims
        return claims
    if (now or datetime.now(UTC)) >= claims.expires_at + timedelta(seconds=LEEWAY_SECONDS):
        with _verified_lock:
            _verified.pop(cache_key, None)
        raise InvalidTokenError("access token expired")
    return claims


def new_refresh_token() -> tuple[str, str]:
    """A fresh refresh token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    """SHA-256 hex of a refresh token (what the database holds)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
