"""SMS through Kannel: ringdesk asks smsbox's ``/cgi-bin/sendsms`` to send, bearerbox speaks SMPP
to the operator's SMSC, and Kannel calls ``dlr-url`` with ``%d`` replaced by the report's type
(1 delivered, 2 failed, 4 buffered, 8 accepted by the SMSC, 16 rejected by the SMSC).

``sendsms`` answers ``202 0: Accepted for delivery`` (or ``3: Queued for later delivery``). Kannel
has no idempotency key: a message whose send may have reached smsbox but whose record was lost (a
kill -9 in that instant) is not sent again but waits for the report, whose URL carries our uid
(``server.chains.in_doubt``). Clients' own SMS come back through smsbox's ``sms-service`` get-url
(``server.api.routes.inbound``).
"""

from __future__ import annotations

import httpx

from server.messaging.base import Outgoing, Sent
from server.settings import Settings

DLR_MASK = 1 | 2 | 8 | 16
#: Kannel's report types as the message states they mean (4, "buffered", changes nothing).
REPORT_STATES = {1: "delivered", 2: "undelivered", 8: "sent", 16: "undelivered"}


class KannelProvider:
    name = "kannel"

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url = settings.kannel_sendsms_url
        self.user = settings.kannel_user
        self.password = settings.kannel_password.get_secret_value() if settings.kannel_password else ""
        self.sender = settings.sms_sender
        self.client = httpx.AsyncClient(
            transport=transport, timeout=httpx.Timeout(settings.sms_timeout_seconds), trust_env=False
        )

    async def send(self, message: Outgoing) -> Sent:
        params = {
            "username": self.user,
            "password": self.password,
            "to": message.recipient,
            "text": message.body,
            "charset": "UTF-8",
            "coding": "2" if not message.body.isascii() else "0",
        }
        if self.sender:
            params["from"] = self.sender
        if message.report_url:
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = f"{message.report_url}&kannel=%d"
        try:
            response = await self.client.get(self.url, params=params)
        except httpx.HTTPError as exc:
            return Sent.failed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        text = response.text.strip()[:200]
        if response.status_code in (200, 202) and text[:2] in ("0:", "3:"):
            return Sent(True, None)
        permanent = response.status_code == 400  # 403: our credentials, which an admin fixes
        return Sent.failed(f"Kannel {response.status_code}: {text}", permanent=permanent)

    async def aclose(self) -> None:
        await self.client.aclose()
