"""Issue 14: a full or read-only local store during a call never stops the desk.

The outbox below refuses writes the way SQLite does on a full disk (``SQLITE_FULL``) or a read-only
file (``SQLITE_READONLY``). The call must go on (ACW opens when the caller hangs up, the next call
rings), the operator is told at once with the kind of fault, every refused record is held in memory
and written in its original order once the store works, and the desk says it is saved.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import textwrap

import pytest

from app.refused import Refused
from app.session.phase import Phase
from app.status.choice import Choice
from app.store.faults import StoreFault, fault_of
from app.telephony import events as ev
from app.telephony.events import CallState
from app.telephony.supervisor import TelephonyService
from app.wire.dispositions import DispositionIn
from app.wire.statuses import CONNECTION_LOST, BoardRow, OperatorStatus, StatusChangeIn
from app.workstation.notices import StoreFailing, StoreSaved
from tests.core.helpers import FakeOutbox, at, ended, incoming, state
from tests.core.test_workstation import Desk, run


def disk_full() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13  # type: ignore[attr-defined]
    return error


class BrokenOutbox(FakeOutbox):
    """Refuses every write with ``error`` while ``broken``."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
        self.broken = False

    def put_disposition(self, disposition: DispositionIn) -> None:
        if self.broken:
            raise self.error
        super().put_disposition(disposition)

    def put_status(self, change: StatusChangeIn) -> None:
        if self.broken:
            raise self.error
        super().put_status(change)


def test_faults_are_named_from_sqlite_and_os_errors() -> None:
    assert fault_of(disk_full()) is StoreFault.FULL
    assert fault_of(sqlite3.OperationalError("attempt to write a readonly database")) is StoreFault.READ_ONLY
    assert fault_of(sqlite3.DatabaseError("file is not a database")) is StoreFault.DAMAGED
    wrapped = RuntimeError("could not save")
    wrapped.__cause__ = OSError(28, "No space left on device")
    assert fault_of(wrapped) is StoreFault.FULL
    assert fault_of(ValueError("?")) is StoreFault.UNAVAILABLE


def test_a_full_disk_during_a_call_holds_the_records_and_the_call_goes_on() -> None:
    outbox = BrokenOutbox(disk_full())
    d = Desk(outbox=outbox)
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    outbox.broken = True

    async def call() -> None:
        d.at(10)
        d.event(incoming("c1", 10))
        await asyncio.sleep(0)
        d.at(12)
        await d.ws.answer()
        d.event(state("c1", CallState.ACTIVE, 12))  # "on call" cannot be saved: this used to raise

    run(call)
    assert d.ws.calls["c1"].phase is Phase.TALKING
    [failing] = d.of(StoreFailing)
    assert failing.fault is StoreFault.FULL
    d.at(40)
    d.event(ended("c1", 40))
    assert d.ws.calls["c1"].phase is Phase.ACW  # after-call work opens all the same
    assert d.ws.status.status is OperatorStatus.ACW
    d.event(incoming("c2", 41))  # and the next call rings
    assert d.ws.calls["c2"].phase is Phase.RINGING
    assert d.outbox.trail() == [("not_ready", "shift_start"), ("ready", None)]
    assert any("on_call" in held for held in d.ws.unsaved())
    assert not d.of(StoreSaved)

    outbox.broken = False  # space freed
    d.at(45)
    d.ws.tick()  # the workstation's retry timer
    assert d.outbox.trail() == [
        ("not_ready", "shift_start"),
        ("ready", None),
        ("on_call", None),
        ("acw", None),
    ]
    [saved] = d.of(StoreSaved)
    assert saved.written == 2
    assert d.ws.unsaved() == []


def test_a_read_only_store_refuses_the_disposition_and_keeps_the_form_until_it_can_write() -> None:
    outbox = BrokenOutbox(sqlite3.OperationalError("attempt to write a readonly database"))
    d = Desk(outbox=outbox)
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    d.at(10)
    d.event(incoming("c1", 10))
    d.event(state("c1", CallState.ACTIVE, 11))
    outbox.broken = True
    d.event(ended("c1", 20))
    with pytest.raises(Refused) as refused:  # the form stays open
        d.ws.submit_disposition("c1", "sale")
    assert refused.value.code == "store"
    assert d.ws.calls["c1"].phase is Phase.ACW
    assert d.of(StoreFailing)[0].fault is StoreFault.READ_ONLY
    outbox.broken = False
    d.ws.submit_disposition("c1", "sale")
    assert len(d.outbox.dispositions) == 1
    assert d.of(StoreSaved)
    assert d.outbox.trail()[-2:] == [("acw", None), ("ready", None)]


FAKE_PHONE = textwrap.dedent(
    """
    import json, sys, time
    print(json.dumps({"type": "engine_started", "pid": 1, "version": "x", "listen": []}), flush=True)
    for n in range(3):
        print(json.dumps({"type": "dtmf_received", "call_id": "c1", "digit": str(n), "method": "rfc4733",
                          "at": time.time()}),
              flush=True)
    sys.stdin.readline()
    """
)


def test_the_phone_reader_survives_a_handler_that_raises() -> None:
    heard: list[ev.Event] = []

    def handler(event: ev.Event) -> None:
        heard.append(event)
        if isinstance(event, ev.DtmfReceived) and event.digit == "0":
            raise disk_full()

    async def scenario() -> None:
        service = TelephonyService([sys.executable, "-c", FAKE_PHONE], on_event=handler)
        await service.start()
        for _ in range(200):
            if sum(isinstance(e, ev.DtmfReceived) for e in heard) == 3:
                break
            await asyncio.sleep(0.02)
        await service.stop()

    asyncio.run(scenario())
    assert [e.digit for e in heard if isinstance(e, ev.DtmfReceived)] == ["0", "1", "2"]


def test_a_desk_the_server_gave_up_on_reports_its_status_again_when_it_is_back() -> None:
    d = Desk()
    d.ws.start_shift()
    d.at(5)
    d.ws.set_status(Choice.ready())
    lost = BoardRow(
        operator="operator1", status=OperatorStatus.NOT_READY, reason=CONNECTION_LOST, since=at(30)
    )
    d.at(40)
    assert d.ws.back_online(lost)
    assert d.outbox.trail()[-1] == ("ready", None)
    assert d.outbox.statuses[-1].at == at(40)
    assert not d.ws.back_online(
        BoardRow(operator="operator1", status=OperatorStatus.READY, since=at(40))
    )  # the server holds what the desk has: nothing to say
    old = BoardRow(operator="operator1", status=OperatorStatus.NOT_READY, reason=CONNECTION_LOST, since=at(1))
    assert not d.ws.back_online(old)  # older than the desk's own status: already superseded
