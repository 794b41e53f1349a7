"""The Asterisk queue adapter against a recorded AMI conversation (``tests.support.fake_ami``: a
fake server, since no Asterisk package exists for this machine), including a dropped connection."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from app.wire.statuses import NotReadyReason, OperatorStatus
from server.pbx.adapter import QueueChange
from server.pbx.ami import AmiAddress
from server.pbx.asterisk import AsteriskAdapter, PbxEvent
from tests.support.fake_ami import FakeAmi

RECORDINGS = Path(__file__).parent / "recordings"
BREAK = NotReadyReason(code="break", label_en="Break", label_ru="Перерыв")
BACK = NotReadyReason(code="back_of_queue", label_en="Back", label_ru="В конец", routable=True)
SHIFT = NotReadyReason(code="shift_start", label_en="Shift", label_ru="Смена")


def change(status: OperatorStatus, reason: NotReadyReason | None = None) -> QueueChange:
    return QueueChange(
        operator="op_n1",
        sip_uri="sip:1001@pbx.example",
        queues=None,
        status=status,
        reason=reason,
        at=datetime.now(UTC),
    )


def test_a_shift_with_a_dropped_connection() -> None:
    async def scenario() -> list[PbxEvent]:
        async with FakeAmi(RECORDINGS / "asterisk_queue.ami") as fake:
            adapter = AsteriskAdapter(
                AmiAddress("127.0.0.1", fake.port, "ringdesk", "s3cret"), queues=("support",)
            )
            events: list[PbxEvent] = []
            adapter.listeners.append(events.append)
            await adapter.start()
            try:
                await asyncio.wait_for(fake.marks["connected"].wait(), 5)
                await asyncio.wait_for(adapter.client.connected.wait(), 5)
                await adapter.apply(change(OperatorStatus.NOT_READY, SHIFT))
                await adapter.apply(change(OperatorStatus.READY))
                await adapter.apply(change(OperatorStatus.NOT_READY, BACK))
                await adapter.apply(change(OperatorStatus.ON_CALL))  # nothing: Asterisk knows
                await adapter.apply(change(OperatorStatus.NOT_READY, BREAK))
                await asyncio.wait_for(fake.marks["resynced"].wait(), 10)
                assert adapter.client.connections == 2
                await adapter.apply(change(OperatorStatus.OFFLINE))
                await asyncio.wait_for(fake.finished.wait(), 5)
            finally:
                await adapter.stop()
            assert fake.errors == []
            return events

    events = asyncio.run(scenario())
    kinds = [e.kind for e in events]
    assert kinds == [
        "QueueMemberAdded",
        "QueueMemberPause",
        "QueueMemberPenalty",
        "QueueMemberStatus",
        "Hold",
        "Unhold",
        "AgentComplete",
    ]
    complete = events[-1]
    assert (complete.interface, complete.queue, complete.fields["TalkTime"]) == (
        "PJSIP/1001",
        "support",
        "95",
    )
    assert events[4].interface == "PJSIP/1001-00000007"


def test_changes_while_disconnected_are_applied_on_connect() -> None:
    """The PBX is down when the shift starts: nothing is lost, the latest status goes out on login."""

    async def scenario() -> None:
        adapter = AsteriskAdapter(AmiAddress("127.0.0.1", 9, "ringdesk", "s3cret"), queues=("support",))
        await adapter.apply(change(OperatorStatus.NOT_READY, SHIFT))
        await adapter.apply(change(OperatorStatus.NOT_READY, BREAK))
        assert adapter.latest["op_n1"].reason == BREAK

    asyncio.run(scenario())


def test_an_ami_address() -> None:
    assert AmiAddress.parse("ami://ring%40desk:p%3Ass@10.0.0.5:5039") == AmiAddress(
        "10.0.0.5", 5039, "ring@desk", "p:ss"
    )
