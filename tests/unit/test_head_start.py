"""Issue 15 (the cold start): ``ringdesk`` starts its keyring helper and its telephony service before it
loads the desktop, so their own starts run on the other core while the desktop imports itself.

These tests hold the order: what ``ringdesk`` loads before the two processes are started is small, the
telephony service really runs from that point (listening on its SIP port before the desktop module is
even imported), and a desktop that never takes them over leaves no process behind. That the desktop
takes them over and works is the operator's shift journey (``tests/journey``), which runs the real
``ringdesk`` command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from tests.conftest import REPO
from tests.support.ports import free_port

KEYRING = "keyring.backends.null.Keyring"

HEAVY = ("ui.main", "app.wire", "app.session", "app.telephony.events", "app.sync", "httpx", "phonenumbers")
"""What the desktop loads after its helpers started: its modules, the wire models, the HTTP client."""


def _child(code: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHON_KEYRING_BACKEND": KEYRING},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_ringdesk_reads_its_command_line_and_opens_its_loop_without_loading_the_desktop() -> None:
    modules = _child("import json, sys\nimport ui.cli, ui.start\nprint(json.dumps(sorted(sys.modules)))")
    assert "ui.start" in modules and "ui.head_start" in modules  # the import really happened
    assert _heavy(modules) == []


HEAD_START = """
import asyncio, json, os, socket, sys
from ui.head_start import HeadStart

async def main():
    head = await HeadStart.begin(["--listen", "127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
                                 None, None)
    before = sorted(sys.modules)
    listening = False
    for _ in range(300):  # the service binds its SIP port once PJSIP is up
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind(("127.0.0.1", {port}))
        except OSError:
            listening = True
            break
        finally:
            probe.close()
        await asyncio.sleep(0.1)
    pid = head.phone.pid
    alive = os.path.exists(f"/proc/{{pid}}")
    await head.discard()
    print(json.dumps({{"before": before, "listening": listening, "alive": alive, "pid": pid,
                      "argv": head.phone_argv, "code": head.phone.returncode}}))

asyncio.run(main())
"""


def test_the_telephony_service_runs_before_the_desktop_is_loaded_and_goes_when_not_taken_over() -> None:
    port = free_port("udp")
    found = _child(HEAD_START.format(port=port))
    assert _heavy(found["before"]) == []  # started with nothing of the desktop loaded
    assert found["listening"] is True and found["alive"] is True  # the real service, on its port
    argv = found["argv"]
    assert isinstance(argv, list) and argv[-6:] == [
        "--ipc",
        "--listen",
        f"127.0.0.1:{port}",
        "--local-user",
        "operator",
        "--no-audio",
    ]
    assert found["code"] is not None  # discarded: killed and reaped, nothing left behind
    assert not os.path.exists(f"/proc/{found['pid']}")
