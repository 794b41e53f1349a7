"""Issue 14, item 1: the disk that holds the local store fills up during a call.

Real parts: the live server, the desktop's composition root with its window (offscreen), the real
telephony service, sipp calls, and the store on a real 2 MiB tmpfs that the test fills to the last
byte while the call rings. Before the fix, saving "on call" raised inside the phone event handler
and the reader of phone events died: the call stayed "talking", ACW never opened and the next call
never rang. Now the window says at once that the disk is full and where, the call goes on to ACW,
the result typed is kept until space is freed, and the window says when it is saved.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from app.session.acw import AcwMode, AcwPolicy
from app.session.phase import Phase
from app.status.choice import Choice
from tests.e2e.conftest import PASSWORD, direct_desktop, until
from tests.faults.conftest import SmallDisk
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def call_from(port: int, caller: str, customer: str, hold_ms: int) -> Sipp:
    return Sipp(
        "uac_headers.xml",
        f"127.0.0.1:{port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": caller,
            "pai_number": caller,
            "customer_id": customer,
            "queue": "shop",
            "extra_header": "",
            "hold_ms": str(hold_ms),
        },
        recv_timeout=30.0,
        timeout=60.0,
    )


def test_a_full_disk_during_a_call_is_shown_and_nothing_is_lost(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    small_disk: SmallDisk,
) -> None:
    phone_port = free_port("udp")
    desktop = direct_desktop(
        server.base_url,
        "operator2",
        small_disk.path / "desk.db",
        phone_port=phone_port,
        acw=AcwPolicy(AcwMode.MANDATORY),
    )
    sipps: list[Sipp] = []

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    async def steps() -> None:
        assert await desktop.start()
        window, ws, banner = desktop.window, desktop.workstation, desktop.store_banner
        assert window is not None and ws is not None and banner is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        first = call_from(phone_port, "+79131234567", "1", 3000)
        sipps.append(first)
        first.start()
        await until(lambda: any(s.phase is Phase.RINGING for s in ws.calls.values()))
        small_disk.fill()
        window.ringing.answer_button.click()
        await until(banner.isVisible)  # at once: "on call" could not be saved
        text = banner.label.text()
        assert "disk is full" in text and str(small_disk.path) in text
        await until(window.disposition.isVisible, timeout=30)  # the caller hung up: ACW opened
        assert ws.status.status.value == "acw"
        window.disposition.comment.setPlainText("written while the disk was full")
        window.disposition.submit.click()  # refused by the store: the form stays as typed
        assert window.disposition.isVisible()
        assert window.disposition.comment.toPlainText() == "written while the disk was full"
        assert ws.calls
        leaving = desktop.leaving
        assert leaving is not None
        leaving.quit_requested()  # quitting now would lose what only memory holds: it asks
        question = leaving.question
        assert question is not None
        await until(question.isVisible)
        assert "could not be saved on this computer" in question.text()
        question.named["back"].click()
        await until(lambda: leaving.question is None)
        assert not desktop.closed.is_set()

        small_disk.free()
        await until(lambda: "Saved" in banner.label.text(), timeout=10)  # the held statuses went in
        window.disposition.submit.click()
        await until(lambda: not ws.calls)
        assert desktop.sync is not None
        await until(lambda: desktop.sync is not None and desktop.sync.status.pending == 0)

        second = call_from(phone_port, "+74951234567", "2", 1000)  # the next call rings on screen
        sipps.append(second)
        second.start()
        await until(window.ringing.isVisible)
        await ws.reject()  # seen ringing is the point: do not wait for the caller to give up
        await until(lambda: not any(s.phase is Phase.RINGING for s in ws.calls.values()), timeout=30)

        async with httpx.AsyncClient(base_url=server.base_url) as http:
            login = await http.post("/auth/login", json={"name": "lead", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            history = await http.get("/statuses/history", params={"operator": "operator2"}, headers=headers)
        trail = ",".join(item["status"] for item in history.json())
        assert "on_call,acw,ready" in trail  # held while the disk was full, none lost, in order

    try:
        loop.run_until_complete(scenario())
    finally:
        for sipp in sipps:
            sipp.stop()
