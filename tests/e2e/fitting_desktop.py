"""Child of ``test_window_fit``: the real desktop, on a screen of a given size and scale (set by the
parent through ``QT_QPA_PLATFORM=offscreen:configfile=...`` and ``QT_SCALE_FACTOR``), takes a call and
reports, for each button the operator must reach (Answer while it rings, Next in the script, Finish in
after-call work), whether it is entirely on the screen and not clipped by its window.

It prints ``READY`` (the parent then starts the sipp call), then one ``FIT <json>`` line, and exits.
Screenshots of each moment go to ``SHOTS_DIR`` (kept as artefacts).

Usage: ``python -m tests.e2e.fitting_desktop SERVER_URL PASSWORD DATA_DIR PHONE_PORT SHOTS_DIR THEME``
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget

from app.session.phase import Phase
from app.status.choice import Choice
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt
from ui.theme import Theme


def on_screen(widget: QWidget) -> dict[str, object]:
    """Where ``widget`` is, and whether all of it can be seen and clicked."""
    window = widget.window()
    screen = window.screen().availableGeometry()
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    rect = QRect(top_left, widget.size())
    visible = widget.visibleRegion().boundingRect()
    return {
        "visible": widget.isVisible(),
        "rect": [rect.x(), rect.y(), rect.width(), rect.height()],
        "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
        "window": [window.frameGeometry().x(), window.frameGeometry().y(), window.width(), window.height()],
        "inside": widget.isVisible() and screen.contains(rect) and visible == widget.rect(),
    }


async def until(what: Callable[[], bool], timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not what():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def main(argv: list[str]) -> int:
    server_url, password, data_dir, port, shots, theme = (
        argv[0],
        argv[1],
        Path(argv[2]),
        int(argv[3]),
        Path(argv[4]),
        Theme(argv[5]),
    )
    desktop = Desktop(
        DesktopOptions(
            server_url=server_url,
            user="operator1",
            password=password,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            theme=theme,
            database=data_dir / "desk.db",
        )
    )
    found: dict[str, object] = {}
    try:
        assert await desktop.start()
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        print("READY", flush=True)
        await until(lambda: any(s.phase is Phase.RINGING for s in ws.calls.values()))
        await until(window.ringing.answer_button.isEnabled)
        await asyncio.sleep(0)  # let posted layout requests run before measuring
        found["answer"] = on_screen(window.ringing.answer_button)
        window.grab().save(str(shots / "ringing.png"))
        window.ringing.answer_button.click()
        await until(lambda: desktop.scripts is not None and desktop.scripts.panel is not None)
        panel = desktop.scripts.panel
        assert panel is not None
        await until(panel.next_button.isVisible)
        await asyncio.sleep(0)  # let posted layout requests run before measuring
        found["next"] = on_screen(panel.next_button)
        window.grab().save(str(shots / "script.png"))
        window.action_collection[ActionId.HANG_UP].trigger()
        form = window.disposition
        await until(lambda: hasattr(form, "submit") and form.submit.isVisible())  # built on first use
        await asyncio.sleep(0)  # let posted layout requests run before measuring
        found["finish"] = on_screen(form.submit)
        window.grab().save(str(shots / "acw.png"))
    finally:
        print("FIT " + json.dumps(found), flush=True)
        await desktop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(run_qt(lambda: main(sys.argv[1:7])))
