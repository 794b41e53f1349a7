"""Live supervision through Asterisk (issue 18): ``Originate`` into ``ChanSpy`` with the mode's options,
a switch re-originating with the new ones, stopping hangs the spy channel up; against a recorded AMI
conversation (``tests/pbx/recordings/asterisk_spy.ami``: every action and field is checked)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.wire.supervision import SupervisionMode
from server.pbx.ami import AmiAddress
from server.pbx.asterisk import AsteriskAdapter
from server.pbx.waiting import WaitingBoard, watch_asterisk
from tests.support.fake_ami import FakeAmi

RECORDINGS = Path(__file__).parent / "recordings"


def test_listen_whisper_barge_and_stop_through_chanspy() -> None:
    async def scenario() -> None:
        async with FakeAmi(RECORDINGS / "asterisk_spy.ami") as fake:
            adapter = AsteriskAdapter(AmiAddress("127.0.0.1", fake.port, "ringdesk", "s3cret"))
            watch_asterisk(adapter, WaitingBoard())  # as the server runs it: QueueStatus on login
            spy = adapter.spy
            await adapter.start()
            try:
                await asyncio.wait_for(fake.marks["connected"].wait(), 5)
                await spy.start("2001", "1001", SupervisionMode.LISTEN)
                await asyncio.wait_for(fake.marks["listening"].wait(), 5)
                await _until(lambda: spy.channels.get("PJSIP/2001") == "PJSIP/2001-0000000b")
                await spy.start("2001", "1001", SupervisionMode.WHISPER)
                await asyncio.wait_for(fake.marks["whispering"].wait(), 5)
                await _until(lambda: spy.channels.get("PJSIP/2001") == "PJSIP/2001-0000000c")
                await spy.start("2001", "1001", SupervisionMode.BARGE)
                await asyncio.wait_for(fake.marks["barging"].wait(), 5)
                await _until(lambda: spy.channels.get("PJSIP/2001") == "PJSIP/2001-0000000d")
                await spy.stop("2001")
                await asyncio.wait_for(fake.finished.wait(), 5)
                assert spy.channels == {}
            finally:
                await adapter.stop()
            assert fake.errors == []

    asyncio.run(scenario())


async def _until(condition: object, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)
