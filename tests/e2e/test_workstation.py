"""End to end, with every real part: the central server (uvicorn, SQLite, seeded with the demo content),
the desktop's composition root with its real window (offscreen), the real telephony service process,
and a sipp call carrying the identity and queue headers a PBX adds.

What the operator sees is asserted on the widgets: the card shows the caller's CRM name, the script
for the queue opens with the name filled in and advances on the answers, and the disposition chosen
in the form reaches the server with those answers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from PySide6.QtTest import QTest

from app.session.acw import AcwMode, AcwPolicy
from app.status.choice import Choice
from tests.e2e.conftest import PASSWORD, direct_desktop, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def test_incoming_call_card_script_and_disposition_reach_the_server(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    phone_port = free_port("udp")
    desktop = direct_desktop(
        server.base_url,
        "operator1",
        tmp_path / "desk.db",
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
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None and desktop.scripts is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)

        sipp = Sipp(
            "uac_headers.xml",
            f"127.0.0.1:{phone_port}",
            service="operator",
            variables={
                "display": "Ivan",
                "caller": "+79131234567",
                "pai_number": "+79131234567",
                "customer_id": "1",
                "queue": "shop",
                "extra_header": "",
                "hold_ms": "8000",
            },
            recv_timeout=20.0,
            timeout=60.0,
        )
        sipps.append(sipp)
        sipp.start()

        await until(lambda: window.card.contact_page.name.text() == "Иванов Иван Петрович")
        assert window.ringing.name.text() == "Иванов Иван Петрович"
        assert window.card.contact_page.segment.text() == "VIP"
        window.ringing.answer_button.click()

        await until(lambda: desktop.scripts is not None and desktop.scripts.panel is not None)
        panel = desktop.scripts.panel
        assert panel is not None
        assert "Иванов Иван Петрович" in panel.text.text()  # the script's text, filled from the CRM
        panel.go_next()
        QTest.keyClicks(panel.inputs[0].box, "1")  # 1. Да: speaks the language
        panel.go_next()
        QTest.keyClicks(panel.inputs[0].box, "2")  # 2. existing order
        panel.go_next()
        panel.inputs[0].line_edit.setText("A-123456")
        panel.go_next()
        assert panel.runner.finished

        await until(window.disposition.isVisible, timeout=30)  # sipp hangs up after 8 s
        chosen = window.disposition.chosen()
        assert chosen is not None and chosen.code == "order_status"  # preselected from the script
        window.disposition.submit.click()

        call_id = next(iter(ws.calls), None)
        assert call_id is None  # the call is done on the desk
        assert desktop.sync is not None
        await until(lambda: desktop.sync is not None and desktop.sync.status.pending == 0)

        async with httpx.AsyncClient(base_url=server.base_url) as http:
            login = await http.post("/auth/login", json={"name": "operator1", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            contact = await http.get("/contacts/lookup", params={"phone": "+79131234567"}, headers=headers)
            history = (await http.get(f"/contacts/{contact.json()['id']}/history", headers=headers)).json()
        [item] = [i for i in history["items"] if i["operator"] == "operator1"]  # the seed's are others'
        disposition = item["disposition"]
        assert disposition["code"] == "order_status"
        assert disposition["operator"] == "operator1"
        assert disposition["queue"] == "shop"
        assert disposition["script"]["id"] == "request-nature-ru"
        assert disposition["answers"] == {
            "speaks_russian": True,
            "request_nature": "existing_order",
            "order_number": "A-123456",
        }
        await until(lambda: not sipp.running, timeout=20)
        assert sipp.wait().ok

    try:
        loop.run_until_complete(scenario())
    finally:
        for sipp in sipps:
            sipp.stop()
