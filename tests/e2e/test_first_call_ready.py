"""Issue 15: the desk is ready for its first call before the operator goes ready, and its phone starts
while the window is being built.

With the real composition root, the live server and the real telephony service: once the window is up
and the warm-up has run, the call card's pages (and the editors of the server's custom fields) exist
and the phone-number library is loaded, so the first call only fills them, like every later call. The
phone's process was started ahead of ``TelephonyService.start`` (right after login, before the window
was built) and is the one the desk talks to: nothing was restarted or lost on the way.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from app.status.choice import Choice
from tests.e2e.conftest import direct_desktop, until
from tests.server.live import LiveServer
from tests.sync.conftest import MemoryKeyring


def test_the_first_call_finds_the_card_built_and_the_phone_started_early(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    desktop = direct_desktop(server.base_url, "operator1", tmp_path / "desk.db")
    seen: dict[str, object] = {}

    async def scenario() -> None:
        from app.telephony.supervisor import TelephonyService

        original = TelephonyService.start

        async def start(service: TelephonyService, timeout_s: float = 20.0) -> None:
            seen["pid_before_start"] = service.pid  # prespawned: the process exists already
            await original(service, timeout_s)

        TelephonyService.start = start  # type: ignore[method-assign]
        try:
            assert await desktop.start()
        finally:
            TelephonyService.start = original  # type: ignore[method-assign]
        try:
            window, ws, phone = desktop.window, desktop.workstation, desktop.telephony
            assert window is not None and ws is not None and phone is not None
            assert desktop.warmup is not None
            await asyncio.wait_for(desktop.warmup, 15)
            seen["pages"] = window.card.has_contact_page()
            seen["editors"] = len(window.card.contact_page._editors)
            seen["phonenumbers"] = "phonenumbers" in sys.modules
            ws.set_status(Choice.ready())
            await until(lambda: ws.status.routable)
            seen["pid"] = phone.pid
            seen["restarts"] = phone.restarts
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())
    assert seen["pid_before_start"] is not None and seen["pid_before_start"] == seen["pid"]
    assert seen["restarts"] == 0
    assert seen["pages"] is True and seen["phonenumbers"] is True
    assert seen["editors"] >= 1
