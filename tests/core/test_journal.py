"""The operator's call log: customer calls reach the local store as they happen and are there after a
restart (the dial pad's history), without a write per mute or digit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from app.store.calls import CallLog, CallRecord
from app.store.database import open_store
from app.telephony import events as ev
from app.telephony.events import CallState
from app.workstation.journal import CallJournal
from tests.core.helpers import at, ended, incoming, state
from tests.core.test_workstation import Desk


class CountingLog(CallLog):
    writes = 0
    durable: ClassVar[set[bool]] = set()

    def record(self, call: CallRecord, *, durable: bool = True) -> None:
        type(self).writes += 1
        type(self).durable.add(durable)
        super().record(call, durable=durable)


def test_calls_are_logged_as_they_happen_and_survive_a_restart(tmp_path: Path) -> None:
    store = open_store(tmp_path / "desk.db")
    d = Desk()
    kept: list[Callable[[], object]] = []
    journal = CallJournal(CountingLog(store), d.ws.hub, keep=kept.append)

    async def day() -> None:
        d.ws.start_shift()
        d.at(10)
        d.event(incoming("c1", 10, number="+79123456789", queue="sales"))
        await asyncio.sleep(0)  # the contact lookup
        await d.ws.answer("c1")
        d.at(13)
        d.event(state("c1", CallState.ACTIVE, 13))
        for digit in "123":
            d.event(ev.DtmfReceived(call_id="c1", digit=digit, method="rfc2833", at=at(13.5).timestamp()))
        await d.ws.mute(True)
        d.at(70)
        d.event(ended("c1", 70))
        d.ws.submit_disposition("c1", "sale")
        d.at(100)
        d.event(incoming("c2", 100, number="+74951234567"))
        d.at(104)
        d.event(ended("c2", 104))  # missed

    asyncio.run(day())
    # the lines are handed to the store thread, not written during the call's handling (the pop must
    # not wait for the disk, issue 15), and written without an fsync
    assert CountingLog.writes == 0
    assert kept
    for write in kept:
        write()
    assert CountingLog.durable == {False}
    journal.close()
    store.close()

    again = open_store(tmp_path / "desk.db")  # the desktop started again
    [missed, answered] = CallLog(again).recent()
    assert (answered.remote, answered.queue, answered.contact_id, answered.direction) == (
        "+79123456789",
        "sales",
        42,
        "inbound",
    )
    assert (answered.ring_at, answered.answer_at, answered.end_at) == (at(10), at(13), at(70))
    assert (missed.remote, missed.answer_at, missed.end_at) == ("+74951234567", None, at(104))
    assert CountingLog.writes <= 6, f"{CountingLog.writes} writes for two calls"
