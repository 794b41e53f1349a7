"""Issue 14 through the real composition root (``ui.main.Desktop`` on the qasync loop, a live seeded
server, the real telephony service): a call result the server does not accept is kept, never sent
again by itself, and shown in the main window with how many, why and the list; once the cause is
fixed, "Send again" delivers it and the notice goes away.

The story: the operator recorded a call as "Voicemail" while the server was out of reach; an admin
retired that code meanwhile. When the desktop starts, the outbox sends the result and the server
refuses it (422): before, the desktop showed "1 record refused by the server: see the log" and
nothing more (no reason, no list, no way to send it again).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.store.database import open_store
from app.sync.outbox import Outbox
from app.wire.dispositions import DispositionIn
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language, set_language
from ui.main import Desktop, DesktopOptions

CALL = "call-offline-1@pbx.test"


@contextlib.asynccontextmanager
async def as_admin(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/auth/login", json={"name": "admin", "password": PASSWORD})
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield http


async def set_active(server: LiveServer, code: str, active: bool) -> None:
    async with as_admin(server) as http:
        catalogue = (await http.get("/catalogue")).json()
        entry = next(c for c in catalogue["dispositions"] if c["code"] == code)
        response = await http.put(f"/catalogue/dispositions/{code}", json=entry | {"active": active})
        assert response.status_code == 200, response.text


async def stored_calls(server: LiveServer) -> list[str]:
    async with as_admin(server) as http:
        history = await http.get("/contacts/1/history")
        return [item["call_id"] for item in history.json()["items"]]


def saved_offline(database: Path) -> None:
    """What the desktop saved in its last session, while the server was out of reach."""
    ring = datetime.now(UTC) - timedelta(minutes=30)
    store = open_store(database)
    try:
        Outbox(store).add_disposition(
            DispositionIn(
                call_id=CALL,
                operator="operator1",
                contact_id=1,
                ring_at=ring,
                answer_at=ring + timedelta(seconds=4),
                end_at=ring + timedelta(seconds=40),
                code="voicemail",
            )
        )
    finally:
        store.close()


def test_a_result_the_server_refuses_is_kept_shown_and_sent_again(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    database = tmp_path / "desk.db"
    saved_offline(database)
    port = free_port("udp")
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=database,
        )
    )

    async def steps() -> None:
        await set_active(server, "voicemail", False)  # retired while the desktop was away
        assert await desktop.start()
        window, refused, sync = desktop.window, desktop.refused, desktop.sync
        assert window is not None and refused is not None and sync is not None
        notice = refused.notice
        await until(notice.isVisible)
        assert (
            notice.label.text() == "1 call result(s) not accepted by the server: the server found it invalid"
        )
        assert notice.window() is window
        assert not desktop.banner.isVisible()  # not "waiting to be sent": it will not be, by itself

        QTest.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
        dialog = refused.dialog
        assert dialog is not None
        await until(dialog.isVisible)
        [line] = dialog.lines()
        assert "Call result: Voicemail · " + CALL in line
        assert "the server found it invalid" in line
        assert "Server: " in line and "retired" in line  # the server's own words, for support
        assert not dialog.resend.isEnabled()  # nothing chosen yet

        set_language(Language.RU)
        assert notice.label.text() == "1 результат звонка не принят сервером: сервер счёл его неверным"
        assert dialog.windowTitle() == "Записи, не принятые сервером"
        assert "Результат звонка: Автоответчик · " + CALL in dialog.lines()[0]
        set_language(Language.EN)

        # kept, and never sent again by itself: parked, not pending, so the pump has nothing to send
        await until(lambda: sync.status.pending == 0)
        assert [item.http_status for item in sync.outbox.parked()] == [422]
        assert sync.outbox.pending() == []
        assert CALL not in await stored_calls(server)

        await set_active(server, "voicemail", True)  # the admin undoes it; the operator sends again
        dialog.list.item(0).setSelected(True)
        QTest.mouseClick(dialog.resend, Qt.MouseButton.LeftButton)
        await until(lambda: not notice.isVisible())
        await until(lambda: sync.status.pending == 0)
        assert dialog.lines() == []
        assert CALL in await stored_calls(server)

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())
