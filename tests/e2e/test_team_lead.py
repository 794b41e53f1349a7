"""A team lead's shift on the real desktop: the composition root (``ui.main.Desktop``) on the qasync
loop, logged in as the demo team lead against a live seeded server, opens the Team window with
Ctrl+T and works it only through its widgets: the board is live, an operator's status change made
through the server's API shows within a second, a force, a break approved and one refused, and an
operator's history.

It runs the way ``ringdesk`` does (``ui.main.run_qt``: qasync's loop and its loop policy), because
that is where it failed while the widget tests passed: the board's feed made its own event loop,
got a Qt loop on a worker thread under qasync's policy and died, so the window said
"Reconnecting..." forever.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.qt_loop import run_qt
from ui.team.model import Column
from ui.team.window import TeamWindow


class Operators:
    """The seeded operators acting through the server's API, as their own desktops would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.tokens: dict[str, str] = {}

    async def login(self, *names: str) -> None:
        for name in names:
            answer = await self.http.post("/auth/login", json={"name": name, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            self.tokens[name] = answer.json()["access_token"]

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    async def status(self, name: str, status: str, reason: str | None = None) -> None:
        body = {"operator": name, "status": status, "reason": reason, "at": datetime.now(UTC).isoformat()}
        answer = await self.http.post("/statuses", json=body, headers=self.auth(name))
        assert answer.status_code == 201, answer.text

    async def ask_break(self, name: str, reason: str) -> None:
        body = {"operator": name, "kind": "break", "status": "not_ready", "reason": reason}
        answer = await self.http.post("/requests", json=body, headers=self.auth(name))
        assert answer.status_code == 201, answer.text


def cell(window: TeamWindow, operator: str, column: Column) -> Any:
    """What the board's table shows for ``operator`` (read through the view's own model)."""
    proxy = window.view.model()
    for row in range(proxy.rowCount()):
        if proxy.index(row, Column.OPERATOR).data() == operator:
            return proxy.index(row, column).data()
    return None


def click_row(window: TeamWindow, operator: str) -> None:
    """Click the operator's row in the table, as the lead would."""
    proxy = window.view.model()
    for row in range(proxy.rowCount()):
        index = proxy.index(row, Column.OPERATOR)
        if index.data() == operator:
            window.view.scrollTo(index)
            rect = window.view.visualRect(index)
            QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"{operator} is not on the board")


def team_window() -> TeamWindow | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, TeamWindow) and w.isVisible()]
    return shown[0] if shown else None


@pytest.mark.timeout(150)
def test_a_team_lead_works_the_live_board_in_the_real_desktop(
    server: LiveServer,
    qapp: QApplication,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
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
            operators = Operators(http)
            await operators.login("admin", "operator1", "operator2")
            lunch = {"code": "lunch", "label_en": "Lunch", "label_ru": "Обед", "needs_approval": True}
            answer = await http.put("/catalogue/reasons/lunch", json=lunch, headers=operators.auth("admin"))
            assert answer.status_code in (200, 201), answer.text
            await operators.status("operator1", "ready")
            await operators.status("operator2", "ready")
            try:
                assert await desktop.start()
                await steps(operators)
            finally:
                await desktop.stop()

    async def steps(operators: Operators) -> None:
        main = desktop.window
        assert main is not None
        main.activateWindow()
        await until(main.isActiveWindow, timeout=5)
        QTest.keyClick(main, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
        await until(lambda: team_window() is not None, timeout=5)
        board = team_window()
        assert board is not None
        await until(lambda: board.connection.text() == "Live", timeout=10)
        await until(lambda: cell(board, "operator1", Column.STATUS) == "Ready", timeout=5)
        assert cell(board, "operator2", Column.STATUS) == "Ready"
        assert cell(board, "support1", Column.STATUS) is None  # another team's

        # an operator's change, stored through the API, is on the board within a second
        await operators.status("operator1", "not_ready", "training")
        posted = time.monotonic()
        await until(lambda: cell(board, "operator1", Column.STATUS) == "Not ready", timeout=1.0)
        assert time.monotonic() - posted < 1.0
        await operators.status("operator1", "ready")
        await until(lambda: cell(board, "operator1", Column.STATUS) == "Ready", timeout=1.0)

        # force: select the row, Force status..., pick a reason, OK
        click_row(board, "operator1")
        await until(board.force_button.isEnabled, timeout=5)
        board.force_button.click()
        await until(lambda: board.force_dialog is not None and board.force_dialog.isVisible(), timeout=5)
        dialog = board.force_dialog
        assert dialog is not None
        await until(lambda: dialog.choice.findText("Meeting") >= 0, timeout=5)
        dialog.choice.setCurrentIndex(dialog.choice.findText("Meeting"))
        buttons = dialog.findChild(QDialogButtonBox)
        assert buttons is not None
        buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await until(lambda: cell(board, "operator1", Column.REASON) == "Meeting", timeout=5)
        assert cell(board, "operator1", Column.STATUS) == "Not ready"
        await until(lambda: board.message.text() == "Done", timeout=5)  # the answer may come after

        # a break asked for and approved
        await operators.ask_break("operator2", "lunch")
        await until(lambda: cell(board, "operator2", Column.REQUEST) == "Asks for: Lunch", timeout=5)
        click_row(board, "operator2")
        await until(board.approve_button.isEnabled, timeout=5)
        board.approve_button.click()
        await until(lambda: cell(board, "operator2", Column.REASON) == "Lunch", timeout=5)
        await until(lambda: cell(board, "operator2", Column.REQUEST) == "", timeout=5)

        # and one refused: the request leaves the row, the status stays
        await operators.status("operator2", "ready")
        await until(lambda: cell(board, "operator2", Column.STATUS) == "Ready", timeout=5)
        await operators.ask_break("operator2", "lunch")
        await until(lambda: cell(board, "operator2", Column.REQUEST) == "Asks for: Lunch", timeout=5)
        click_row(board, "operator2")
        await until(board.refuse_button.isEnabled, timeout=5)
        board.refuse_button.click()
        await until(lambda: cell(board, "operator2", Column.REQUEST) == "", timeout=5)
        assert cell(board, "operator2", Column.STATUS) == "Ready"

        # operator1's history: the lead's force on top, newest first
        click_row(board, "operator1")
        await until(board.history_button.isEnabled, timeout=5)
        board.history_button.click()
        await until(lambda: board.history_dialog is not None and board.history_dialog.isVisible(), timeout=5)
        history = board.history_dialog
        assert history is not None
        newest = [history.table.item(0, column) for column in (2, 3)]
        assert [item.text() if item is not None else None for item in newest] == ["Meeting", "lead"]
        assert history.table.rowCount() >= 4

    run_qt(scenario)  # as ``ringdesk`` runs: qasync.run, with qasync's loop policy
