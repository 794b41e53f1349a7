"""Call outcomes from the PBX adapters, against recorded traffic (no Asterisk or FreeSWITCH package
exists for this machine): app_queue caller events over AMI and mod_callcenter member events over the
event socket become one report per call: abandoned, answered, rang out, nobody logged in."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from app.wire.calls import CallReportIn
from server.pbx.ami import AmiAddress
from server.pbx.asterisk import AsteriskAdapter
from server.pbx.calls import AmiCallTracker, callcenter_report
from server.pbx.freeswitch_events import CallcenterEvents
from tests.support.fake_ami import FakeAmi

RECORDINGS = Path(__file__).parent / "recordings"


async def _until(condition: object, timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def _summary(reports: list[CallReportIn]) -> dict[str, tuple[object, ...]]:
    return {
        r.call_id: (
            r.outcome.value,
            r.missed_reason and r.missed_reason.value,
            r.caller,
            r.dnis,
            r.queue,
            r.wait_seconds,
        )
        for r in reports
    }


def test_asterisk_queue_callers_become_call_reports() -> None:
    async def scenario() -> list[CallReportIn]:
        reports: list[CallReportIn] = []
        async with FakeAmi(RECORDINGS / "asterisk_calls.ami") as fake:
            adapter = AsteriskAdapter(AmiAddress("127.0.0.1", fake.port, "ringdesk", "s3cret"))
            adapter.listeners.append(AmiCallTracker(reports.append, settle=0.2))
            await adapter.start()
            try:
                await asyncio.wait_for(fake.marks["sent"].wait(), 5)
                await _until(lambda: len(reports) == 4)
            finally:
                await adapter.stop()
            assert fake.errors == []
        return reports

    reports = asyncio.run(scenario())
    assert _summary(reports) == {
        "1772442400.11": ("missed", "abandoned", "+79123456789", "74950000001", "support", 40.0),
        "1772442401.12": ("accepted", None, "+79990001122", "74950000002", "support", 7.0),
        "1772442402.13": (
            "missed",
            "rang_out",
            "+74232000000",
            "74950000001",
            "support",
            reports[3].wait_seconds,
        ),
        "1772442403.14": ("missed", "abandoned", None, "74950000001", "support", 2.0),
    }
    answered = next(r for r in reports if r.call_id == "1772442401.12")
    assert answered.operator == "op_n2"
    assert [r.call_id for r in reports].index("1772442401.12") < [r.call_id for r in reports].index(
        "1772442402.13"
    )


def test_a_leave_followed_by_connect_is_only_accepted() -> None:
    """The leave of an answered call is judged after the connect: no "rang out" report for it."""
    reports: list[CallReportIn] = []
    scheduled: list[object] = []
    tracker = AmiCallTracker(reports.append, later=lambda _delay, fn: scheduled.append(fn))
    from server.pbx.asterisk import PbxEvent

    def event(kind: str, **fields: str) -> PbxEvent:
        return PbxEvent(kind, None, "support", {"Uniqueid": "u1", **fields})

    tracker(event("QueueCallerJoin", CallerIDNum="+79990001122"))
    tracker(event("QueueCallerLeave"))
    tracker(event("AgentConnect", MemberName="op_n1", HoldTime="5"))
    for fn in scheduled:
        fn()  # type: ignore[operator]
    assert [(r.outcome.value, r.operator) for r in reports] == [("accepted", "op_n1")]
    assert tracker.callers == {}


def _esl_messages() -> list[str]:
    text = "\n".join(
        line
        for line in (RECORDINGS / "callcenter_events.esl").read_text().splitlines()
        if not line.startswith("#")
    )
    return [block.strip() + "\n" for block in text.split("---")]


def test_freeswitch_callcenter_members_become_call_reports() -> None:
    async def scenario() -> list[CallReportIn]:
        reports: list[CallReportIn] = []
        got: list[str] = []
        served = asyncio.Event()

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
                writer.write(b"Content-Type: auth/request\n\n")
                for _ in range(2):
                    got.append((await reader.readuntil(b"\n\n")).decode().strip())
                    writer.write(b"Content-Type: command/reply\nReply-Text: +OK\n\n")
                for body in _esl_messages():
                    data = body.encode()
                    writer.write(b"Content-Type: text/event-plain\nContent-Length: %d\n\n" % len(data) + data)
                await writer.drain()
                await reader.read()
            served.set()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        listener = CallcenterEvents(
            "127.0.0.1", port, "ClueCon", lambda h: callcenter_report(h, reports.append)
        )
        await listener.start()
        try:
            await _until(lambda: len(reports) == 4)
        finally:
            await listener.stop()
            await asyncio.wait_for(served.wait(), 5)  # the client hung up: the handler is done
            server.close()
        assert got == ["auth ClueCon", "event plain CUSTOM callcenter::info"]
        return reports

    reports = asyncio.run(scenario())
    assert _summary(reports) == {
        "8f1e-a": ("missed", "abandoned", "+79123456789", "74950000001", "support", 40.0),
        "8f1e-b": ("accepted", None, "+79990001122", None, "support", 9.0),
        "8f1e-c": ("missed", "rang_out", "+74232000000", None, "support", 60.0),
        "8f1e-d": ("missed", "nobody_logged_in", "+79123450000", None, "support", 30.0),
    }
