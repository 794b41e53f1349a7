"""Closing the window and quitting, on the real desktop (issue 13, defect 5).

The tray icon is on the screen; closing the window asks, and "keep working" leaves the operator Ready
with a notice and the icon to come back by; where there is no tray, closing minimises instead of
hiding; Quit during a call is refused and during after-call work asks, keeping the result.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from app.session.phase import Phase
from app.status.choice import Choice
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.i18n import Language
from ui.leaving import Question
from ui.main import Desktop, DesktopOptions


def make_desktop(
    server: LiveServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    tray: bool,
    port: int | None = None,
) -> Desktop:
    """The real desktop; ``tray``: whether the desktop environment has a system tray (Xvfb has none)."""
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: tray))
    return Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=[
                "--listen",
                f"127.0.0.1:{port or free_port('udp')}",
                "--local-user",
                "operator",
                "--no-audio",
            ],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )


def question(desktop: Desktop) -> Question:
    assert desktop.leaving is not None
    box = desktop.leaving.question
    assert box is not None and box.isVisible(), "no question on the screen"
    return box


def run(loop: asyncio.AbstractEventLoop, desktop: Desktop, steps: Callable[[], object]) -> None:
    async def scenario() -> None:
        try:
            assert await desktop.start()
            await steps()  # type: ignore[misc]
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())


def test_the_tray_icon_is_shown_and_closing_the_window_keeps_a_ready_operator_reachable(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desktop = make_desktop(server, tmp_path, monkeypatch, tray=True)

    async def steps() -> None:
        window, ws, tray = desktop.window, desktop.workstation, desktop.tray
        assert window is not None and ws is not None and tray is not None
        assert tray.icon.isVisible()  # the way back exists before it is needed
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)

        window.close()  # the title bar's X
        box = question(desktop)
        box.grab().save(str(tmp_path / "close-question.png"))  # kept as an artefact
        assert "Ready" in box.text()
        assert [b.text() for b in box.named.values()] == [
            "Keep working in the tray",
            "End shift and quit",
            "Cancel",
        ]
        assert box.defaultButton() is box.named["keep"]
        box.named["cancel"].click()
        assert window.isVisible() and desktop.leaving is not None and desktop.leaving.question is None

        window.close()
        question(desktop).named["keep"].click()
        assert not window.isVisible()
        assert ws.status.routable  # still Ready: calls still come
        assert tray.icon.isVisible()
        assert tray.notice is not None and "Ready" in tray.notice[1]  # and the operator is told so
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)  # a click on the icon
        assert window.isVisible()

        window.close()
        question(desktop).named["quit"].click()
        assert desktop.closed.is_set()

    run(loop, desktop, steps)


def test_without_a_tray_closing_the_window_minimises_it(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desktop = make_desktop(server, tmp_path, monkeypatch, tray=False)

    async def steps() -> None:
        window = desktop.window
        assert window is not None
        window.close()
        box = question(desktop)
        assert box.named["keep"].text() == "Minimise"
        box.named["keep"].click()
        assert window.isVisible() and window.isMinimized()  # in the task bar, never invisible
        assert not desktop.closed.is_set()

    run(loop, desktop, steps)


@pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")
def test_quit_during_a_call_is_refused_and_during_after_call_work_asks(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port("udp")
    desktop = make_desktop(server, tmp_path, monkeypatch, tray=True, port=port)
    sipp = Sipp(
        "uac_wait_bye.xml",
        f"127.0.0.1:{port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": "+79131234567",
            "pai_number": "+79131234567",
            "customer_id": "1",
            "queue": "shop",
            "extra_header": "",
        },
        recv_timeout=40.0,
        timeout=60.0,
    )

    async def steps() -> None:
        window, ws, tray = desktop.window, desktop.workstation, desktop.tray
        assert window is not None and ws is not None and tray is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        sipp.start()
        await until(lambda: any(s.phase is Phase.RINGING for s in ws.calls.values()))
        window.ringing.answer_button.click()
        await until(lambda: any(s.phase is Phase.TALKING for s in ws.calls.values()))

        window.action_collection[ActionId.QUIT].trigger()  # Tools > Quit
        box = question(desktop)
        assert list(box.named) == ["back"]  # refused: no way to drop the customer from here
        box.named["back"].click()
        window.hide()
        tray.quit_requested.emit()  # the tray's Quit, with the window hidden
        assert window.isVisible()  # the refusal is shown over the window, not over nothing
        question(desktop).named["back"].click()
        assert not desktop.closed.is_set()
        assert any(s.phase is Phase.TALKING for s in ws.calls.values())

        window.action_collection[ActionId.HANG_UP].trigger()
        await until(lambda: any(s.phase is Phase.ACW for s in ws.calls.values()))
        window.action_collection[ActionId.QUIT].trigger()
        box = question(desktop)
        assert box.defaultButton() is box.named["back"]
        box.named["back"].click()
        assert not desktop.closed.is_set() and window.disposition.isVisible()

        window.action_collection[ActionId.QUIT].trigger()
        question(desktop).named["quit"].click()
        assert desktop.closed.is_set()
        assert desktop.sync is not None
        assert len(desktop.sync.drafts.open_drafts()) == 1  # the result is kept for the next start

    try:
        run(loop, desktop, steps)
    finally:
        sipp.stop()
