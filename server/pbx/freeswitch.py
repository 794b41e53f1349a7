"""FreeSWITCH ``mod_callcenter`` following operator statuses over the event socket (ESL, inbound).

| status                         | ``api callcenter_config ...``                                    |
|--------------------------------|------------------------------------------------------------------|
| logged in after being offline  | ``agent set status A 'On Break'``                                |
| ready                          | ``agent set status A 'Available'``, ``tier set level Q A 1``    |
| not ready, routable reason     | ``'Available'``, ``tier set level Q A N`` (back of queue)       |
| not ready, after-call work     | ``agent set status A 'On Break'`` (no reason field: we keep it) |
| offline                        | ``agent set status A 'Logged Out'``                              |

The agent name is the user part of the operator's SIP URI followed by ``@`` and the domain
(``1001@default``), as ``callcenter.conf`` names agents. Like the Asterisk adapter it remembers each
operator's latest status and re-applies all of them when the socket comes back. The ESL client is
small and owned here for the same reason as the AMI one (``server.pbx.ami``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import unquote, urlsplit

from app.wire.statuses import OperatorStatus
from server.pbx.adapter import QueueChange

log = logging.getLogger("ringdesk.server.pbx.freeswitch")

RETRY_MIN_S = 0.2
RETRY_MAX_S = 10.0


async def read_reply(reader: asyncio.StreamReader) -> tuple[dict[str, str], str]:
    """One ESL message: its headers and body (``Content-Length`` bytes)."""
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if not line:
            raise ConnectionError("event socket closed")
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        if not text:
            if headers:
                break
            continue
        key, _, value = text.partition(":")
        headers[key.strip()] = value.strip()
    length = int(headers.get("Content-Length", "0"))
    body = (await reader.readexactly(length)).decode("utf-8", "replace") if length else ""
    return headers, body


class FreeswitchAdapter:
    """A :class:`~server.pbx.adapter.QueueAdapter` over the event socket (module notes)."""

    name = "freeswitch"

    def __init__(
        self,
        host: str,
        port: int,
        password: str,
        *,
        domain: str = "default",
        queues: tuple[str, ...] = (),
        back_of_queue_level: int = 10,
    ) -> None:
        self.host, self.port, self.password = host, port, password
        self.domain = domain
        self.default_queues = queues
        self.level = back_of_queue_level
        self.latest: dict[str, QueueChange] = {}
        self.connected = asyncio.Event()
        self.connections = 0
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_url(cls, url: str) -> FreeswitchAdapter:
        """``esl://:password@host:8021?domain=default&queues=support,sales``."""
        from urllib.parse import parse_qs

        parts = urlsplit(url)
        if parts.scheme != "esl" or not parts.hostname:
            raise ValueError("an event socket address looks like esl://:password@host:8021")
        query = parse_qs(parts.query)
        queues = tuple(q for q in ",".join(query.get("queues", [])).split(",") if q)
        return cls(
            parts.hostname,
            parts.port or 8021,
            unquote(parts.password or "ClueCon"),
            domain=query.get("domain", ["default"])[0],
            queues=queues,
        )

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ringdesk-esl")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._drop()

    async def apply(self, change: QueueChange) -> None:
        previous = self.latest.get(change.operator)
        self.latest[change.operator] = change
        if not self.connected.is_set():
            return
        try:
            await self._apply(change, logging_in=previous is None or not previous.status.logged_in)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            log.warning(
                "ESL command lost, re-applied on reconnect", extra={"event": "esl.retry", "error": str(exc)}
            )
            self._drop()

    async def api(self, command: str) -> str:
        """Run ``api <command>`` and return FreeSWITCH's answer (``+OK`` or ``-ERR ...``)."""
        async with self._lock:
            reader, writer = self._reader, self._writer
            if reader is None or writer is None:
                raise ConnectionError("not connected to the event socket")
            writer.write(f"api {command}\n\n".encode())
            await writer.drain()
            while True:
                headers, body = await read_reply(reader)
                if headers.get("Content-Type") == "api/response":
                    return body.strip()

    async def _apply(self, change: QueueChange, *, logging_in: bool) -> None:
        user = change.extension
        if user is None:
            return
        agent = f"{user}@{self.domain}"
        queues = change.queues if change.queues is not None else self.default_queues
        status = change.status
        commands: list[str] = []
        if status is OperatorStatus.OFFLINE:
            commands.append(f"callcenter_config agent set status {agent} 'Logged Out'")
        else:
            if logging_in:
                commands.append(f"callcenter_config agent set status {agent} 'On Break'")
            routable_reason = change.reason is not None and change.reason.routable
            if status is OperatorStatus.READY or (status is OperatorStatus.NOT_READY and routable_reason):
                level = 1 if status is OperatorStatus.READY else self.level
                commands.append(f"callcenter_config agent set status {agent} 'Available'")
                commands += [f"callcenter_config tier set level {q} {agent} {level}" for q in queues]
            elif status in (OperatorStatus.NOT_READY, OperatorStatus.ACW):
                commands.append(f"callcenter_config agent set status {agent} 'On Break'")
        for command in dict.fromkeys(commands):  # logging in straight into a break: 'On Break' once
            answer = await self.api(command)
            if not answer.startswith("+OK"):
                log.warning("FreeSWITCH refused a command", extra={"event": "esl.refused", "error": answer})

    async def _run(self) -> None:
        delay = RETRY_MIN_S
        while True:
            try:
                self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
                headers, _ = await read_reply(self._reader)
                if headers.get("Content-Type") != "auth/request":
                    raise ConnectionError("not a FreeSWITCH event socket")
                self._writer.write(f"auth {self.password}\n\n".encode())
                await self._writer.drain()
                headers, _ = await read_reply(self._reader)
                if not headers.get("Reply-Text", "").startswith("+OK"):
                    raise ConnectionError(f"event socket login refused: {headers.get('Reply-Text')}")
                self.connections += 1
                self.connected.set()
                delay = RETRY_MIN_S
                for change in list(self.latest.values()):
                    await self._apply(change, logging_in=True)
                await self._closed()
            except (OSError, ConnectionError, asyncio.IncompleteReadError) as exc:
                log.warning("event socket lost", extra={"event": "esl.lost", "error": str(exc)})
            self._drop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_S)

    async def _closed(self) -> None:
        """Wait until the connection breaks (commands read their own replies under the lock)."""
        while self._writer is not None and not self._writer.is_closing():
            await asyncio.sleep(0.1)
        raise ConnectionError("event socket closed")

    def _drop(self) -> None:
        self.connected.clear()
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
