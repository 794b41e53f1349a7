"""Live supervision on the wire (``docs/quality.md``, "Live supervision").

A team lead asks the server for a **grant** (``POST /supervision/grants``): a short-lived token the
server signs with its Ed25519 key (JWT, ``EdDSA``) for that lead, that operator and that call. The lead's
telephony service sends it in the ``X-Ringdesk-Grant`` header of the supervision INVITE; the operator's
service checks it offline with the server's public key (``GET /supervision/policy``), so nobody can
listen in without the server having said so, and the server need not be reachable at that moment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.supervision.modes import GRANT_HEADER, MODE_CONTENT_TYPE, MODE_HEADER, SupervisionMode
from app.wire.common import CallId, UserName, WireModel
from app.wire.schema import Field

__all__ = [
    "GRANT_HEADER",
    "MODE_CONTENT_TYPE",
    "MODE_HEADER",
    "GrantIn",
    "GrantOut",
    "SupervisionMode",
    "SupervisionPolicy",
]


class GrantIn(WireModel):
    """A team lead asks to supervise ``operator``'s current call."""

    operator: UserName
    mode: SupervisionMode = SupervisionMode.LISTEN


class GrantOut(WireModel):
    """The signed grant and what the lead's desktop needs to place the call."""

    grant: str = Field(max_length=2048)
    """The signed token: put it in :data:`GRANT_HEADER` as is."""
    operator: UserName
    call_id: CallId
    """The operator's call (its SIP Call-ID, as the desktop reported it)."""
    modes: list[SupervisionMode]
    mode: SupervisionMode
    expires_at: datetime
    target: str | None = None
    """Where to call the operator's telephony service (the operator's ``sip_uri``); None: unknown."""


class SupervisionPolicy(WireModel):
    """What every desktop needs to know about supervision: the key to check grants with, and whether
    the operator is told about listen mode."""

    public_key: str
    """The server's Ed25519 public key, raw 32 bytes in URL-safe base64 without padding."""
    hide_listen: bool = False
    """The centre's setting: an operator is not shown that a lead is listening (whisper and barge
    are always shown: the operator hears the lead)."""
    grant_seconds: int
    via: Literal["ringdesk", "asterisk"] = "ringdesk"
    """Where a lead's supervision goes: ringdesk's own media path (a grant and a call to the
    operator's telephony service), or Asterisk's ChanSpy through the server (``POST /supervision/spy``:
    the PBX rings the lead's phone)."""
