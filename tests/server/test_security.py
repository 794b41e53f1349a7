"""Passwords and access tokens (RFC 8725 checks). Pure functions: run once, not per backend."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from pydantic import SecretStr

from server.models import Role, utcnow
from server.security import (
    InvalidTokenError,
    _signing_key,
    create_access_token,
    decode_access_token,
    hash_password,
    hash_refresh_token,
    needs_rehash,
    new_refresh_token,
    verify_password,
)
from server.settings import Settings
from tests.server.conftest import TEST_SECRET, make_settings


@pytest.fixture
def settings() -> Settings:
    return make_settings("sqlite://")


def test_password_hash_round_trip(settings: Settings) -> None:
    hashed = hash_password(settings, "correct horse")
    assert hashed.startswith("$argon2id$")
    assert verify_password(settings, hashed, "correct horse")
    assert not verify_password(settings, hashed, "correct horsE")
    assert not verify_password(settings, None, "anything")  # unknown user: dummy check, False
    assert not verify_password(settings, "garbage", "anything")
    assert not needs_rehash(settings, hashed)
    assert needs_rehash(settings.model_copy(update={"password_time_cost": 3}), hashed)


def test_access_token_round_trip(settings: Settings) -> None:
    token, expires = create_access_token(settings, user_id=7, role=Role.TEAM_LEAD, team="north")
    claims = decode_access_token(settings, token)
    assert (claims.user_id, claims.role, claims.team) == (7, Role.TEAM_LEAD, "north")
    assert claims.expires_at == expires
    assert claims.expires_at - claims.issued_at == timedelta(minutes=settings.access_token_minutes)
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "at+jwt"}
    assert TEST_SECRET not in token


def _forge(settings: Settings, claims: dict[str, object], **header: object) -> str:
    base: dict[str, object] = {
        "iss": "ringdesk-server",
        "sub": "1",
        "role": "admin",
        "iat": int(utcnow().timestamp()),
    }
    base["exp"] = int((utcnow() + timedelta(minutes=5)).timestamp())
    base.update(claims)
    return jwt.encode(
        {k: v for k, v in base.items() if v is not None},
        _signing_key(settings),
        "HS256",
        headers={"typ": "at+jwt", **header},
    )


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": None},  # exp is required
        {"iat": None},
        {"sub": None},
        {"iss": "someone-else"},
        {"role": "emperor"},
        {"sub": "not-a-number"},
        {"exp": int((utcnow() - timedelta(minutes=1)).timestamp())},
    ],
)
def test_tokens_missing_or_bad_claims_are_refused(settings: Settings, claims: dict[str, object]) -> None:
    with pytest.raises(InvalidTokenError):
        decode_access_token(settings, _forge(settings, claims))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the HS512 probe
def test_algorithm_is_pinned(settings: Settings) -> None:
    unsigned = jwt.encode(
        {"sub": "1", "role": "admin", "iss": "ringdesk-server", "iat": 0, "exp": 2**40},
        "",
        algorithm="none",
        headers={"typ": "at+jwt"},
    )
    with pytest.raises(InvalidTokenError):
        decode_access_token(settings, unsigned)
    hs512 = jwt.encode({"sub": "1"}, _signing_key(settings), algorithm="HS512", headers={"typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):
        decode_access_token(settings, hs512)
    untyped = _forge(settings, {}, typ="JWT")
    with pytest.raises(InvalidTokenError):
        decode_access_token(settings, untyped)
    raw_secret = jwt.encode({"sub": "1"}, TEST_SECRET, algorithm="HS256", headers={"typ": "at+jwt"})
    with pytest.raises(InvalidTokenError):  # signed with the raw secret instead of the derived key
        decode_access_token(settings, raw_secret)
    other = settings.model_copy(update={"secret_key": SecretStr("z" * 8 + "another-strong-secret-value-123")})
    with pytest.raises(InvalidTokenError):
        decode_access_token(other, create_access_token(settings, user_id=1, role=Role.ADMIN, team=None)[0])


def test_refresh_tokens_are_random_and_stored_hashed() -> None:
    a, a_hash = new_refresh_token()
    b, _ = new_refresh_token()
    assert a != b
    assert len(a) >= 43
    assert a_hash == hash_refresh_token(a)
    assert a not in a_hash and len(a_hash) == 64
