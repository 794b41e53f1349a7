"""Kill -9 during after-call work: the desktop comes back to the same form for the same call.

A real desktop process (real phone process, real server, a sipp call) answers, walks two script steps,
and in after-call work picks "Call back" and types a comment; it is then killed with SIGKILL. A new
desktop on the same data directory reopens that call's after-call work with the code and the comment
as typed; finishing it sends a disposition with the call's real times and its script answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO
from tests.e2e.conftest import PASSWORD, direct_desktop, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


COMMENT = "перезвонить после обеда, ok"


def draft_comment(database: Path) -> str | None:
    """The comment of the draft on disk, read as another process would after a crash."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            rows = db.execute("SELECT form FROM drafts").fetchall()
    except sqlite3.Error:
        return None
    for (form,) in rows:
        comment = (json.loads(form).get("form") or {}).get("comment")
        if comment:
            return str(comment)
    return None


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
        # The draft is written at most FORM_SAVE_MS after the typing: wait until it is on disk (what
        # a kill -9 may lose is only the typing of the last FORM_SAVE_MS), then kill.
        deadline = time.monotonic() + 10
        while draft_comment(tmp_path / "desk.db") != COMMENT:
            assert time.monotonic() < deadline, "the draft never reached the disk"
            time.sleep(0.02)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        sipp.stop()

    desktop = direct_desktop(server.base_url, "operator1", tmp_path / "desk.db")

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
            assert form.comment.toPlainText() == COMMENT
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
            assert disposition["comment"] == COMMENT
            assert disposition["callback_at"] is not None
            assert disposition["answers"] == {"speaks_russian": True}
            assert item["answer_at"] is not None and item["end_at"] is not None
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())
