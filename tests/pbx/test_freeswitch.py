"""The FreeSWITCH ``mod_callcenter`` adapter against a recorded event-socket conversation (a fake
server on loopback: no FreeSWITCH package exists for this machine), including a dropped socket."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path

from app.wire.statuses import NotReadyReason, OperatorStatus
from server.pbx.adapter import QueueChange
from server.pbx.freeswitch import FreeswitchAdapter

RECORDING = Path(__file__).parent / "recordings" / "freeswitch_callcenter.esl"
BACK = NotReadyReason(code="back_of_queue", label_en="Back", label_ru="В конец", routable=True)
BREAK = NotReadyReason(code="break", label_en="Break", label_ru="Перерыв")


class FakeEsl:
    def __init__(self) -> None:
        lines = [line for line in RECORDING.read_text().splitlines() if line and not line.startswith("#")]
        self.lines = lines
        self.position = 0
        self.errors: list[str] = []
        self.logins = 0
        self.dropped = asyncio.Event()
        self.finished = asyncio.Event()
        self.port = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            writer.write(b"Content-Type: auth/request\n\n")
            if (await reader.readuntil(b"\n\n")).decode() != "auth ClueCon\n\n":
                self.errors.append("bad auth")
            writer.write(b"Content-Type: command/reply\nReply-Text: +OK accepted\n\n")
            self.logins += 1
            while self.position < len(self.lines):
                line = self.lines[self.position]
                self.position += 1
                if line == "DROP":
                    self.dropped.set()
                    writer.close()
                    return
                if line.startswith("> "):
                    got = (await reader.readuntil(b"\n\n")).decode().strip()
                    if got != line[2:]:
                        self.errors.append(f"expected {line[2:]!r}, got {got!r}")
                else:
                    body = line[2:].encode() + b"\n"
                    writer.write(b"Content-Type: api/response\nContent-Length: %d\n\n" % len(body) + body)
                await writer.drain()
            self.finished.set()
            await reader.read()


def change(status: OperatorStatus, reason: NotReadyReason | None = None) -> QueueChange:
    return QueueChange("op_n1", "sip:1001@pbx", None, status, reason, datetime.now(UTC))


def test_a_shift_with_a_dropped_socket() -> None:
    async def scenario() -> None:
        fake = FakeEsl()
        server = await asyncio.start_server(fake.serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        adapter = FreeswitchAdapter.from_url(f"esl://:ClueCon@127.0.0.1:{port}?queues=support")
        await adapter.start()
        try:
            await asyncio.wait_for(adapter.connected.wait(), 5)
            await adapter.apply(change(OperatorStatus.NOT_READY, BREAK))  # logging in: On Break only
            await adapter.apply(change(OperatorStatus.READY))
            await adapter.apply(change(OperatorStatus.NOT_READY, BACK))
            await adapter.apply(change(OperatorStatus.ACW))
            await asyncio.wait_for(fake.dropped.wait(), 5)
            await adapter.apply(change(OperatorStatus.ACW))  # lost on the dead socket: re-applied
            for _ in range(100):
                if fake.logins == 2 and adapter.connected.is_set() and fake.position >= 15:
                    break
                await asyncio.sleep(0.05)
            await adapter.apply(change(OperatorStatus.OFFLINE))
            await asyncio.wait_for(fake.finished.wait(), 5)
        finally:
            await adapter.stop()
            server.close()
        assert fake.errors == []
        assert fake.logins == 2

    asyncio.run(scenario())
