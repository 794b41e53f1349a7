"""The desktop's supervisor survives a service that prints garbage, and restarts one that dies."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import textwrap

from app.telephony import events as ev
from app.telephony.commands import QueryStats
from app.telephony.supervisor import ServiceUnavailable, TelephonyService

FAKE_SERVICE = textwrap.dedent(
    """
    import json, sys
    print("PJSIP says hello on stdout by mistake")
    print("{not json")
    print(json.dumps({"type": "engine_started", "pid": 1, "version": "x", "listen": []}), flush=True)
    print(json.dumps({"type": "no_such_event"}), flush=True)
    sys.stdin.readline()  # the first command: then exit as if the process crashed
    sys.exit(7)
    """
)


def test_garbage_lines_are_skipped_and_a_dead_service_is_restarted() -> None:
    events: list[ev.Event] = []

    async def scenario() -> int:
        service = TelephonyService(
            [sys.executable, "-c", FAKE_SERVICE], on_event=events.append, restart_delays_s=(0.05,)
        )
        await service.start()
        first_pid = service.pid
        with contextlib.suppress(ServiceUnavailable, TimeoutError):
            await service.send(QueryStats(), timeout_s=2)  # the fake exits instead of answering
        for _ in range(100):
            if service.restarts and service.pid != first_pid:
                break
            await asyncio.sleep(0.05)
        restarts = service.restarts
        await service.stop()
        return restarts

    restarts = asyncio.run(scenario())
    assert restarts >= 1
    started = [e for e in events if isinstance(e, ev.EngineStarted)]
    assert len(started) >= 2  # garbage around it did not hide the real event, before or after restart
    stopped = [e for e in events if isinstance(e, ev.EngineStopped)]
    assert stopped and "exit code 7" in stopped[0].reason
