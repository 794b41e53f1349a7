"""The workstation driven by a real telephony service: a real phone calls it over loopback SIP/RTP.

The operator's side is exactly what the desktop runs (``TelephonyService`` supervising ``ringdesk
phone --ipc``); the caller is a second ``ringdesk phone``. The call rings, is answered, hung up by the
caller, goes through after-call work, and the disposition carries the phone's real timestamps.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.session import Phase
from app.status import Choice
from app.telephony import commands as cmd
from app.telephony.supervisor import TelephonyService
from app.wire.statuses import OperatorStatus
from app.workstation import Workstation, WorkstationConfig, connect_phone
from tests.core.helpers import CATALOGUE, OPERATOR, FakeOutbox
from tests.support.phone import Phone
from tests.support.ports import free_port


async def until(condition: Callable[[], object], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def test_real_call_answered_hung_up_and_dispositioned(
    start_phone: Callable[..., Phone], tmp_path: Path
) -> None:
    port = free_port()
    argv = [sys.executable, "-m", "ui.cli", "phone", "--ipc", "--no-audio", "--listen", f"127.0.0.1:{port}"]
    argv += ["--local-user", "operator"]
    caller = start_phone(
        "--listen", f"127.0.0.1:{free_port()}", "--local-user", "caller", "--no-audio", name="caller"
    )
    outbox = FakeOutbox()
    sip_ids: list[str] = []

    async def scenario() -> str:
        service = TelephonyService(argv, stderr_path=tmp_path / "operator.log")
        ws = Workstation(WorkstationConfig(OPERATOR), phone=service, outbox=outbox, catalogue=CATALOGUE)
        connect_phone(ws, service)
        await service.start()
        try:
            await until(lambda: ws.status.registered)
            ws.start_shift()
            ws.set_status(Choice.ready())
            assert ws.status.routable
            out = await asyncio.to_thread(caller.send, cmd.MakeCall(target=f"sip:operator@127.0.0.1:{port}"))
            await until(lambda: any(s.phase is Phase.RINGING for s in ws.calls.values()))
            [call_id] = ws.calls
            sip_ids.append(ws.calls[call_id].sip_call_id)
            assert ws.calls[call_id].number == "caller"
            await ws.answer()
            await until(lambda: ws.calls[call_id].phase is Phase.TALKING)
            assert ws.status.status is OperatorStatus.ON_CALL
            await asyncio.sleep(0.5)
            await asyncio.to_thread(caller.send, cmd.Hangup(call_id=out.call_id))
            await until(lambda: ws.calls[call_id].phase is Phase.ACW)
            assert ws.status.status is OperatorStatus.ACW
            await asyncio.sleep(0.2)
            ws.submit_disposition(call_id, "sale")
            assert ws.status.status is OperatorStatus.READY and not ws.calls
            return call_id
        finally:
            await service.stop()

    asyncio.run(scenario())
    [sip_call_id] = sip_ids
    assert sip_call_id
    [d] = outbox.dispositions
    assert d.answer_at is not None and d.acw_end_at is not None
    assert d.ring_at <= d.answer_at < d.end_at < d.acw_end_at
    talk = (d.end_at - d.answer_at).total_seconds()
    assert 0.4 < talk < 3, talk
    assert (d.acw_end_at - d.end_at).total_seconds() >= 0.2
    assert d.call_id == sip_call_id  # the INVITE's SIP Call-ID, as the PBX logs it
    assert [(c.status.value, c.reason) for c in outbox.statuses] == [
        ("not_ready", "shift_start"),
        ("ready", None),
        ("on_call", None),
        ("acw", None),
        ("ready", None),
        ("not_ready", "phone_offline"),  # the service stopped at the end: no longer routable
    ]
