"""A team lead's missed calls on the real desktop (``ui.main.Desktop`` on qasync, a live seeded
server with a PBX source): Ctrl+T's Team window shows the team's missed calls not yet called back,
how long the oldest has waited and today's callback SLA, read back from its widgets; the lead
reassigns one task to an operator and cancels another (confirmed) through the window, and the
server agrees. A missed call reported while the window is open shows without any action."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from tests.e2e.conftest import PASSWORD, seeded_demo_server, until
from tests.server.live import LiveServer
from tests.server.tasks_support import open_zone
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt
from ui.team.window import TeamWindow

SOURCE_KEY = "team-missed-source-key-0123"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"RINGDESK_SOURCE_KEYS": f"pbx2:{SOURCE_KEY}", "RINGDESK_TASK_DEFAULT_TIME_ZONE": open_zone()}
    with seeded_demo_server(tmp_path_factory.mktemp("team-missed-server"), env) as live:
        yield live


class Centre:
    """The PBX and the people other than the lead, through the server's API."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def missed_call(self, caller: str) -> int:
        report = {
            "call_id": f"e2e-{uuid.uuid4()}",
            "outcome": "missed",
            "missed_reason": "abandoned",
            "caller": caller,
            "wait_seconds": 42,
        }
        answer = await self.http.post("/calls/outcomes", json=report, headers={"X-Source-Key": SOURCE_KEY})
        assert answer.status_code in (200, 201), answer.text
        return int(answer.json()["task_id"])

    async def auth(self, name: str) -> dict[str, str]:
        login = await self.http.post("/auth/login", json={"name": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}

    async def task(self, task_id: int) -> dict[str, Any]:
        lead = await self.auth("lead")
        tasks = (await self.http.get("/tasks", params={"limit": 1000}, headers=lead)).json()
        [task] = [t for t in tasks if t["id"] == task_id]
        return dict(task)


def team_window() -> TeamWindow | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, TeamWindow) and w.isVisible()]
    return shown[0] if shown else None


def task_row(board: TeamWindow, phone: str) -> list[str] | None:
    """The task list's row for ``phone``, as the lead reads it (state, number, why, owner, due)."""
    tasks = board.missed.list
    for row in range(tasks.topLevelItemCount()):
        item = tasks.topLevelItem(row)
        assert item is not None
        if item.text(1) == phone:
            return [item.text(column) for column in range(tasks.columnCount())]
    return None


def click_task(board: TeamWindow, phone: str) -> None:
    tasks = board.missed.list
    for row in range(tasks.topLevelItemCount()):
        item = tasks.topLevelItem(row)
        assert item is not None
        if item.text(1) == phone:
            tasks.scrollToItem(item)
            rect = tasks.visualItemRect(item)
            QTest.mouseClick(tasks.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{phone} is not listed")


@pytest.mark.timeout(180)
def test_a_team_lead_sees_missed_calls_and_reassigns_and_cancels_tasks(
    server: LiveServer, qapp: QApplication, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="lead",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{free_port('udp')}", "--local-user", "lead", "--no-audio"],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            centre = Centre(http)
            first = await centre.missed_call("+79120000001")
            second = await centre.missed_call("+79120000002")
            try:
                assert await desktop.start()
                await steps(centre, first, second)
            finally:
                await desktop.stop()

    async def steps(centre: Centre, first: int, second: int) -> None:
        main = desktop.window
        assert main is not None
        main.activateWindow()
        await until(main.isActiveWindow, timeout=5)
        QTest.keyClick(main, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: team_window() is not None, timeout=5)
        board = team_window()
        assert board is not None
        panel = board.missed
        await until(lambda: panel.waiting_value.text() == "2", timeout=10)
        assert panel.waiting_caption.text() == "Missed calls not called back:"
        assert panel.oldest_value.text().startswith("0:")  # m:ss, ticking
        assert panel.sla_value.text() == "none due yet (within 30 min)"
        row = task_row(board, "+79120000001")
        assert row is not None and row[:4] == ["Open", "+79120000001", "Missed call", "anyone"]
        assert not panel.reassign_button.isEnabled()

        # reassign the first to operator1: select it, Reassign task..., pick, Reassign
        click_task(board, "+79120000001")
        await until(panel.reassign_button.isEnabled, timeout=5)
        panel.reassign_button.click()
        dialog = panel.reassign_dialog
        assert dialog is not None and dialog.isVisible()
        dialog.choice.setCurrentIndex(dialog.choice.findText("operator1"))
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await until(lambda: (task_row(board, "+79120000001") or [""] * 4)[3] == "operator1", timeout=10)
        assert (await centre.task(first))["owner"] == "operator1"

        # operator1 calls the client back (not reached): within the SLA
        operator = await centre.auth("operator1")
        taken = await centre.http.post("/tasks/next", headers=operator)
        assert taken.status_code == 200 and taken.json()["id"] == first, taken.text
        reported = await centre.http.post(
            f"/tasks/{first}/result", json={"outcome": "not_reached", "reason": "busy"}, headers=operator
        )
        assert reported.status_code == 200, reported.text

        # cancel the second: asked first; "Keep it" keeps it, "Cancel task" cancels it
        click_task(board, "+79120000002")
        await until(panel.cancel_button.isEnabled, timeout=5)
        panel.cancel_button.click()
        box = panel.cancel_box
        assert box is not None and box.isVisible()
        assert "+79120000002" in box.text()
        box.button(QMessageBox.StandardButton.No).click()
        assert (await centre.task(second))["state"] == "open"
        panel.cancel_button.click()
        box = panel.cancel_box
        assert box is not None
        box.button(QMessageBox.StandardButton.Yes).click()
        await until(lambda: task_row(board, "+79120000002") is None, timeout=10)
        assert (await centre.task(second))["state"] == "cancelled"
        await until(lambda: panel.waiting_value.text() == "1", timeout=10)  # the first is still owed
        assert panel.sla_value.text() == "100 % (1 of 1 within 30 min)"
        assert board.message.text() == "Done"

        # a call missed while the window is open shows by itself
        await centre.missed_call("+79120000003")
        await until(lambda: panel.waiting_value.text() == "2", timeout=30)
        assert task_row(board, "+79120000003") is not None

    run_qt(scenario)
