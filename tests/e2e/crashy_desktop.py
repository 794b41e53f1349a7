"""Child of ``test_crash_acw``: the real desktop takes a call, walks the script, and in after-call work
types a comment and picks a code; then it says ``TYPED`` and waits to be killed with SIGKILL.

Usage: ``python -m tests.e2e.crashy_desktop SERVER_URL PASSWORD DATA_DIR PHONE_PORT``
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from app.session.phase import Phase
from app.status.choice import Choice
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt


async def main(server_url: str, password: str, data_dir: Path, port: int) -> int:
    desktop = Desktop(
        DesktopOptions(
            server_url=server_url,
            user="operator1",
            password=password,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=data_dir / "desk.db",
        )
    )
    assert await desktop.start()
    window, ws = desktop.window, desktop.workstation
    assert window is not None and ws is not None
    ws.set_status(Choice.ready())
    while not ws.status.routable:
        await asyncio.sleep(0.05)
    print("READY", flush=True)
    while not any(s.phase is Phase.RINGING for s in ws.calls.values()):
        await asyncio.sleep(0.05)
    window.ringing.answer_button.click()
    while desktop.scripts is None or desktop.scripts.panel is None:
        await asyncio.sleep(0.05)
    panel = desktop.scripts.panel
    panel.go_next()  # greeting -> language
    panel.inputs[0].box.buttons[0].setChecked(True)  # speaks Russian: yes
    panel.go_next()
    print("SCRIPTED", flush=True)
    while not window.disposition.isVisible():
        await asyncio.sleep(0.05)
    codes = [window.disposition.codes.item(i).text() for i in range(window.disposition.codes.count())]
    window.disposition.codes.setCurrentRow(next(i for i, c in enumerate(codes) if "Call back" in c))
    window.disposition.comment.setPlainText("перезвонить после обеда")
    window.disposition.comment.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(window.disposition.comment, ", ok")  # keystrokes: the draft is written after a pause
    print("TYPED", flush=True)
    await asyncio.sleep(3600)  # the test kills us here
    return 0


if __name__ == "__main__":
    url, secret, directory, phone_port = sys.argv[1:5]
    sys.exit(run_qt(lambda: main(url, secret, Path(directory), int(phone_port))))
