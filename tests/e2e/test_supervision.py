"""Live supervision through the running program (issue 18): two real desktops (``ui.main.Desktop``)
on one qasync loop against a live seeded server, the operator's answering a real sipp call, the team
lead's Team window. The lead picks the operator on the board and presses Whisper: the server signs a
grant for that call, the lead's telephony service calls the operator's with it, the operator's service
admits it, and the operator's window says "Supervised: whisper (lead)"; Barge switches it, Stop
supervising ends it. Audio is off here (its proof is ``tests/engine/test_supervision_audio.py``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from app.status.choice import Choice
from app.wire.supervision import SupervisionMode
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.team.supervise import SuperviseBar

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def desktop(server: LiveServer, user: str, port: int, database: Path) -> Desktop:
    return Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user=user,
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", user, "--no-audio"],
            language=Language.EN,
            database=database,
        )
    )


@pytest.mark.timeout(150)
def test_a_lead_whispers_to_an_operator_on_a_call_and_the_operator_sees_it(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    op_port = free_port("udp")
    operator = desktop(server, "operator1", op_port, tmp_path / "operator.db")
    lead = desktop(server, "lead", free_port("udp"), tmp_path / "lead.db")
    sipps: list[Sipp] = []

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            login = await http.post("/auth/login", json={"name": "admin", "password": PASSWORD})
            admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
            users = (await http.get("/users", headers=admin)).json()
            op_id = next(u["id"] for u in users if u["name"] == "operator1")
            routing = {"sip_uri": f"sip:operator1@127.0.0.1:{op_port}"}
            answer = await http.patch(f"/users/{op_id}/routing", json=routing, headers=admin)
            assert answer.status_code == 200, answer.text
        try:
            assert await operator.start()
            assert await lead.start()
            await steps()
        finally:
            await lead.stop()
            await operator.stop()

    async def steps() -> None:
        window, ws = operator.window, operator.workstation
        assert window is not None and ws is not None and operator.live is not None
        badge = operator.live.badge
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        sipp = Sipp(
            "uac_headers.xml",
            f"127.0.0.1:{op_port}",
            service="operator1",
            variables={
                "display": "Ivan",
                "caller": "+79131234567",
                "pai_number": "+79131234567",
                "customer_id": "1",
                "queue": "shop",
                "extra_header": "",
                "hold_ms": "30000",
            },
            recv_timeout=40.0,
            timeout=60.0,
        )
        sipps.append(sipp)
        sipp.start()
        await until(window.ringing.answer_button.isVisible)
        window.ringing.answer_button.click()
        assert operator.sync is not None
        await until(lambda: operator.sync is not None and operator.sync.status.pending == 0)
        assert not badge.isVisible()

        assert lead.supervision is not None
        lead.supervision.open_team()
        team = lead.supervision.team_window
        assert team is not None
        await until(lambda: team.model.board.index_of("operator1") is not None)
        row = team.model.board.index_of("operator1")
        await until(lambda: row is not None and team.model.on_call(row), timeout=15)
        team.select_operator("operator1")
        bar = team.supervise_bar  # type: ignore[attr-defined]
        assert isinstance(bar, SuperviseBar)
        assert bar.buttons[SupervisionMode.WHISPER].isEnabled()
        bar.buttons[SupervisionMode.WHISPER].click()
        await until(lambda: badge.isVisible() and badge.text() == "Supervised: whisper (lead)", timeout=15)
        await until(lambda: bar.state.text() == "Whispering to operator1")
        bar.buttons[SupervisionMode.BARGE].click()
        await until(lambda: badge.text() == "Supervised: barge (lead)", timeout=10)
        bar.hang_up_button.click()
        await until(lambda: not badge.isVisible(), timeout=10)
        assert ws.calls  # the operator's call goes on
        sipp.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        for sipp in sipps:
            sipp.stop()
