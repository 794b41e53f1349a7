"""``ApiClient``: one typed method per server route the desktop uses (see ``server/api/routes``).

Every request carries the access token, refreshed before it expires and once more on a 401 (then the
request is sent again once). Failures come out as the errors of :mod:`app.client.errors`; httpx's own
exceptions never leak out. Outbox payloads are sent as the exact JSON saved (``content=``), so the
server's request hash sees the same body on every resend.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from app.client.errors import ConflictError, LoginRequiredError, TransientError, classify, detail_of
from app.client.tokens import Tokens
from app.credentials import SecretStore
from app.wire.auth import LoginIn, RefreshIn, TokenPair, UserOut
from app.wire.contacts import ContactOut
from app.wire.dispositions import Catalogue, DispositionBatchIn, DispositionBatchOut, DispositionOut
from app.wire.scripts import ScriptDocument, ScriptSummary
from app.wire.statuses import StatusChangeOut

M = TypeVar("M", bound=BaseModel)
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)
JSON = {"Content-Type": "application/json"}


def parse(model: type[M], response: httpx.Response) -> M:
    """The answer as ``model``; a body that is not one is a :class:`TransientError` (a proxy or a
    captive portal answered, or the answer was cut)."""
    try:
        return model.model_validate_json(response.content)
    except (ValidationError, ValueError):
        raise TransientError(
            f"malformed answer to {response.request.url.path}", response.status_code
        ) from None


class ApiClient:
    """The server's API for one desktop login (``account`` names it in the keyring)."""

    def __init__(
        self,
        base_url: str,
        *,
        account: str,
        secrets: SecretStore | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.tokens = Tokens(account, secrets)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
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
        server no longer accepts it (ask for the password then)."""
        if self.tokens.refresh_token() is None:
            return None
        try:
            await self._refresh(None)
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

    # ------------------------------------------------------------------ records (the outbox's)
    async def post_disposition(self, payload: str, key: str) -> DispositionOut | None:
        """Store a disposition. 201 means stored (also on a replay); ``None`` when the 201's body was
        unreadable, which still means stored."""
        response = await self.request(
            "POST", "/dispositions", content=payload, headers={**JSON, "Idempotency-Key": key}
        )
        return _created(DispositionOut, response)

    async def post_disposition_batch(self, batch: DispositionBatchIn) -> DispositionBatchOut | None:
        """Store many dispositions in one request, each under its own key; one result per item.
        ``None`` when this server has no batch endpoint (an older server): send them one by one."""
        response = await self.request(
            "POST", "/dispositions/batch", content=batch.model_dump_json(), headers=JSON
        )
        if response.status_code in (404, 405):
            return None
        return _ok(DispositionBatchOut, response)

    async def post_status(self, payload: str, key: str) -> StatusChangeOut | None:
        """Store a status change (same contract as :meth:`post_disposition`)."""
        response = await self.request(
            "POST", "/statuses", content=payload, headers={**JSON, "Idempotency-Key": key}
        )
        return _created(StatusChangeOut, response)

    async def patch_contact(self, contact_id: int, payload: str, if_match: int) -> ContactOut:
        """Apply a contact edit made on version ``if_match`` (412 -> :class:`ConflictError`)."""
        response = await self.request(
            "PATCH", f"/contacts/{contact_id}", content=payload, headers={**JSON, "If-Match": f'"{if_match}"'}
        )
        if response.status_code != 200:
            raise classify(response)
        return parse(ContactOut, response)

    # ------------------------------------------------------------------ reads
    async def lookup_contact(self, phone: str) -> ContactOut | None:
        """The contact with this number (any written form), ``None`` when nobody has it."""
        response = await self.request("GET", "/contacts/lookup", params={"phone": phone})
        if response.status_code == 404:
            return None
        return _ok(ContactOut, response)

    async def get_contact(self, contact_id: int) -> ContactOut | None:
        response = await self.request("GET", f"/contacts/{contact_id}")
        if response.status_code == 404:
            return None
        return _ok(ContactOut, response)

    async def catalogue(self, queue: str | None = None) -> Catalogue:
        params = {"queue": queue} if queue else None
        return _ok(Catalogue, await self.request("GET", "/catalogue", params=params))

    async def list_scripts(self) -> list[ScriptSummary]:
        response = await self.request("GET", "/scripts")
        if response.status_code != 200:
            raise classify(response)
        try:
            return [ScriptSummary.model_validate(item) for item in json.loads(response.content)]
        except (ValidationError, ValueError, TypeError):
            raise TransientError("malformed answer to /scripts", 200) from None

    async def select_script(self, queue: str | None, segment: str | None) -> ScriptDocument | None:
        params = {k: v for k, v in (("queue", queue), ("segment", segment)) if v}
        response = await self.request("GET", "/scripts/select", params=params)
        if response.status_code == 404:
            return None
        return _ok(ScriptDocument, response)

    async def get_script(self, script_id: str, version: int) -> ScriptDocument | None:
        response = await self.request("GET", f"/scripts/{script_id}/versions/{version}")
        if response.status_code == 404:
            return None
        return _ok(ScriptDocument, response)

    # ------------------------------------------------------------------ plumbing
    async def request(
        self,
        method: str,
        path: str,
        *,
        content: str | None = None,
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

    async def _refresh(self, used: str | None) -> None:
        """Exchange the refresh token, unless another task already did since ``used`` was current."""
        async with self.tokens.lock:
            if self.tokens.access_token != used and not self.tokens.needs_refresh():
                return
            token = self.tokens.refresh_token()
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
        content: str | None = None,
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
                content=content.encode() if content is not None else None,
                headers=all_headers,
                params=params,
            )
        except httpx.TimeoutException:
            raise TransientError(f"{method} {path}: no answer in time") from None
        except httpx.HTTPError as exc:
            raise TransientError(f"{method} {path}: {type(exc).__name__}") from None


def _ok(model: type[M], response: httpx.Response) -> M:
    if response.status_code != 200:
        raise classify(response)
    return parse(model, response)


def _created(model: type[M], response: httpx.Response) -> M | None:
    if response.status_code != 201:
        raise classify(response)
    try:
        return parse(model, response)
    except TransientError:
        return None


__all__ = ["ApiClient", "ConflictError", "LoginRequiredError", "TransientError"]
