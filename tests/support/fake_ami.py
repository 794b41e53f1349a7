"""A fake Asterisk Manager Interface on loopback that replays a recorded AMI conversation.

No Asterisk package exists for this machine, so the queue adapter is tested against transcripts
(``tests/pbx/recordings/*.ami``) in the exact wire format of Asterisk 18's AMI (``Key: Value`` lines,
a blank line after each message, ``ActionID`` echoed in every response). The fake checks every
action the client sends against the transcript and answers what the transcript says, so a wrong
action, field or order fails the test.

Transcript blocks are separated by blank lines and start with a direction line:

* ``S``: the server sends the message below (``ActionID: *`` is replaced by the ID of the last action
  received); ``BANNER <text>`` sends the greeting line;
* ``C``: the client must send this message (a value ``*`` matches anything);
* ``DROP``: the server closes the connection; the transcript continues on the next connection;
* ``MARK <name>``: sets ``marks[name]`` so a test can wait until the conversation got there;
* ``WAIT <name>``: goes on only once the test sets ``gates[name]`` (the client has dealt with what
  came before: its state between two events can be checked).
Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Step:
    kind: str  # BANNER, S, C, DROP, MARK, WAIT
    text: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def parse(path: Path) -> list[Step]:
    steps: list[Step] = []
    for block in path.read_text().split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        if not lines:
            continue
        head, body = lines[0].strip(), lines[1:]
        kind, _, rest = head.partition(" ")
        fields = {}
        for line in body:
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        steps.append(Step(kind, rest.strip(), fields))
    return steps


class FakeAmi:
    """Serve ``transcript`` on 127.0.0.1 (``port``); ``errors`` collects every mismatch."""

    def __init__(self, transcript: Path) -> None:
        self.steps = parse(transcript)
        self.position = 0
        self.errors: list[str] = []
        self.marks: dict[str, asyncio.Event] = {
            s.text: asyncio.Event() for s in self.steps if s.kind == "MARK"
        }
        self.gates: dict[str, asyncio.Event] = {
            s.text: asyncio.Event() for s in self.steps if s.kind == "WAIT"
        }
        self.finished = asyncio.Event()
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> FakeAmi:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        action_id = ""
        try:
            while self.position < len(self.steps):
                step = self.steps[self.position]
                self.position += 1
                if step.kind == "BANNER":
                    writer.write(f"{step.text}\r\n".encode())
                elif step.kind == "S":
                    values = {
                        k: (action_id if k == "ActionID" and v == "*" else v) for k, v in step.fields.items()
                    }
                    writer.write("".join(f"{k}: {v}\r\n" for k, v in values.items()).encode() + b"\r\n")
                elif step.kind == "C":
                    received = await self._read(reader)
                    action_id = received.get("ActionID", "")
                    self._check(step.fields, received)
                elif step.kind == "MARK":
                    self.marks[step.text].set()
                elif step.kind == "WAIT":
                    await writer.drain()
                    await self.gates[step.text].wait()
                elif step.kind == "DROP":
                    await writer.drain()
                    writer.close()
                    return
                await writer.drain()
            self.finished.set()
            await reader.read()  # keep the connection until the client leaves
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            self.errors.append(f"connection ended at step {self.position}: {exc}")
        finally:
            writer.close()

    @staticmethod
    async def _read(reader: asyncio.StreamReader) -> dict[str, str]:
        fields: dict[str, str] = {}
        while True:
            line = await reader.readline()
            if not line:
                raise ConnectionError("client closed")
            text = line.decode().rstrip("\r\n")
            if not text:
                if fields:
                    return fields
                continue
            key, _, value = text.partition(":")
            fields[key.strip()] = value.strip()

    def _check(self, expected: dict[str, str], received: dict[str, str]) -> None:
        for key, value in expected.items():
            if key not in received or (value != "*" and received[key] != value):
                self.errors.append(f"step {self.position}: expected {key}: {value}, got {received}")
                return
        extra = set(received) - set(expected)
        if extra:
            self.errors.append(f"step {self.position}: unexpected fields {sorted(extra)} in {received}")


class LiveAmi:
    """An AMI on 127.0.0.1 in a thread of its own, for a server in another process (the e2e tests):
    it accepts any login, answers ``QueueStatus`` with the callers it holds (``QueueParams`` per
    queue, a ``QueueEntry`` with ``Wait`` per caller) and every other action with ``Success``; a
    test adds and removes callers (:meth:`join`, :meth:`leave`), which every client hears as
    ``QueueCallerJoin``/``QueueCallerLeave``. Use it with ``with``."""

    def __init__(self, queues: tuple[str, ...]) -> None:
        import threading
        import time

        self.queues = queues
        self.callers: dict[str, tuple[str, float]] = {}
        """Uniqueid -> (queue, when it joined, ``time.monotonic``)."""
        self.port = 0
        self.logins = 0
        self._now = time.monotonic
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-ami", daemon=True)

    def __enter__(self) -> LiveAmi:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def join(self, uid: str, queue: str, waited: float = 0.0) -> None:
        """A caller joins ``queue`` (``waited`` seconds ago, for the next ``QueueStatus``)."""
        self.callers[uid] = (queue, self._now() - waited)
        event = {"Event": "QueueCallerJoin", "Privilege": "agent,all", "Channel": f"PJSIP/trunk-{uid}",
                 "CallerIDNum": "+79123456789", "Queue": queue, "Position": "1", "Uniqueid": uid}  # fmt: skip
        self._loop.call_soon_threadsafe(self._broadcast, event)

    def leave(self, uid: str) -> None:
        queue, _ = self.callers.pop(uid)
        event = {"Event": "QueueCallerLeave", "Privilege": "agent,all", "Queue": queue, "Count": "0",
                 "Position": "1", "Uniqueid": uid}  # fmt: skip
        self._loop.call_soon_threadsafe(self._broadcast, event)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        for writer in self._writers:
            writer.close()

    def _broadcast(self, fields: dict[str, str]) -> None:
        for writer in list(self._writers):
            self._write(writer, fields)

    @staticmethod
    def _write(writer: asyncio.StreamWriter, fields: dict[str, str]) -> None:
        writer.write("".join(f"{k}: {v}\r\n" for k, v in fields.items()).encode() + b"\r\n")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/7.0.3\r\n")
        try:
            while True:
                action = await FakeAmi._read(reader)
                action_id = action.get("ActionID", "")
                if action.get("Action") == "Login":
                    self.logins += 1
                    self._writers.add(writer)
                self._write(writer, {"Response": "Success", "ActionID": action_id, "Message": "ok"})
                if action.get("Action") == "QueueStatus":
                    now = self._now()
                    for queue in self.queues:
                        self._write(writer, {"Event": "QueueParams", "Queue": queue, "ActionID": action_id})
                    for uid, (queue, joined) in self.callers.items():
                        entry = {"Event": "QueueEntry", "Queue": queue, "Uniqueid": uid,
                                 "Wait": str(int(now - joined)), "ActionID": action_id}  # fmt: skip
                        self._write(writer, entry)
                    self._write(writer, {"Event": "QueueStatusComplete", "ActionID": action_id})
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
