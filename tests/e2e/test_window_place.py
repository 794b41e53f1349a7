"""The window opens where the operator left it, and the settings dialog is one dialog over the window
(issue 13, defect 13); with the real desktop on the qasync loop and a live server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from tests.e2e.conftest import PASSWORD
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions


def make_desktop(server: LiveServer, tmp_path: Path) -> Desktop:
    return Desktop(
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
            window_state=tmp_path / "window.ini",
        )
    )


def test_the_window_opens_where_it_was_left(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    left_at = QRect(60, 40, 700, 520)

    async def first() -> None:
        desktop = make_desktop(server, tmp_path)
        try:
            assert await desktop.start()
            assert desktop.window is not None
            screen = desktop.window.screen().availableGeometry()
            assert screen.contains(desktop.window.frameGeometry())  # never larger than the screen
            desktop.window.showNormal()
            desktop.window.setGeometry(left_at)  # the operator moves and resizes it
        finally:
            await desktop.stop()

    async def second() -> None:
        desktop = make_desktop(server, tmp_path)
        try:
            assert await desktop.start()
            assert desktop.window is not None and desktop.window.geometry() == left_at
        finally:
            await desktop.stop()

    loop.run_until_complete(first())
    loop.run_until_complete(second())


def test_the_settings_dialog_is_one_dialog_over_the_window(
    server: LiveServer, loop: asyncio.AbstractEventLoop, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    from ui.settings_dialog import SettingsDialog

    desktop = make_desktop(server, tmp_path)

    def shown() -> list[SettingsDialog]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible()]

    async def steps() -> None:
        try:
            assert await desktop.start()
            window = desktop.window
            assert window is not None
            window.action_collection[ActionId.SETTINGS].trigger()
            window.action_collection[ActionId.SETTINGS].trigger()  # again, from the menu or the toolbar
            [dialog] = shown()
            assert dialog.parentWidget() is window
            assert not dialog.isModal()  # a call can still be answered in the window
            dialog.reject()
            window.action_collection[ActionId.SETTINGS].trigger()
            assert len(shown()) == 1
        finally:
            await desktop.stop()

    loop.run_until_complete(steps())
