"""After a crash: a call saved mid-call or mid-ACW comes back in after-call work with its real times,
contact, queue, script and answers, and its disposition reads as if nothing had happened."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.session import AcwPolicy, Phase
from app.session.snapshot import from_json, to_json
from app.status import Choice
from app.telephony.events import CallState
from app.wire.scripts import ScriptRef
from app.wire.statuses import OperatorStatus
from app.workstation import Workstation, WorkstationConfig
from tests.core.helpers import (
    CATALOGUE,
    OPERATOR,
    FakeContacts,
    FakeOutbox,
    FakePhone,
    at,
    clock,
    incoming,
    state,
)


def desk() -> tuple[Workstation, FakeOutbox]:
    outbox = FakeOutbox()
    ws = Workstation(
        WorkstationConfig(OPERATOR, acw=AcwPolicy()),
        phone=FakePhone(),
        outbox=outbox,
        catalogue=CATALOGUE,
        contacts=FakeContacts({}),
        clock=clock(),
        registered=True,
    )
    return ws, outbox


def test_a_call_live_at_the_crash_comes_back_in_acw_and_its_disposition_keeps_the_real_times() -> None:
    before, _ = desk()

    async def talk() -> None:
        before.on_phone_event(incoming("c1", 10, queue="sales"))
        await before.answer()
        before.on_phone_event(state("c1", CallState.ACTIVE, 12))

    asyncio.run(talk())
    before.attach_contact("c1", 42)
    before.set_script("c1", ScriptRef(id="lens", version=3), {"lens_type": "daily"}, "sale")
    saved = json.loads(json.dumps(to_json(before.calls["c1"], at=at(40))))  # through the disk

    after, outbox = desk()
    after.start_shift()
    after.set_status(Choice.ready())
    after.restore_acw([from_json(saved)])
    session = after.calls["c1"]
    assert session.phase is Phase.ACW and after.status.status is OperatorStatus.ACW
    assert (session.ring_at, session.answer_at, session.end_at) == (at(10), at(12), at(40))
    after._clock.now = at(55)  # type: ignore[attr-defined]
    after.submit_disposition("c1", "sale", comment="resumed after a crash")
    [disposition] = outbox.dispositions
    assert disposition.call_id == before.calls["c1"].record_id
    assert (disposition.ring_at, disposition.answer_at, disposition.end_at) == (at(10), at(12), at(40))
    assert disposition.acw_end_at == at(55)
    assert disposition.contact_id == 42 and disposition.queue == "sales"
    assert disposition.script == ScriptRef(id="lens", version=3)
    assert disposition.answers == {"lens_type": "daily"}
    assert after.status.status is OperatorStatus.READY


def test_garbage_is_not_a_snapshot() -> None:
    with pytest.raises(ValueError, match="snapshot"):
        from_json({"format": 99})
    with pytest.raises(ValueError, match="rang"):
        from_json({"format": 1, "call_id": "x", "direction": "inbound", "operator": OPERATOR})
