"""The desktop as a call-outcome source (``app.tasks.outcomes``), on the real workstation with a fake
phone, the real outbox and pump: an inbound call the caller gave up on while it rang is reported
missed/abandoned, a rejected one missed/rang_out, an answered one accepted by this operator, each
once, named by its SIP Call-ID; outbound calls are not reported; and the reports reach a server that
was away at first."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.client.errors import TransientError
from app.session import AcwPolicy
from app.store.database import LocalStore, open_store
from app.store.schema import OutboxKind
from app.sync.deliver import Deliverer
from app.sync.outbox import Outbox
from app.sync.pump import RetryPolicy, SyncPump
from app.sync.status import SyncMonitor
from app.tasks.outcomes import CallOutcomeReporter
from app.telephony.events import CallState, EndCause
from app.wire.calls import CallOut, CallOutcome, CallReportIn
from app.workstation import Workstation, WorkstationConfig
from tests.core.helpers import OPERATOR, FakeOutbox, FakePhone, clock, ended, incoming, state
from tests.core.test_task_desk import CATALOGUE


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = open_store(tmp_path / "ringdesk.sqlite3")
    yield local
    local.close()


class AwayServer:
    """``POST /calls/desktop``: away at first, then it merges reports by call id."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, object]] = {}
        self.posts = 0

    async def post_call_report(self, payload: str) -> CallOut:
        self.posts += 1
        if self.posts == 1:
            raise TransientError("connection refused")
        report = json.loads(payload)
        self.calls[report["call_id"]] = report
        return CallOut.model_validate(report | {"id": len(self.calls), "sources": ["desktop"]})

    async def healthy(self) -> bool:
        return True


def test_calls_that_rang_here_are_reported_once_each_and_reach_the_server(store: LocalStore) -> None:
    outbox = Outbox(store)
    ws = Workstation(
        WorkstationConfig(OPERATOR, acw=AcwPolicy()),
        phone=FakePhone(),
        outbox=FakeOutbox(),
        catalogue=CATALOGUE,
        clock=clock(),
        registered=True,
    )
    reporter = CallOutcomeReporter(ws.hub, outbox)
    ws.start_shift()
    ws.on_phone_event(incoming("gave-up", 0, queue="sales"))
    ws.on_phone_event(ended("gave-up", 8, EndCause.CANCELLED, 487))
    ws.on_phone_event(incoming("rejected", 10, number="anonymous"))
    ws.on_phone_event(ended("rejected", 12, EndCause.REJECTED, 486))
    ws.on_phone_event(incoming("answered", 20))
    ws.on_phone_event(state("answered", CallState.ACTIVE, 23))
    # answered: the server learns of the call in progress at once (a supervision grant names it)
    live = [CallReportIn.model_validate_json(i.payload) for i in outbox.pending()][-1]
    assert (live.call_id, live.outcome, live.operator) == ("sip-answered", CallOutcome.ACCEPTED, OPERATOR)
    assert live.answered_at is not None and live.ended_at is None
    ws.on_phone_event(ended("answered", 60))
    ws.submit_disposition("answered", "sale")  # its later notices report nothing more

    items = [i for i in outbox.pending() if i.kind is OutboxKind.CALL_REPORT]
    reports = {r.call_id: r for r in (CallReportIn.model_validate_json(i.payload) for i in items)}
    assert len(items) == 4  # the answered call twice: live, then ended
    gave_up, rejected, answered = reports["sip-gave-up"], reports["sip-rejected"], reports["sip-answered"]
    assert (gave_up.outcome, gave_up.missed_reason, gave_up.caller, gave_up.queue) == (
        CallOutcome.MISSED,
        "abandoned",
        "+79123456789",
        "sales",
    )
    assert gave_up.arrived_at is None and gave_up.ended_at is not None  # the arrival is the PBX's to say
    assert gave_up.wait_seconds == 8  # but it rang here 8 s: the caller waited at least that long
    assert (rejected.outcome, rejected.missed_reason) == (CallOutcome.MISSED, "rang_out")
    assert rejected.wait_seconds == 2
    assert rejected.caller is None  # withheld: reported without a number
    assert (answered.outcome, answered.operator) == (CallOutcome.ACCEPTED, OPERATOR)
    assert answered.answered_at is not None and answered.ended_at is not None
    assert answered.wait_seconds is None  # the wait to an answer is from the arrival: the PBX's

    server = AwayServer()

    async def deliver() -> None:
        pump = SyncPump(
            outbox,
            Deliverer(server),  # type: ignore[arg-type]
            SyncMonitor(outbox),
            policy=RetryPolicy(initial=0.01, cap=0.05),
        )
        running = asyncio.get_running_loop().create_task(pump.run())
        await asyncio.wait_for(pump.until_empty(), 10)
        running.cancel()

    asyncio.run(deliver())
    assert set(server.calls) == {"sip-gave-up", "sip-rejected", "sip-answered"}
    assert outbox.pending() == []
    reporter.close()
