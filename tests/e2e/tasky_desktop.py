"""Child of ``test_tasks_desk``'s kill -9 test: the real desktop takes the next task (Next task) and
previews it, says ``TAKEN <task id>``, and waits to be killed with SIGKILL.

Usage: ``python -m tests.e2e.tasky_desktop SERVER_URL PASSWORD DATA_DIR``
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.support.ports import free_port
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt


async def main(server_url: str, password: str, data_dir: Path) -> int:
    desktop = Desktop(
        DesktopOptions(
            server_url=server_url,
            user="operator1",
            password=password,
            phone_args=[
                "--listen",
                f"127.0.0.1:{free_port('udp')}",
                "--local-user",
                "operator",
                "--no-audio",
            ],
            language=Language.EN,
            database=data_dir / "desk.db",
        )
    )
    assert await desktop.start()
    window, hook = desktop.window, desktop.tasks
    assert window is not None and hook is not None
    window.action_collection[ActionId.NEXT_TASK].trigger()
    deadline = asyncio.get_running_loop().time() + 60
    while hook.desk.view.task is None:
        if asyncio.get_running_loop().time() > deadline:  # say so, rather than leave the test waiting
            print("NO TASK offered within 60 s", flush=True)
            return 1
        await asyncio.sleep(0.05)
    print(f"TAKEN {hook.desk.view.task.id}", flush=True)
    await asyncio.sleep(3600)  # the test kills us here
    return 0


if __name__ == "__main__":
    url, secret, directory = sys.argv[1:4]
    sys.exit(run_qt(lambda: main(url, secret, Path(directory))))
