"""The HTTP SMS provider shape (docs/integrations.md, "SMS over HTTP").

``POST {sms_http_url}`` with ``Authorization: Bearer {sms_http_token}``, ``Idempotency-Key: {uid}``
and the JSON ``{"id", "to", "from", "text", "report_url"}``. A 2xx answer accepts the message (its
JSON ``id``: the provider's reference); the same ``Idempotency-Key`` again must be answered with the
first answer and no second SMS. 408, 425, 429 and 5xx, timeouts and connection errors are retried;
any other 4xx is a permanent refusal. The provider reports delivery by POSTing
``{"status": "delivered" | "undelivered" | "failed", "error"?}`` to ``report_url``.
"""

from __future__ import annotations

import httpx

from server.messaging.base import Outgoing, Sent
from server.settings import Settings

RETRIED = frozenset({408, 425, 429})


class HttpSmsProvider:
    name = "http"

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = settings.sms_http_url
        token = settings.sms_http_token.get_secret_value() if settings.sms_http_token else ""
        self.sender = settings.sms_sender
        self.client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.sms_timeout_seconds),
            headers={"Authorization": f"Bearer {token}"} if token else {},
            follow_redirects=False,
            trust_env=False,
        )

    async def send(self, message: Outgoing) -> Sent:
        body = {
            "id": str(message.uid),
            "to": message.recipient,
            "from": self.sender,
            "text": message.body,
            "report_url": message.report_url,
        }
        try:
            response = await self.client.post(
                self.url, json=body, headers={"Idempotency-Key": str(message.uid)}
            )
        except httpx.HTTPError as exc:
            return Sent.failed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        if 200 <= response.status_code < 300:
            try:
                ref = response.json().get("id")
            except (ValueError, AttributeError):
                ref = None
            return Sent(True, str(ref) if ref is not None else None)
        error = f"HTTP {response.status_code}: {response.text[:200]}"
        permanent = 400 <= response.status_code < 500 and response.status_code not in RETRIED
        return Sent.failed(error, permanent=permanent)

    async def aclose(self) -> None:
        await self.client.aclose()
