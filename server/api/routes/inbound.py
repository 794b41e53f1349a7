"""``/messaging/inbound/...``: messages clients send us, as the providers deliver them
(docs/integrations.md "Replies"); ``server.chains.replies`` stores and matches them.

No login: each URL carries ``key=`` (``server.messaging.base.inbound_key``, derived from the
server's secret, printed by ``ringdesk-server chain inbound-urls``); a wrong key is 403.

* ``GET /messaging/inbound/kannel``: Kannel's ``sms-service`` ``get-url`` for MO messages, with
  ``from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I``. ``%b`` is the message's bytes as the
  SMSC sent them (UCS-2 for ``coding=2``), so they are read from the raw query string, never
  through a text decoding that would mangle them. The answer is empty: with the service's
  ``max-messages = 0`` Kannel sends the client nothing back.
* ``POST /messaging/inbound/sms``: the HTTP SMS provider's inbound webhook,
  ``{"id", "from", "to", "text", "received_at"?}``.
* ``POST /messaging/inbound/email``: the inbound-mail webhook (what a mail provider's inbound
  parse or route posts, mapped to ``{"id", "from", "to", "subject", "text", "in_reply_to"?,
  "references"?, "received_at"?}``).
"""

from __future__ import annotations

import codecs
import urllib.parse
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from server.api.context import get_context
from server.chains import replies
from server.messaging.base import good_inbound_key
from server.models import utcnow

router = APIRouter(prefix="/messaging", tags=["messaging"])

Key = Annotated[str, Query(min_length=32, max_length=32)]
_TEXT = 10_000
_SHORT = 320


class InboundSms(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: Annotated[str, Field(min_length=1, max_length=128)]
    sender: Annotated[str, Field(alias="from", min_length=1, max_length=64)]
    to: Annotated[str, Field(max_length=_SHORT)] = ""
    text: Annotated[str, Field(max_length=_TEXT)]
    received_at: datetime | None = None


class InboundEmail(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: Annotated[str, Field(min_length=1, max_length=128)]
    """The e-mail's Message-ID."""
    sender: Annotated[str, Field(alias="from", min_length=3, max_length=_SHORT)]
    to: Annotated[str, Field(max_length=_SHORT)] = ""
    subject: Annotated[str, Field(max_length=_TEXT)] = ""
    text: Annotated[str, Field(max_length=_TEXT * 10)]
    in_reply_to: Annotated[str, Field(max_length=_TEXT)] = ""
    references: Annotated[str, Field(max_length=_TEXT)] = ""
    received_at: datetime | None = None


class Stored(BaseModel):
    id: int
    duplicate: bool
    contact_id: int | None
    replied: list[int]


def _check(request: Request, key: str) -> None:
    if not good_inbound_key(get_context(request).settings.secret_key.get_secret_value(), key):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "bad key")


def _store(request: Request, incoming: replies.Incoming) -> Stored:
    at = incoming.received_at
    if at is not None and at.tzinfo is None:  # a provider that writes UTC without saying so
        incoming = replace(incoming, received_at=at.replace(tzinfo=UTC))
    context = get_context(request)
    with context.database.sessions() as session:
        done = replies.record(session, incoming, now=utcnow())
        session.commit()
    return Stored(
        id=done.id, duplicate=done.duplicate, contact_id=done.contact_id, replied=list(done.replied)
    )


def kannel_text(raw: bytes, coding: str, charset: str) -> str:
    """The text of Kannel's ``%b``: UCS-2 (UTF-16BE) for coding 2, else in ``%C``'s charset
    (UTF-8 when Kannel says nothing usable), never failing on a stray byte."""
    if coding == "2":
        return raw.decode("utf-16-be", errors="replace")
    try:
        codec = codecs.lookup(charset or "utf-8").name
    except LookupError:
        codec = "utf-8"
    return raw.decode(codec, errors="replace")


@router.get("/inbound/kannel", response_class=Response)
def kannel_mo(request: Request, key: Key) -> Response:
    """A client's SMS through Kannel (module notes)."""
    _check(request, key)
    raw: dict[str, bytes] = {}
    for part in request.scope.get("query_string", b"").split(b"&"):
        name, _, value = part.partition(b"=")
        raw[name.decode("ascii", "replace")] = urllib.parse.unquote_to_bytes(value.replace(b"+", b" "))
    sender = raw.get("from", b"").decode("utf-8", "replace").strip()
    if not sender:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "from: the sender is missing")
    text = kannel_text(
        raw.get("text", b""),
        raw.get("coding", b"0").decode("ascii", "replace"),
        raw.get("charset", b"").decode("ascii", "replace"),
    )
    message_id = raw.get("id", b"").decode("utf-8", "replace")[:128] or None
    _store(
        request,
        replies.Incoming(
            channel="sms",
            provider="kannel",
            sender=sender[:64],
            recipient=raw.get("to", b"").decode("utf-8", "replace")[:_SHORT],
            text=text[:_TEXT],
            external_id=message_id,
        ),
    )
    return Response(content=b"", media_type="text/plain")


@router.post("/inbound/sms")
def http_sms_inbound(request: Request, key: Key, body: InboundSms) -> Stored:
    """A client's SMS through the HTTP SMS provider (module notes)."""
    _check(request, key)
    return _store(
        request,
        replies.Incoming(
            channel="sms",
            provider="http",
            sender=body.sender,
            recipient=body.to,
            text=body.text,
            external_id=body.id,
            received_at=body.received_at,
        ),
    )


@router.post("/inbound/email")
def email_inbound(request: Request, key: Key, body: InboundEmail) -> Stored:
    """A client's e-mail through the inbound-mail webhook (module notes)."""
    _check(request, key)
    return _store(
        request,
        replies.Incoming(
            channel="email",
            provider="email",
            sender=body.sender,
            recipient=body.to,
            text=body.text,
            subject=body.subject or None,
            external_id=body.id,
            in_reply_to=f"{body.in_reply_to} {body.references}",
            received_at=body.received_at,
        ),
    )
