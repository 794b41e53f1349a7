"""Supervision grants: signed by the server, checked offline by the operator's telephony service.

A grant is a JWT signed with Ed25519 (``EdDSA``), because the operator's service must check it without
asking the server and must not be able to make one: it holds only the public key. Claims:

* ``lead``, ``sub`` (the operator), ``call`` (the SIP Call-ID of the operator's call);
* ``modes`` (what the lead may switch between) and ``mode`` (the one to start in);
* ``exp`` (a minute or so: the INVITE follows the click at once), ``iat``, ``jti`` (a random nonce: a
  grant opens one supervision call, :class:`ReplayGuard` refuses it a second time);
* ``aud`` ``ringdesk-supervision``, so no other token the server might sign with this key passes.

Both sides import this module; it needs only PyJWT and ``cryptography``, imported when a key is
made or a grant signed or checked: the telephony service is told the public key at start-up but may
never see a grant, and ``cryptography`` with PyJWT held ~9 MB of its idle memory (issue 15).
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.supervision.modes import SupervisionMode

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["Grant", "GrantRefused", "ReplayGuard", "SupervisionMode", "sign", "verify"]

AUDIENCE = "ringdesk-supervision"
ALGORITHM = "EdDSA"
LEEWAY_S = 5.0
"""Clock difference tolerated between the server and the operator's PC."""


class GrantRefused(Exception):
    """Why a grant does not open a supervision call (said in the SIP reason, logged)."""


@dataclass(frozen=True)
class Grant:
    """A verified grant."""

    lead: str
    operator: str
    call_id: str
    modes: tuple[SupervisionMode, ...]
    mode: SupervisionMode
    expires_at: float
    nonce: str


@dataclass(frozen=True)
class PublicKey:
    """A public key as its raw 32 bytes, checked for length only until a grant is verified with it."""

    raw: bytes

    def ed25519(self) -> Ed25519PublicKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        return Ed25519PublicKey.from_public_bytes(self.raw)


def key_from_secret(secret: str) -> Ed25519PrivateKey:
    """The server's signing key, derived from its secret key (HKDF-SHA256): every server process and
    restart signs with the same key, and there is no second secret for IT to manage."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ringdesk supervision grant v1"
    ).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey | PublicKey) -> str:
    """The public key as URL-safe base64 of its raw 32 bytes (what ``/supervision/policy`` says)."""
    if isinstance(key, PublicKey):
        raw = key.raw
    else:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key(text: str) -> PublicKey:
    """The inverse of :func:`public_text` (ValueError when it is not a key)."""
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, not {len(raw)}")
    return PublicKey(raw)


def sign(
    key: Ed25519PrivateKey,
    *,
    lead: str,
    operator: str,
    call_id: str,
    modes: tuple[SupervisionMode, ...],
    mode: SupervisionMode,
    seconds: float,
    now: float | None = None,
) -> tuple[str, float]:
    """A grant and its expiry (Unix seconds)."""
    import jwt

    issued = time.time() if now is None else now
    expires = issued + seconds
    claims = {
        "aud": AUDIENCE,
        "lead": lead,
        "sub": operator,
        "call": call_id,
        "modes": [m.value for m in modes],
        "mode": mode.value,
        "iat": int(issued),
        "exp": expires,
        "jti": secrets.token_urlsafe(16),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM), expires


def verify(token: str, key: Ed25519PublicKey | PublicKey, *, now: float | None = None) -> Grant:
    """The grant's claims when the signature, audience and expiry hold; :class:`GrantRefused` otherwise.

    Whether it names this operator and a call in progress, and whether it was used before, is for the
    caller to check (:meth:`ReplayGuard.admit`)."""
    import jwt

    try:
        claims = jwt.decode(
            token,
            key.ed25519() if isinstance(key, PublicKey) else key,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            leeway=LEEWAY_S,
            options={"require": ["exp", "aud", "sub", "jti"], "verify_exp": now is None},
        )
    except jwt.ExpiredSignatureError:
        raise GrantRefused("the grant has expired") from None
    except jwt.PyJWTError as exc:
        raise GrantRefused(f"not a valid grant: {exc}") from None
    try:
        modes = tuple(SupervisionMode(m) for m in claims["modes"])
        grant = Grant(
            lead=str(claims["lead"]),
            operator=str(claims["sub"]),
            call_id=str(claims["call"]),
            modes=modes,
            mode=SupervisionMode(claims["mode"]),
            expires_at=float(claims["exp"]),
            nonce=str(claims["jti"]),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise GrantRefused(f"the grant lacks a claim: {exc}") from None
    if now is not None and now > grant.expires_at + LEEWAY_S:
        raise GrantRefused("the grant has expired")
    if grant.mode not in grant.modes:
        raise GrantRefused("the grant's mode is not among its modes")
    return grant


class ReplayGuard:
    """Nonces of grants already used, kept until they expire: a grant opens one call only."""

    def __init__(self) -> None:
        self._used: dict[str, float] = {}

    def admit(self, grant: Grant, now: float | None = None) -> None:
        """Mark the grant used; :class:`GrantRefused` when it was used before."""
        at = time.time() if now is None else now
        self._used = {n: exp for n, exp in self._used.items() if exp + LEEWAY_S >= at}
        if grant.nonce in self._used:
            raise GrantRefused("the grant was already used")
        self._used[grant.nonce] = grant.expires_at
