"""A team lead's force reaches the operator's desktop over ``/me/live`` and the desk takes it over;
the operator sees their own figures for today from the server's KPIs."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

import ui.supervision
from app.status.choice import Choice
from app.sync.me_feed import MeFeed
from app.wire.statuses import OperatorStatus
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions


@pytest.mark.timeout(120)
def test_a_lead_s_force_reaches_the_idle_operator_and_figures_show(
    monkeypatch: pytest.MonkeyPatch,
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    connected: list[bool] = []

    class WatchedFeed(MeFeed):
        """The desktop's own feed, telling the test when its socket is up (a force sent before that
        would be missed: the server does not replay it)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            inner = self.on_connected

            def on_connected(up: bool) -> None:
                connected.append(up)
                inner(up)

            self.on_connected = on_connected

    monkeypatch.setattr(ui.supervision, "MeFeed", WatchedFeed)
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{free_port('udp')}", "--local-user", "op", "--no-audio"],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )

    async def scenario() -> None:
        try:
            assert await desktop.start()
            window, ws, supervision = desktop.window, desktop.workstation, desktop.supervision
            assert window is not None and ws is not None and supervision is not None
            ws.set_status(Choice.ready())
            await until(lambda: supervision.figures.text().startswith("Today:"))
            await until(lambda: bool(connected) and connected[-1])  # the feed is connected
            async with httpx.AsyncClient(base_url=server.base_url) as http:
                login = await http.post("/auth/login", json={"name": "lead", "password": PASSWORD})
                headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
                force = {
                    "operator": "operator1",
                    "kind": "force",
                    "status": "not_ready",
                    "reason": "training",
                }
                answer = await http.post("/requests", json=force, headers=headers)
                assert answer.status_code == 201, answer.text
            await until(lambda: ws.status.status is OperatorStatus.NOT_READY, timeout=20)
            assert ws.status.reason == "training"
            assert window.status.status.text() == "Training"
            assert desktop.desk is not None
            assert "team lead" in desktop.desk.status_line.currentMessage()
            assert desktop.desk.status_line.currentMessage().endswith(": Training")  # not "not_ready (...)"
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())
