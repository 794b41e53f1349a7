"""The desktop as a call-outcome source, end to end: a sipp caller rings the real desktop (the real
telephony service, ``ui.main.Desktop`` on qasync, a live server) and gives up before the operator
answers. The desktop reports it through its outbox with the operator's token, with how long it rang;
the server records a missed call (source ``desktop``, longer than the greeting) and makes a callback
task, which the operator sees in the missed call badge."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, until
from tests.e2e.test_tasks_desk import run, server  # noqa: F401 - the module's server (with a source)
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

CALLER = "+79120007777"


async def as_lead(live: LiveServer, path: str, **params: Any) -> Any:
    async with httpx.AsyncClient(base_url=live.base_url) as http:
        login = await http.post("/auth/login", json={"name": "lead", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        answer = await http.get(path, params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.timeout(180)
def test_a_caller_who_gives_up_while_the_desktop_rings_becomes_a_missed_call_and_a_task(
    server: LiveServer,  # noqa: F811
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    port = free_port("udp")
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )
    sipps: list[Sipp] = []

    async def steps() -> None:
        assert await desktop.start()
        ws, hook = desktop.workstation, desktop.tasks
        assert ws is not None and hook is not None
        caller = Sipp(
            "uac_cancel.xml",
            f"127.0.0.1:{port}",
            service="operator",
            variables={"caller": CALLER, "ring_ms": "2000"},
        ).start()
        sipps.append(caller)
        await until(lambda: any(s.number == CALLER for s in ws.calls.values()), timeout=20)  # it rings here
        result = await asyncio.to_thread(caller.wait, 20)
        assert result.ok, result.describe()
        [call_id] = re.findall(r"^Call-ID:\s*(\S+)", result.messages(), flags=re.MULTILINE)[:1]

        assert desktop.sync is not None
        await until(lambda: desktop.sync is not None and desktop.sync.status.pending == 0, timeout=20)
        call = await as_lead(server, f"/calls/{call_id}")
        assert (call["outcome"], call["missed_reason"], call["caller"]) == ("missed", "abandoned", CALLER)
        assert call["sources"] == ["desktop"]
        assert call["wait_seconds"] >= 1.5  # how long it rang here: above the module's 1 s greeting
        tasks = await as_lead(server, "/tasks", limit=1000)
        [task] = [t for t in tasks if t["phone"] == CALLER]
        assert task["kind"] == "callback_missed" and task["state"] == "open"

        hook.watch.kick()  # what the operator sees: the missed-call badge
        await until(lambda: hook.badge.isVisible() and hook.badge.text() == "1", timeout=20)

    run(loop, desktop, steps, sipps)
