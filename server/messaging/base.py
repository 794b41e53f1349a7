"""What every provider shares: the message, an attempt's outcome, the provider interface, and the
delivery-report URL (signed, so only the provider we gave it to can report on the message)."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

Channel = Literal["email", "sms"]
ERROR_MAX = 500


@dataclass(frozen=True)
class Outgoing:
    uid: uuid.UUID
    channel: Channel
    recipient: str
    subject: str | None
    body: str
    report_url: str | None = None
    """Where the provider reports delivery (``None``: no report asked for)."""


@dataclass(frozen=True)
class Sent:
    """One attempt's outcome. ``ok``: the provider accepted the message (``ref``: its id for it).
    Not ok and ``permanent``: no retry can change it (a refused address)."""

    ok: bool
    ref: str | None = None
    error: str | None = None
    permanent: bool = False

    @classmethod
    def failed(cls, error: str, *, permanent: bool = False) -> Sent:
        return cls(False, None, error[:ERROR_MAX], permanent)


class Provider(Protocol):
    name: str
    """Stored with the message: ``smtp``, ``http``, ``kannel``."""

    async def send(self, message: Outgoing) -> Sent: ...


class NotConfigured:
    """The channel has no provider: every attempt fails (retried: an admin may configure one)."""

    def __init__(self, name: str, why: str) -> None:
        self.name = name
        self._why = why

    async def send(self, message: Outgoing) -> Sent:
        return Sent.failed(self._why)


def report_signature(secret: str, uid: uuid.UUID) -> str:
    return hmac.new(secret.encode(), f"dlr:{uid}".encode(), hashlib.sha256).hexdigest()[:32]


def report_url(public_url: str, secret: str, uid: uuid.UUID) -> str | None:
    """``{public}/messaging/reports/{uid}?sig=...``: where providers report delivery; ``None``
    without a public URL."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/messaging/reports/{uid}?sig={report_signature(secret, uid)}"


def good_signature(secret: str, uid: uuid.UUID, sig: str) -> bool:
    return hmac.compare_digest(report_signature(secret, uid), sig)


def inbound_key(secret: str) -> str:
    """The key in the URLs providers deliver clients' messages to (Kannel's ``get-url``, the
    inbound webhooks): derived from the server's secret, so it needs no setting of its own and
    changes when the secret does (``ringdesk-server chain inbound-urls`` prints the URLs)."""
    return hmac.new(secret.encode(), b"inbound", hashlib.sha256).hexdigest()[:32]


def good_inbound_key(secret: str, key: str) -> bool:
    return hmac.compare_digest(inbound_key(secret), key)
