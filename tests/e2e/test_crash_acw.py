"""Kill -9 during after-call work: the desktop comes back to the same form for the same call.

A real desktop process (real phone process, real server, a sipp call) answers, walks two script steps,
and in after-call work picks "Call back" and types a comment; it is then killed with SIGKILL. A new
desktop on the same data directory reopens that call's after-call work with the code and the comment
as typed; finishing it sends a disposition with the call's real times and its script answers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def read_until(process: subprocess.Popen[str], word: str, timeout: float = 40) -> None:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.strip() == word:
            return
        if not line and process.poll() is not None:
            raise AssertionError(f"the desktop exited ({process.returncode}) before {word}")
    raise AssertionError(f"no {word} from the desktop within {timeout} s")


def test_kill_minus_nine_in_acw_reopens_the_same_form(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    port = free_port("udp")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.e2e.crashy_desktop",
            server.base_url,
            PASSWORD,
            str(tmp_path),
            str(port),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    sipp = Sipp(
        "uac_headers.xml",
        f"127.0.0.1:{port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": "+74951234567",
            "pai_number": "+74951234567",
            "customer_id": "2",
            "queue": "shop",
            "extra_header": "",
            "hold_ms": "3000",
        },
        recv_timeout=30.0,
        timeout=60.0,
    )
    try:
        read_until(child, "READY")
        sipp.start()
        read_until(child, "TYPED")
        time.sleep(0.3)  # the draft is written as the form changes; give the last write its fsync
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        sipp.stop()

    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=[
                "--listen",
                f"127.0.0.1:{free_port('udp')}",
                "--local-user",
                "operator",
                "--no-audio",
            ],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )

    async def scenario() -> None:
        try:
            assert await desktop.start()
            window, ws = desktop.window, desktop.workstation
            assert window is not None and ws is not None
            [session] = ws.calls.values()
            assert session.answers == {"speaks_russian": True}
            window.action_collection[ActionId.DIAL_PAD].trigger()  # the operator opens the dial pad (Ctrl+D)
            history = window.dial_pad.history
            rows = [history.item(i).text() for i in range(history.count())]
            assert len(rows) == 1 and "+74951234567" in rows[0]  # the call log outlived the process
            form = window.disposition
            assert form.isVisibleTo(window)
            chosen = form.chosen()
            assert chosen is not None and chosen.code == "callback"
            assert form.comment.toPlainText() == "перезвонить после обеда"
            form.submit.click()
            assert not ws.calls
            assert window.dial_pad.history.count() == 1  # listed once, not again when it finished
            assert desktop.sync is not None
            await until(lambda: desktop.sync is not None and desktop.sync.status.pending == 0)
            async with httpx.AsyncClient(base_url=server.base_url) as http:
                login = await http.post("/auth/login", json={"name": "operator1", "password": PASSWORD})
                headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
                found = await http.get("/contacts/lookup", params={"phone": "+74951234567"}, headers=headers)
                answer = await http.get(f"/contacts/{found.json()['id']}/history", headers=headers)
            [item] = [i for i in answer.json()["items"] if i["operator"] == "operator1"]  # not the seed's
            disposition = item["disposition"]
            assert disposition["code"] == "callback"
            assert disposition["comment"] == "перезвонить после обеда"
            assert disposition["callback_at"] is not None
            assert disposition["answers"] == {"speaks_russian": True}
            assert item["answer_at"] is not None and item["end_at"] is not None
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())
