"""The HTTP SMS provider's keep-alive client (``server.messaging.http11``) against a real socket
server: connections are kept and reused, and a connection the provider closed while it sat idle
(the usual keep-alive race) costs the message nothing: it goes out once, on a fresh connection,
instead of failing into a retry minutes later."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr

from server.messaging.base import Outgoing
from server.messaging.http_sms import HttpSmsProvider
from tests.server.conftest import make_settings

BODY = b'{"id": "p-1", "status": "accepted"}'
ANSWER = b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(BODY),
    BODY,
)


class Provider:
    """Answers each POST with 202. ``drop_reused``: a request that comes on a connection already used
    is not read: the connection is closed (a provider that timed the idle connection out just as the
    client sent on it)."""

    def __init__(self, *, drop_reused: bool) -> None:
        self.drop_reused = drop_reused
        self.keys: list[str] = []
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        answered = False
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if answered and self.drop_reused:
                    break
                lines = head.decode().split("\r\n")
                headers = {
                    k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                await reader.readexactly(int(headers["content-length"]))
                self.keys.append(headers["idempotency-key"])
                writer.write(ANSWER)
                await writer.drain()
                answered = True
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


@asynccontextmanager
async def serving(provider: Provider) -> AsyncIterator[str]:
    server = await asyncio.start_server(provider.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/sms"
    finally:
        server.close()


def _sms() -> Outgoing:
    return Outgoing(uid=uuid.uuid4(), channel="sms", recipient="+79123456789", subject=None, body="Hi")


def _provider(url: str) -> HttpSmsProvider:
    settings = make_settings(
        "sqlite://",
        sms_provider="http",
        sms_http_url=url,
        sms_http_token=SecretStr("t" * 20),
        sms_timeout_seconds=5,
    )
    return HttpSmsProvider(settings)


def test_one_connection_carries_the_messages_one_after_another() -> None:
    async def go() -> tuple[list[bool], Provider]:
        provider = Provider(drop_reused=False)
        async with serving(provider) as url:
            sms = _provider(url)
            sent = [(await sms.send(_sms())).ok for _ in range(5)]
            await sms.aclose()
        return sent, provider

    sent, provider = asyncio.run(go())
    assert sent == [True] * 5
    assert provider.connections == 1


def test_a_kept_connection_the_provider_drops_is_replaced_and_the_sms_goes_once() -> None:
    async def go() -> tuple[list[bool], Provider, list[str]]:
        provider = Provider(drop_reused=True)
        async with serving(provider) as url:
            sms = _provider(url)
            messages = [_sms() for _ in range(3)]
            sent = [(await sms.send(message)).ok for message in messages]
            await sms.aclose()
        return sent, provider, [str(m.uid) for m in messages]

    sent, provider, keys = asyncio.run(go())
    assert sent == [True, True, True]
    assert provider.keys == keys  # each message once
    assert provider.connections == 3
