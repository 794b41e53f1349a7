"""Child of ``test_killed_desktop``: the real desktop (composition root, window, telephony service
process) logs in as USER, goes Ready, says ``READY`` and keeps working until it is killed.

Usage: ``python -m tests.faults.steady_desktop SERVER_URL PASSWORD DATA_DIR PHONE_PORT USER``
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from app.status.choice import Choice
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt


async def main(server_url: str, password: str, data_dir: Path, port: int, user: str) -> int:
    desktop = Desktop(
        DesktopOptions(
            server_url=server_url,
            user=user,
            password=password,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=data_dir / "desk.db",
        )
    )
    assert await desktop.start()
    ws = desktop.workstation
    assert ws is not None and desktop.sync is not None
    ws.set_status(Choice.ready())
    while not ws.status.routable or desktop.sync.status.pending:
        await asyncio.sleep(0.05)
    print("READY", flush=True)
    await asyncio.sleep(3600)  # the test kills us here
    return 0


if __name__ == "__main__":
    url, secret, directory, phone_port, login = sys.argv[1:6]
    sys.exit(run_qt(lambda: main(url, secret, Path(directory), int(phone_port), login)))
