"""Callers waiting in the PBX queues now (``server.pbx.waiting``), against recorded traffic on a real
loopback TCP server (no Asterisk or FreeSWITCH package exists for this machine, so no real PBX is
involved): callers join, leave, give up, are answered; the connection drops while a caller hangs up,
and the resync on reconnect (AMI ``QueueStatus``, ``callcenter_config queue list members``) leaves
no ghost; events that arrive during the resync are not lost."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from server.pbx.ami import AmiAddress
from server.pbx.asterisk import AsteriskAdapter
from server.pbx.freeswitch_events import CallcenterEvents
from server.pbx.waiting import CallcenterWaiting, WaitingBoard, watch_asterisk
from tests.support.fake_ami import FakeAmi, LiveAmi

RECORDINGS = Path(__file__).parent / "recordings"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""The books' clock: every event arrives at T0; the figures are read 5 s later."""
UNKNOWN = (None, None)

State = dict[str, tuple[int | None, float | None]]


def _watch(board: WaitingBoard) -> list[State]:
    """Every distinct state the board goes through, read at T0 + 5 s."""
    states: list[State] = []

    def changed() -> None:
        now = {
            q: (w.waiting, w.longest_wait_seconds)
            for q, w in board.figures(T0 + timedelta(seconds=5)).items()
        }
        if not states or states[-1] != now:
            states.append(now)

    board.listeners.append(changed)
    return states


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def test_asterisk_callers_join_leave_abandon_and_a_reconnect_leaves_no_ghost() -> None:
    async def scenario() -> list[State]:
        board = WaitingBoard()
        states = _watch(board)
        async with FakeAmi(RECORDINGS / "asterisk_waiting.ami") as fake:
            adapter = AsteriskAdapter(AmiAddress("127.0.0.1", fake.port, "ringdesk", "s3cret"))
            watch_asterisk(adapter, board, clock=lambda: T0)
            await adapter.start()
            try:
                for gate in ("synced", "resynced"):  # the status list read before the next event
                    await _until(lambda: board.connected)
                    fake.gates[gate].set()
                    await _until(lambda: not board.connected or fake.finished.is_set())
                await asyncio.wait_for(fake.finished.wait(), 10)
                await _until(lambda: states[-1].get("sales") == (1, 5.0))
                assert adapter.client.connections == 2
                assert board.connected
            finally:
                await adapter.stop()
            assert fake.errors == []
        assert not board.connected  # stopped: unknown again, not "nobody waits"
        return states

    states = asyncio.run(scenario())
    assert states == [
        {"support": (1, 35.0), "sales": (1, 17.0)},  # QueueStatus on login: Wait 30 and 12
        {"support": (2, 35.0), "sales": (1, 17.0)},  # A joins
        {"support": (3, 35.0), "sales": (1, 17.0)},  # B joins
        {"support": (2, 35.0), "sales": (1, 17.0)},  # A abandons (his Leave changes nothing more)
        {"support": (1, 35.0), "sales": (1, 17.0)},  # B answered
        {"support": UNKNOWN, "sales": UNKNOWN},  # the connection dropped: not known
        # the resync: the caller who hung up meanwhile is gone; the one who joined during it is there
        {"support": (0, 0.0), "sales": (2, 25.0)},
        {"support": (0, 0.0), "sales": (1, 5.0)},  # the longest waiter in sales answered
        {"support": UNKNOWN, "sales": UNKNOWN},  # the adapter stopped
    ]


def _member_event(action: str, member: str, queue: str = "support@default", **extra: str) -> bytes:
    body = "".join(
        f"{k}: {v}\n"
        for k, v in {
            "Event-Name": "CUSTOM",
            "Event-Subclass": "callcenter%3A%3Ainfo",
            "CC-Queue": queue.replace("@", "%40"),
            "CC-Action": action,
            "CC-Member-UUID": member,
            "CC-Member-Session-UUID": f"s-{member}",
            **extra,
        }.items()
    ).encode()
    return b"Content-Type: text/event-plain\nContent-Length: %d\n\n" % len(body) + body


def _api(body: str) -> bytes:
    data = body.encode()
    return b"Content-Type: api/response\nContent-Length: %d\n\n" % len(data) + data


QUEUES = (
    "name|strategy|moh_sound|time_base_score|tier_rules_apply|tier_rule_wait_second|"
    "tier_rule_no_agent_no_wait|discard_abandoned_after|abandoned_resume_allowed|max_wait_time|"
    "max_wait_time_with_no_agent|max_wait_time_with_no_agent_time_reached|record_template|"
    "calls_answered|calls_abandoned|ring_progressively_delay\n"
    "support@default|longest-idle-agent|local_stream://moh|system|false|300|false|60|false|0|0|5||4|1|10\n"
    "sales@default|ring-all|local_stream://moh|system|false|300|false|60|false|0|0|5||0|0|10\n"
    "+OK\n"
)
MEMBERS = (
    "queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|"
    "rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|serving_system|"
    "state|score\n"
)


def _member(member: str, state: str, waited: int, queue: str = "support@default") -> str:
    joined = int(T0.timestamp()) - waited
    return (
        f"{queue}|single_box|{member}|s-{member}|+7912|+7912|{joined}|{joined}|0|0|0|0|0|||{state}|{waited}\n"
    )


def test_freeswitch_members_start_end_bridge_and_a_reconnect_leaves_no_ghost() -> None:
    """mod_callcenter's members over the event socket: the resync on each subscription lists the
    queues and their members (``Waiting``/``Trying`` wait, ``Answered`` does not); events that come
    before an ``api`` answer on the same socket are applied in order."""
    got: list[str] = []
    epoch = int(T0.timestamp())
    connections = [
        (
            {
                "callcenter_config queue list": [_api(QUEUES)],
                "callcenter_config queue list members support@default": [
                    _api(
                        MEMBERS
                        + _member("m1", "Waiting", 40)
                        + _member("m2", "Answered", 90)
                        + _member("m3", "Trying", 10)
                        + "+OK\n"
                    )
                ],
                "callcenter_config queue list members sales@default": [_api(MEMBERS + "+OK\n")],
            },
            [
                _member_event("member-queue-start", "m4", **{"CC-Member-Joined-Time": str(epoch - 2)}),
                _member_event("bridge-agent-start", "m1"),  # answered: no longer waiting
                _member_event("member-queue-end", "m3", **{"CC-Cause": "Cancel", "CC-Cancel-Reason": "NONE"}),
            ],
        ),
        (
            {
                "callcenter_config queue list": [_api(QUEUES)],
                # a sales caller joins while the resync runs: announced before the list's answer
                "callcenter_config queue list members support@default": [
                    _member_event("member-queue-start", "m5", "sales@default"),
                    _api(MEMBERS + _member("m4", "Waiting", 30) + "+OK\n"),
                ],
                "callcenter_config queue list members sales@default": [_api(MEMBERS + "+OK\n")],
            },
            [_member_event("member-queue-end", "m4", **{"CC-Cause": "Terminated"})],
        ),
    ]
    # (m2 was answered before ringdesk connected; m4's end is that of an answered call, whose
    # bridge-agent-start ringdesk missed while it was away: the end removes it all the same)

    async def scenario() -> list[State]:
        board = WaitingBoard()
        states = _watch(board)
        served = 0
        done = asyncio.Event()

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal served
            answers, events = connections[served]
            served += 1
            with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
                writer.write(b"Content-Type: auth/request\n\n")
                for _ in range(2):
                    got.append((await reader.readuntil(b"\n\n")).decode().strip())
                    writer.write(b"Content-Type: command/reply\nReply-Text: +OK\n\n")
                for _ in answers:
                    command = (await reader.readuntil(b"\n\n")).decode().strip()
                    got.append(command)
                    for message in answers.get(command.removeprefix("api "), [_api("-ERR unknown\n")]):
                        writer.write(message)
                for message in events:
                    writer.write(message)
                await writer.drain()
                if served == 1:
                    await _until(lambda: states[-1].get("support") == (1, 7.0))
                    return  # the socket drops
                done.set()
                await reader.read()
            writer.close()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        members = CallcenterWaiting(board.book("freeswitch", clock=lambda: T0))
        listener = CallcenterEvents(
            "127.0.0.1",
            port,
            "ClueCon",
            members.on_event,
            on_subscribed=members.resync,
            on_lost=members.book.lost,
        )
        await listener.start()
        try:
            await asyncio.wait_for(done.wait(), 10)
            await _until(lambda: states[-1].get("support") == (0, 0.0))
        finally:
            await listener.stop()
            server.close()
        return states

    states = asyncio.run(scenario())
    assert got[:5] == [
        "auth ClueCon",
        "event plain CUSTOM callcenter::info",
        "api callcenter_config queue list",
        "api callcenter_config queue list members support@default",
        "api callcenter_config queue list members sales@default",
    ]
    assert states == [
        {"support": (2, 45.0), "sales": (0, 0.0)},  # m1 waited 40 s, m3 10 s; m2 is answered
        {"support": (3, 45.0), "sales": (0, 0.0)},  # m4 joins (2 s ago by its own clock)
        {"support": (2, 15.0), "sales": (0, 0.0)},  # m1 answered
        {"support": (1, 7.0), "sales": (0, 0.0)},  # m3 gave up
        {"support": UNKNOWN, "sales": UNKNOWN},  # the socket dropped
        {"support": (1, 35.0), "sales": (1, 5.0)},  # resynced: m4 (30 s), m5 from the event meanwhile
        {"support": (0, 0.0), "sales": (1, 5.0)},  # m4's call ended
        {"support": UNKNOWN, "sales": UNKNOWN},  # stopped
    ]


def test_every_worker_hears_the_pbx_itself() -> None:
    """``serve --workers N`` builds the adapters in every worker (no leader): each has its own AMI
    connection, hears every caller event and answers ``GET /reports/live`` from its own book; a
    worker that connects later learns who already waits from its QueueStatus."""

    async def scenario() -> None:
        with LiveAmi(("support",)) as ami:
            ami.join("u-early", "support", waited=12)
            boards = [WaitingBoard(), WaitingBoard()]
            adapters = [
                AsteriskAdapter(AmiAddress("127.0.0.1", ami.port, "ringdesk", "s3cret")) for _ in boards
            ]
            for adapter, board in zip(adapters, boards, strict=True):
                watch_asterisk(adapter, board)
            await adapters[0].start()
            try:
                await _until(lambda: boards[0].connected)
                ami.join("u-1", "support")
                await _until(lambda: boards[0].figures(T0)["support"].waiting == 2)
                await adapters[1].start()  # a worker started (or restarted) later
                await _until(lambda: boards[1].connected)
                ami.join("u-2", "support")
                for board in boards:

                    def three(board: WaitingBoard = board) -> bool:
                        return board.figures(datetime.now(UTC))["support"].waiting == 3

                    await _until(three)
                    longest = board.figures(datetime.now(UTC))["support"].longest_wait_seconds
                    assert longest is not None and 12 <= longest < 20
            finally:
                for adapter in adapters:
                    await adapter.stop()

    asyncio.run(scenario())
