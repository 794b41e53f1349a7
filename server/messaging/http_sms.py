"""The HTTP SMS provider shape (docs/integrations.md, "SMS over HTTP").

``POST {sms_http_url}`` with ``Authorization: Bearer {sms_http_token}``, ``Idempotency-Key: {uid}``
and the JSON ``{"id", "to", "from", "text", "report_url"}``. A 2xx answer accepts the message (its
JSON ``id``: the provider's reference); the same ``Idempotency-Key`` again must be answered with the
first answer and no second SMS. 408, 425, 429 and 5xx, timeouts and connection errors are retried;
any other 4xx is a permanent refusal. The provider reports delivery by POSTing
``{"status": "delivered" | "undelivered" | "failed", "error"?}`` to ``report_url``.

Sent over :class:`~server.messaging.http11.KeepAliveClient` (``chain_send_concurrency`` keep-alive
connections), not httpx: see there why.
"""

from __future__ import annotations

import json

from server.messaging.base import Outgoing, Sent
from server.messaging.http11 import HttpError, KeepAliveClient
from server.settings import Settings

RETRIED = frozenset({408, 425, 429})


class HttpSmsProvider:
    name = "http"

    def __init__(self, settings: Settings) -> None:
        self.url = settings.sms_http_url
        token = settings.sms_http_token.get_secret_value() if settings.sms_http_token else ""
        self.sender = settings.sms_sender
        self.client = KeepAliveClient(
            settings.sms_http_url,
            size=settings.chain_send_concurrency,
            timeout=settings.sms_timeout_seconds,
            headers={"Authorization": f"Bearer {token}"} if token else {},
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
            answer = await self.client.post(json.dumps(body).encode(), {"Idempotency-Key": str(message.uid)})
        except HttpError as exc:
            return Sent.failed(str(exc))
        if 200 <= answer.status < 300:
            try:
                ref = json.loads(answer.body).get("id")
            except (ValueError, AttributeError):
                ref = None
            return Sent(True, str(ref) if ref is not None else None)
        error = f"HTTP {answer.status}: {answer.body[:200].decode(errors='replace')}"
        permanent = 400 <= answer.status < 500 and answer.status not in RETRIED
        return Sent.failed(error, permanent=permanent)

    async def aclose(self) -> None:
        await self.client.aclose()
