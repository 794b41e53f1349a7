"""The Bitrix24 adapter (:class:`server.crm.contract.CrmAdapter`) over an inbound webhook.

An admin makes an inbound webhook in the portal (Developer resources -> Other -> Inbound webhook,
scopes ``crm``, ``telephony`` and ``user``) and gives ringdesk its URL,
``https://<portal>/rest/<user id>/<token>/``. Each REST method is then a POST to
``<url><method>.json`` with the parameters as JSON; the answer is ``{"result": ..., "time": ...}``
or ``{"error": CODE, "error_description": TEXT}`` (Bitrix24 REST documentation).

The methods used, with the parameters the documentation gives them:

* ``profile``: who the webhook acts as (``crm test``; harmless, needs no scope);
* ``crm.duplicate.findbycomm`` (``ENTITY_TYPE=CONTACT``, ``TYPE=PHONE``, ``VALUES=[number]``) then
  ``crm.contact.get`` (``id``): the screen pop;
* ``crm.contact.add`` (``fields``: ``NAME``, ``LAST_NAME``, ``PHONE``/``EMAIL`` as multi-fields);
* ``telephony.externalcall.register`` (``USER_ID``, ``PHONE_NUMBER``, ``TYPE`` 1 outgoing / 2
  incoming, ``CALL_START_DATE``, ``CRM_CREATE``, ``SHOW``=0: the operator works in ringdesk, not in a
  Bitrix24 pop-up; ``LINE_NUMBER``) -> ``CALL_ID``;
* ``telephony.externalcall.finish`` (``CALL_ID``, ``USER_ID``, ``DURATION``, ``STATUS_CODE``: 200
  answered, 304 missed, 603 declined; ``RECORD_URL``);
* ``telephony.externalCall.attachRecord`` (``CALL_ID``, ``FILENAME``, ``RECORD_URL``).

The rate: every request waits for its slot of the portal's :class:`server.crm.pacing.Pacer` (2 a
second by default). ``QUERY_LIMIT_EXCEEDED`` (HTTP 503) stops everyone's sends to that portal for
1 s, then 2 s, then 4 s (:data:`LIMIT_WAITS`), retrying the request after each; then
:class:`~server.crm.contract.CrmRateLimited`. The token is part of the URL: it is never put in an
error message, and the server's log formatter masks ``/rest/<id>/<token>`` wherever it appears.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

import app as ringdesk
from server.crm import pacing
from server.crm.contract import (
    CallDirection,
    CallFacts,
    CallResult,
    CrmAuthError,
    CrmContact,
    CrmRateLimited,
    CrmRefused,
    CrmUnavailable,
    NewContact,
)

NAME = "bitrix24"
LIMIT_WAITS = (1.0, 2.0, 4.0)
"""Seconds the portal's sends stop after each ``QUERY_LIMIT_EXCEEDED``, before trying again."""
DESCRIPTION_MAX = 200
AUTH_ERRORS = frozenset(
    {
        "expired_token",
        "invalid_token",
        "INVALID_CREDENTIALS",
        "NO_AUTH_FOUND",
        "WRONG_AUTH_TYPE",
        "insufficient_scope",
        "ACCESS_DENIED",
        "user_access_error",
        "authorization_error",
    }
)
STATUS_CODES = {CallResult.ANSWERED: "200", CallResult.MISSED: "304", CallResult.DECLINED: "603"}
_PATH = re.compile(r"^/rest/(?P<user>\d+)/(?P<token>[A-Za-z0-9]+)/?(?:[A-Za-z0-9_.]+\.json)?$")


class BadWebhookUrl(ValueError):
    """Not a Bitrix24 inbound webhook URL (the message says what is expected; never the token)."""


@dataclass(frozen=True)
class Bitrix24Config:
    """A Bitrix24 connection as ``ringdesk-server crm bitrix24 set`` stores it."""

    url: str
    """``https://<portal>/rest/<user>/<token>/`` (a secret: :func:`masked` to show it)."""
    default_user: int = 1
    """The Bitrix24 user id calls are registered to when their operator has no mapping (or none
    answered)."""
    users: dict[str, int] = field(default_factory=dict)
    """ringdesk operator name -> Bitrix24 user id."""
    crm_create: bool = False
    """``CRM_CREATE``: let Bitrix24 create a lead for a number it does not know."""

    def user_for(self, operator: str | None) -> int:
        return self.users.get(operator or "", self.default_user)


def parse_url(url: str) -> str:
    """The webhook's base URL, ending in ``/`` (:class:`BadWebhookUrl` when it is not one)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise BadWebhookUrl("expected https://<portal>/rest/<user id>/<token>/ (an inbound webhook's URL)")
    match = _PATH.match(parts.path)
    if match is None or parts.query or parts.fragment or parts.username or parts.password:
        raise BadWebhookUrl(
            "expected https://<portal>/rest/<user id>/<token>/ (an inbound webhook's URL, as Bitrix24 "
            "shows it under Developer resources)"
        )
    return f"{parts.scheme}://{parts.netloc}/rest/{match['user']}/{match['token']}/"


def masked(url: str) -> str:
    """The URL with its token hidden, for status output."""
    return re.sub(r"(/rest/\d+/)[^/]+", r"\1****", url)


def portal_of(url: str) -> str:
    return urlsplit(url).netloc


class Bitrix24:
    """One portal through one inbound webhook (module notes)."""

    name = NAME

    def __init__(
        self,
        config: Bitrix24Config,
        *,
        rate: float = 2.0,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config
        self.base = parse_url(config.url)
        self.portal = portal_of(self.base)
        self.pacer = pacing.pacer_for(self.portal, rate)
        self.timeout = timeout
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": f"ringdesk/{ringdesk.__version__}"},
            trust_env=False,
        )
        self.limit_waits: tuple[float, ...] = LIMIT_WAITS

    async def aclose(self) -> None:
        await self._client.aclose()

    # ----- the wire -------------------------------------------------------------------------------

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """One REST method's ``result`` (module notes for the errors and the rate)."""
        for wait in (*self.limit_waits, None):
            try:
                await self.pacer.slot(pacing.current_deadline())
            except pacing.TooLate as exc:
                raise CrmRateLimited(f"Bitrix24 {method}: {exc}") from None
            try:
                response = await self._client.post(f"{self.base}{method}.json", json=params)
            except httpx.TimeoutException:
                raise CrmUnavailable(f"Bitrix24 {method}: no answer within {self.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise CrmUnavailable(f"Bitrix24 {method}: cannot reach {self.portal}: {_why(exc)}") from None
            body = _json(response)
            error = body.get("error") if isinstance(body, dict) else None
            if error == "QUERY_LIMIT_EXCEEDED":
                if wait is None:
                    raise CrmRateLimited(
                        f"Bitrix24 {method}: QUERY_LIMIT_EXCEEDED after {len(self.limit_waits)} waits"
                    )
                self.pacer.penalise(wait)
                continue
            if error is not None:
                raise _error(method, response.status_code, str(error), body.get("error_description"))
            if response.status_code != 200 or not isinstance(body, dict) or "result" not in body:
                kind = response.headers.get("content-type", "no content type")
                raise CrmUnavailable(
                    f"Bitrix24 {method}: not a Bitrix24 answer (HTTP {response.status_code}, {kind})"
                )
            return body["result"]
        raise AssertionError("unreachable")  # pragma: no cover

    # ----- the contract ---------------------------------------------------------------------------

    async def check(self) -> str:
        result = await self.call("profile", {})
        if not isinstance(result, dict):
            raise CrmUnavailable("Bitrix24 profile: not a Bitrix24 answer")
        who = " ".join(str(result.get(k) or "") for k in ("NAME", "LAST_NAME")).strip()
        return f"{self.portal}: user {result.get('ID')} {who}".strip()

    async def lookup_by_phone(self, phone: str) -> CrmContact | None:
        found = await self.call(
            "crm.duplicate.findbycomm", {"ENTITY_TYPE": "CONTACT", "TYPE": "PHONE", "VALUES": [phone]}
        )
        with _shape("crm.duplicate.findbycomm"):
            ids = found.get("CONTACT") if isinstance(found, dict) else None  # [] when none: a list
            if not ids:
                return None
            first = min(int(i) for i in ids)
        row = await self.call("crm.contact.get", {"id": first})
        with _shape("crm.contact.get"):
            return self._contact(row)

    def _contact(self, row: Any) -> CrmContact:
        if not isinstance(row, dict):
            raise TypeError("not an object")
        name = " ".join(
            str(row.get(k) or "").strip() for k in ("NAME", "SECOND_NAME", "LAST_NAME") if row.get(k)
        )
        phones = tuple(str(p.get("VALUE")) for p in row.get("PHONE") or () if isinstance(p, dict))
        emails = [str(e.get("VALUE")) for e in row.get("EMAIL") or () if isinstance(e, dict)]
        portal = urlsplit(self.base)
        return CrmContact(
            source=NAME,
            external_id=str(row.get("ID")),
            name=name or str(row.get("TITLE") or ""),
            phones=phones,
            email=emails[0] if emails else None,
            company=str(row["COMPANY_TITLE"]) if row.get("COMPANY_TITLE") else None,
            url=f"{portal.scheme}://{portal.netloc}/crm/contact/details/{row.get('ID')}/",
        )

    async def create_contact(self, contact: NewContact) -> str:
        first, _, last = contact.name.strip().partition(" ")
        fields: dict[str, Any] = {
            "NAME": first,
            "LAST_NAME": last,
            "OPENED": "Y",
            "PHONE": [{"VALUE": p, "VALUE_TYPE": "WORK"} for p in contact.phones],
        }
        if contact.email:
            fields["EMAIL"] = [{"VALUE": contact.email, "VALUE_TYPE": "WORK"}]
        result = await self.call("crm.contact.add", {"fields": fields})
        return str(result)

    async def call_started(self, call: CallFacts) -> str:
        params: dict[str, Any] = {
            "USER_ID": self.config.user_for(call.operator),
            "PHONE_NUMBER": call.phone,
            "TYPE": 1 if call.direction is CallDirection.OUTBOUND else 2,
            "CRM_CREATE": 1 if self.config.crm_create else 0,
            "SHOW": 0,
        }
        if call.started_at is not None:  # else Bitrix24 takes the time of the request
            params["CALL_START_DATE"] = call.started_at.isoformat()
        if call.line:
            params["LINE_NUMBER"] = call.line
        result = await self.call("telephony.externalcall.register", params)
        if not isinstance(result, dict) or not result.get("CALL_ID"):
            raise CrmUnavailable("Bitrix24 telephony.externalcall.register: no CALL_ID in the answer")
        return str(result["CALL_ID"])

    async def call_finished(self, crm_call_id: str, call: CallFacts, recording_url: str | None) -> None:
        params: dict[str, Any] = {
            "CALL_ID": crm_call_id,
            "USER_ID": self.config.user_for(call.operator),
            "DURATION": call.duration,
            "STATUS_CODE": STATUS_CODES[call.result or CallResult.MISSED],
        }
        if recording_url:
            params["RECORD_URL"] = recording_url
        await self.call("telephony.externalcall.finish", params)

    async def attach_recording(self, crm_call_id: str, call: CallFacts, recording_url: str) -> None:
        await self.call(
            "telephony.externalCall.attachRecord",
            {"CALL_ID": crm_call_id, "FILENAME": f"{_safe(call.call_id)}.ogg", "RECORD_URL": recording_url},
        )


@contextlib.contextmanager
def _shape(method: str) -> Iterator[None]:
    """An answer that is Bitrix24's JSON but not the shape its documentation gives: unavailable
    (retried later), never a crash of the caller."""
    try:
        yield
    except (ValueError, TypeError, KeyError, AttributeError):
        raise CrmUnavailable(f"Bitrix24 {method}: an answer of an unexpected shape") from None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:100] or "call"


def _why(exc: httpx.HTTPError) -> str:
    return str(exc) or type(exc).__name__


def _json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _error(method: str, status: int, code: str, description: object) -> Exception:
    text = str(description or "").strip()[:DESCRIPTION_MAX]
    said = f"Bitrix24 {method}: {code}" + (f" ({text})" if text else "")
    if code in AUTH_ERRORS or status == 401:
        return CrmAuthError(
            f"{said}: check the webhook URL and its scopes (ringdesk-server crm bitrix24 set)"
        )
    if status >= 500:
        return CrmUnavailable(said)
    return CrmRefused(said)
