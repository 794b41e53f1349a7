"""``ApiClient``: one typed method per server route the desktop uses (see ``server/api/routes``).

Every request carries the access token, refreshed before it expires and once more on a 401 (then the
request is sent again once). Failures come out as the errors of :mod:`app.client.errors`; httpx's own
exceptions never leak out. Outbox payloads are sent as the exact JSON saved (``content=``), so the
server's request hash sees the same body on every resend. Whom the client trusts over TLS is
:mod:`app.client.tls`'s decision (the OS trust store; nothing at all for ``http://``), shared with the
live feeds' sockets through :attr:`ApiClient.live_tls`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

import httpx

from app.client.answers import JSON, created, ok, parse, parse_list
from app.client.errors import (
    ConflictError,
    LoginRequiredError,
    TransientError,
    UntrustedServerError,
    classify,
    detail_of,
)
from app.client.quality_calls import QualityCalls
from app.client.recording_calls import RecordingCalls
from app.client.report_calls import ReportCalls
from app.client.supervision_calls import SupervisionCalls
from app.client.task_calls import TaskCalls
from app.client.team_calls import TeamLeadCalls
from app.client.tls import certificate_problem, context_for, is_secure
from app.client.tokens import Tokens
from app.credentials import SecretStore
from app.wire.auth import LoginIn, RefreshIn, TokenPair, UserOut
from app.wire.contacts import ContactHistory, ContactIn, ContactOut, FieldSchema
from app.wire.crm import CrmContactOut, LookupMiss
from app.wire.dispositions import Catalogue, DispositionBatchIn, DispositionBatchOut, DispositionOut
from app.wire.kpi import KpiReport
from app.wire.requests import StatusRequestIn, StatusRequestOut
from app.wire.scripts import ScriptDocument, ScriptSummary
from app.wire.statuses import BoardRow, StatusChangeOut

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
KEEPALIVE_EXPIRY_S = 60.0
"""How long an idle connection to the server is kept for the next request (httpx's default: 5 s).
Operators are often idle longer than 5 s between calls, so with httpx's default nearly every screen
pop opened a new connection (a TLS handshake over ``https://``). 60 s is shorter than the server's
keep-alive (``keep_alive_seconds``, 75 s by default; nginx's ``keepalive_timeout`` is 75 s too), so
the desk drops the connection first and never sends on one the server is closing at that very moment
(a request lost with the connection is not resent: the pop would fall back to the cache). A server
that closes earlier is harmless: before reusing a connection httpcore checks whether it is readable,
and one the server closed (EOF) is dropped and a new one opened. What 60 s guards against is a
firewall or NAT that forgets an idle connection without telling either end: a request sent on it
would wait for the read timeout. Such devices keep idle TCP for minutes to hours (RFC 5382 asks a NAT
for at least 2 h; cloud load balancers forget after 4-6 min), well above 60 s."""

log = logging.getLogger("ringdesk.client")


class ApiClient(TeamLeadCalls, TaskCalls, RecordingCalls, SupervisionCalls, QualityCalls, ReportCalls):
    """The server's API for one desktop login (``account`` names it in the keyring)."""

    def __init__(
        self,
        base_url: str,
        *,
        account: str,
        secrets: SecretStore | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        ca_file: str = "",
    ) -> None:
        """``ca_file``: the ``server_ca_file`` setting, a CA trusted besides the OS store."""
        self.base_url = base_url
        self.ca_file = ca_file
        self.tokens = Tokens(account, secrets)
        self.tls = context_for(base_url, ca_file)
        """The TLS context of every connection to the server (:mod:`app.client.tls`)."""
        self._untrusted_logged = False
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            verify=self.tls,
            limits=httpx.Limits(
                max_connections=8, max_keepalive_connections=8, keepalive_expiry=KEEPALIVE_EXPIRY_S
            ),
            headers={"User-Agent": "ringdesk-desktop"},
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------ login
    async def login(self, name: str, password: str) -> UserOut:
        """Log in; the refresh token goes to the keyring. 401 -> :class:`LoginRequiredError`."""
        body = LoginIn(name=name, password=password).model_dump_json()
        response = await self._raw("POST", "/auth/login", content=body, headers=JSON)
        if response.status_code == 401:
            raise LoginRequiredError(detail_of(response), 401)
        if response.status_code != 200:
            raise classify(response)
        pair = parse(TokenPair, response)
        self.tokens.accept(pair)
        return pair.user

    async def resume(self) -> UserOut | None:
        """Continue the login kept in the keyring (at start-up); ``None`` when there is none or the
        server no longer accepts it (ask for the password then).

        The keyring is asked once (not again by the refresh), from a worker thread: at the desktop's
        start each question is a round trip to the keyring helper and on to the Secret Service, and
        the GUI thread builds the window meanwhile (issue 15: the cold start)."""
        token = await asyncio.to_thread(self.tokens.refresh_token)
        if token is None:
            return None
        try:
            await self._refresh(None, known=token)
        except LoginRequiredError:
            return None
        return self.tokens.user

    async def logout(self) -> None:
        token = self.tokens.refresh_token()
        self.tokens.forget()
        if token is not None:
            # A failure is harmless: the token expires on its own, and the local copy is gone already.
            with contextlib.suppress(TransientError):
                await self._raw(
                    "POST",
                    "/auth/logout",
                    content=RefreshIn(refresh_token=token).model_dump_json(),
                    headers=JSON,
                )

    async def healthy(self) -> bool:
        """Whether the server says it is up with its database (``GET /health``, no login). The sync
        pump asks before parking a record the server keeps failing on: a 500 while this holds is the
        record's fault; a 500 on everything, the health check included, is an outage."""
        try:
            response = await self._raw("GET", "/health")
        except TransientError:
            return False
        if response.status_code != 200:
            return False
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and body.get("status") == "ok"

    # ------------------------------------------------------------------ records (the outbox's)
    async def post_disposition(self, payload: str, key: str) -> DispositionOut | None:
        """Store a disposition. 201 means stored (also on a replay); ``None`` when the 201's body was
        unreadable, which still means stored."""
        response = await self.request(
            "POST", "/dispositions", content=payload, headers={**JSON, "Idempotency-Key": key}
        )
        return created(DispositionOut, response)

    async def post_disposition_batch(self, batch: DispositionBatchIn) -> DispositionBatchOut | None:
        """Store many dispositions in one request, each under its own key; one result per item.
        ``None`` when this server has no batch endpoint (an older server): send them one by one."""
        response = await self.request(
            "POST", "/dispositions/batch", content=batch.model_dump_json(), headers=JSON
        )
        if response.status_code in (404, 405):
            return None
        return ok(DispositionBatchOut, response)

    async def post_status(self, payload: str, key: str) -> StatusChangeOut | None:
        """Store a status change (same contract as :meth:`post_disposition`)."""
        response = await self.request(
            "POST", "/statuses", content=payload, headers={**JSON, "Idempotency-Key": key}
        )
        return created(StatusChangeOut, response)

    async def patch_contact(self, contact_id: int, payload: str, if_match: int) -> ContactOut:
        """Apply a contact edit made on version ``if_match`` (412 -> :class:`ConflictError`)."""
        response = await self.request(
            "PATCH", f"/contacts/{contact_id}", content=payload, headers={**JSON, "If-Match": f'"{if_match}"'}
        )
        if response.status_code != 200:
            raise classify(response)
        return parse(ContactOut, response)

    # ------------------------------------------------------------------ reads
    async def lookup_contact(self, phone: str) -> ContactOut | CrmContactOut | None:
        """The contact with this number (any written form); when ringdesk has none, what the centre's
        CRM knows of it (the 404's ``crm``, docs/integrations.md), else ``None``."""
        response = await self.request("GET", "/contacts/lookup", params={"phone": phone})
        if response.status_code == 404:
            return crm_of(response)
        return ok(ContactOut, response)

    async def get_contact(self, contact_id: int) -> ContactOut | None:
        response = await self.request("GET", f"/contacts/{contact_id}")
        if response.status_code == 404:
            return None
        return ok(ContactOut, response)

    async def catalogue(self, queue: str | None = None) -> Catalogue:
        params = {"queue": queue} if queue else None
        return ok(Catalogue, await self.request("GET", "/catalogue", params=params))

    async def list_scripts(self) -> list[ScriptSummary]:
        return parse_list(ScriptSummary, await self.request("GET", "/scripts"))

    async def select_script(self, queue: str | None, segment: str | None) -> ScriptDocument | None:
        params = {k: v for k, v in (("queue", queue), ("segment", segment)) if v}
        response = await self.request("GET", "/scripts/select", params=params)
        if response.status_code == 404:
            return None
        return ok(ScriptDocument, response)

    async def get_script(self, script_id: str, version: int) -> ScriptDocument | None:
        response = await self.request("GET", f"/scripts/{script_id}/versions/{version}")
        if response.status_code == 404:
            return None
        return ok(ScriptDocument, response)

    async def me(self) -> UserOut:
        """Who this login is (also refreshes the access token when it is due)."""
        return ok(UserOut, await self.request("GET", "/users/me"))

    async def my_status(self) -> BoardRow:
        """The signed-in operator's current status on the server (``GET /me/status``)."""
        return ok(BoardRow, await self.request("GET", "/me/status"))

    async def field_schema(self) -> list[FieldSchema]:
        """The custom fields contacts carry, in display order."""
        return parse_list(FieldSchema, await self.request("GET", "/contacts/fields"))

    async def contact_history(self, contact_id: int) -> ContactHistory | None:
        """A contact's last calls with their results, the chains' e-mails and SMS with their delivery
        status, and the client's replies; ``None`` when the contact is gone."""
        params = {"messages": "true", "inbound": "true"}
        response = await self.request("GET", f"/contacts/{contact_id}/history", params=params)
        if response.status_code == 404:
            return None
        return ok(ContactHistory, response)

    async def create_contact(self, contact: ContactIn) -> ContactOut:
        response = await self.request("POST", "/contacts", content=contact.model_dump_json(), headers=JSON)
        if response.status_code != 201:
            raise classify(response)
        return parse(ContactOut, response)

    async def create_request(self, request: StatusRequestIn) -> StatusRequestOut:
        """A team lead's force, or an operator's break request (``/requests``)."""
        response = await self.request("POST", "/requests", content=request.model_dump_json(), headers=JSON)
        if response.status_code != 201:
            raise classify(response)
        return parse(StatusRequestOut, response)

    async def kpi(self, *, tz: str, operator: str | None = None, day: date | None = None) -> KpiReport:
        """The server's KPIs for one calendar ``day`` (default: today) in the zone ``tz``."""
        params: dict[str, str] = {"tz": tz}
        if operator is not None:
            params["operator"] = operator
        if day is not None:
            params["day"] = day.isoformat()
        return ok(KpiReport, await self.request("GET", "/kpi", params=params))

    # ------------------------------------------------------------------ live feeds (WebSocket)
    async def live_url(self, path: str, **params: str) -> tuple[str, str]:
        """The ``ws(s)://`` address of a live feed with a fresh access token in its query (the
        server's WebSocket routes read it there), and that token: after the server closes the
        socket with 4401 give it to :meth:`renew`."""
        if self.tokens.needs_refresh():
            await self._refresh(self.tokens.access_token)
        token = self.tokens.access_token
        if token is None:
            raise LoginRequiredError("not logged in")
        base = self.base_url.rstrip("/")
        rest = base.split("://", 1)[1]
        query = urlencode({**params, "token": token})
        return f"{'wss' if is_secure(base) else 'ws'}://{rest}{path}?{query}", token

    @property
    def live_tls(self) -> ssl.SSLContext | None:
        """The ``ssl`` argument of a socket to a :meth:`live_url`: this client's context for ``wss://``
        (the same trust as every request, built once rather than per connection), ``None`` for
        ``ws://`` (where the socket library refuses a context)."""
        return self.tls if is_secure(self.base_url) else None

    async def renew(self, used: str) -> None:
        """The server refused ``used`` (a live feed closed with 4401: expired or revoked): get a new
        access token, unless another request already did."""
        await self._refresh(used)

    # ------------------------------------------------------------------ plumbing
    async def request(
        self,
        method: str,
        path: str,
        *,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """Send with the access token (refreshed as needed; once more after a 401). The answer is
        returned whatever its status, except a 401 that survives a refresh (:class:`LoginRequiredError`)."""
        if self.tokens.needs_refresh():
            await self._refresh(self.tokens.access_token)
        used = self.tokens.access_token
        response = await self._raw(method, path, content=content, headers=headers, params=params, token=used)
        if response.status_code == 401:
            await self._refresh(used)
            response = await self._raw(
                method, path, content=content, headers=headers, params=params, token=self.tokens.access_token
            )
            if response.status_code == 401:
                raise LoginRequiredError(detail_of(response), 401)
        return response

    async def _refresh(self, used: str | None, *, known: str | None = None) -> None:
        """Exchange the refresh token, unless another task already did since ``used`` was current.
        ``known``: the refresh token the caller has just read from the keyring (used unless another
        task refreshed meanwhile, when this returns before reading it)."""
        async with self.tokens.lock:
            if self.tokens.access_token != used and not self.tokens.needs_refresh():
                return
            token = known if known is not None else self.tokens.refresh_token()
            if token is None:
                raise LoginRequiredError("not logged in")
            body = RefreshIn(refresh_token=token).model_dump_json()
            response = await self._raw("POST", "/auth/refresh", content=body, headers=JSON)
            if response.status_code == 401:
                self.tokens.forget()
                raise LoginRequiredError(detail_of(response), 401)
            if response.status_code != 200:
                raise classify(response)
            self.tokens.accept(parse(TokenPair, response))

    async def _raw(
        self,
        method: str,
        path: str,
        *,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        try:
            return await self._http.request(
                method,
                path,
                content=content.encode() if isinstance(content, str) else content,
                headers=all_headers,
                params=params,
            )
        except httpx.TimeoutException:
            raise TransientError(f"{method} {path}: no answer in time") from None
        except httpx.HTTPError as exc:
            reason = certificate_problem(exc)
            if reason is not None:
                if not self._untrusted_logged:  # once: the sync pump retries all day
                    self._untrusted_logged = True
                    log.warning("the certificate of %s is not trusted: %s", self.base_url, reason)
                raise UntrustedServerError(
                    f"{method} {path}: the server's certificate is not trusted ({reason})", reason
                ) from None
            raise TransientError(f"{method} {path}: {type(exc).__name__}") from None


__all__ = ["ApiClient", "ConflictError", "LoginRequiredError", "TransientError", "UntrustedServerError"]


def crm_of(response: httpx.Response) -> CrmContactOut | None:
    """The CRM's contact a lookup's 404 carries; ``None`` when there is none, or it cannot be read (an
    older server says nothing; a CRM answer the wire cannot hold is no reason to fail a screen pop)."""
    try:
        return LookupMiss.model_validate_json(response.content).crm
    except ValueError:
        return None
