"""The Team window on a real server (``ringdesk-server serve`` as a process), its feed a task on a
qasync loop as in the desktop: the board fills from the snapshot, pushes change single rows in place
(no resets), sort and filter, colour thresholds, KPIs from the server, the team lead's actions
(force, approve a break, history), a refused token renewed, and backing off while the server is
away. The whole desktop's journey is ``tests/e2e/test_team_lead.py``."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from app.client.api import ApiClient
from app.team.feed import Connection, FeedEvent, TeamFeed
from app.wire.auth import Role as WireRole
from app.wire.auth import TokenPair, UserOut
from app.wire.statuses import OperatorStatus
from server.db import Database
from server.models import Role
from tests.e2e.conftest import until
from tests.server.conftest import make_settings
from tests.server.helpers import TestUser, add_user
from tests.server.live import LiveServer
from ui.team.model import ALERT_ROLE, Column
from ui.team.window import TeamWindow


class Centre:
    """A live server with a team lead (north), two north operators and one south operator."""

    def __init__(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'team.sqlite3'}"
        settings = make_settings(url)
        env = {
            "RINGDESK_DATABASE_URL": url,
            "RINGDESK_SECRET_KEY": settings.secret_key.get_secret_value(),
            "RINGDESK_PASSWORD_TIME_COST": "1",
            "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
            "RINGDESK_PASSWORD_PARALLELISM": "1",
        }
        self.server = LiveServer(tmp_path / "server.log", env=env).start()
        database = Database.connect(url)
        self.users: dict[str, TestUser] = {
            "admin": add_user(database, settings, "admin", Role.ADMIN),
            "lead": add_user(database, settings, "lead", Role.TEAM_LEAD, "north"),
            "anna": add_user(database, settings, "anna", team="north"),
            "boris": add_user(database, settings, "boris", team="north"),
            "sveta": add_user(database, settings, "sveta", team="south"),
        }
        database.dispose()
        self.http = httpx.Client(base_url=self.server.base_url, timeout=10)
        self.tokens = {
            name: self.http.post("/auth/login", json={"name": name, "password": u.password}).json()[
                "access_token"
            ]
            for name, u in self.users.items()
        }
        for spec in (
            {"code": "break", "label_en": "Break", "label_ru": "Перерыв", "needs_approval": True},
            {"code": "training", "label_en": "Training", "label_ru": "Обучение"},
        ):
            assert self.put(f"/catalogue/reasons/{spec['code']}", spec).status_code == 201
        spec = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
        assert self.put("/catalogue/dispositions/sale", spec).status_code == 201
        threshold = {"key": "training", "amber_minutes": 1, "red_minutes": 2}
        assert self.put("/thresholds/training", threshold).status_code == 200

    def put(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.put(path, json=body, headers=self.auth("admin"))

    def auth(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def status(self, name: str, status: str, reason: str | None = None) -> None:
        """Now: the accounts are fresh, and a change older than the board's row is a replay."""
        at = datetime.now(UTC).isoformat()
        body = {"operator": name, "status": status, "reason": reason, "at": at}
        if status == "on_call":
            body["source"] = "system"
        response = self.http.post("/statuses", json=body, headers=self.auth(name))
        assert response.status_code == 201, response.text


@pytest.fixture
def centre(tmp_path: Path) -> Iterator[Centre]:
    c = Centre(tmp_path)
    yield c
    c.http.close()
    c.server.stop()


Body = Callable[[TeamWindow], Awaitable[None]]


def on_board(centre: Centre, loop: asyncio.AbstractEventLoop, body: Body) -> None:
    """Log the lead in, open the board on ``loop`` and wait for both north operators, run ``body``."""

    async def scenario() -> None:
        api = ApiClient(centre.server.base_url, account="lead")
        window = TeamWindow()
        try:
            await api.login("lead", centre.users["lead"].password)
            window.start(TeamFeed(api, window.on_feed_event, kpi_every=1.0, kpi_min_interval=0.5))
            await until(lambda: window.model.rowCount() == 2 and window.model.connected, timeout=10)
            await body(window)
        finally:
            await window.aclose()
            await api.aclose()

    loop.run_until_complete(scenario())


def cell(window: TeamWindow, operator: str, column: Column, role: int = 0) -> Any:
    row = window.model.board.index_of(operator)
    assert row is not None
    return window.model.index(row, column).data(role)


def test_pushes_change_rows_in_place(centre: Centre, loop: asyncio.AbstractEventLoop) -> None:
    async def body(window: TeamWindow) -> None:
        resets: list[int] = []
        changed: list[int] = []
        window.model.modelReset.connect(lambda: resets.append(1))
        # rows whose status changed: the one-second tick changes the time columns of every row too
        window.model.dataChanged.connect(
            lambda top, bottom, _roles=(): (
                changed.extend(range(top.row(), bottom.row() + 1))
                if top.column() <= Column.STATUS <= bottom.column()
                else None
            )
        )
        assert {cell(window, op, Column.OPERATOR) for op in ("anna", "boris")} == {"anna", "boris"}
        assert window.model.board.index_of("sveta") is None  # another team's
        centre.status("anna", "ready")
        await until(lambda: cell(window, "anna", Column.STATUS) == "Ready", timeout=5)
        anna = window.model.board.index_of("anna")
        assert anna in changed
        changed.clear()
        centre.status("boris", "on_call")
        await until(lambda: cell(window, "boris", Column.STATUS) == "On call", timeout=5)
        assert cell(window, "boris", Column.CALL) in {"0:00", "0:01", "0:02"}
        assert window.model.board.index_of("boris") in changed
        assert anna not in changed  # only the row that changed
        assert resets == []

    on_board(centre, loop, body)


def test_sort_filter_and_colours(centre: Centre, loop: asyncio.AbstractEventLoop) -> None:
    async def body(window: TeamWindow) -> None:
        centre.status("anna", "not_ready", "training")
        await until(lambda: cell(window, "anna", Column.STATUS) == "Not ready", timeout=5)
        centre.status("boris", "ready")
        await until(lambda: cell(window, "boris", Column.STATUS) == "Ready", timeout=5)
        real_clock = window.model.clock
        window.model.clock = lambda: real_clock() + timedelta(minutes=3)
        boris_since = window.model.entry(window.model.board.index_of("boris") or 0).row.since
        centre.status("boris", "ready")  # boris starts over: 3 minutes less in status than anna
        await until(
            lambda: window.model.entry(window.model.board.index_of("boris") or 0).row.since > boris_since,
            timeout=5,
        )
        assert cell(window, "anna", Column.IN_STATUS, ALERT_ROLE) == 2  # red: training over 2 minutes
        assert cell(window, "boris", Column.IN_STATUS, ALERT_ROLE) == 0  # ready has no threshold
        window.view.sortByColumn(Column.IN_STATUS, Qt.SortOrder.DescendingOrder)
        assert window.proxy.index(0, Column.OPERATOR).data() == "anna"
        window.view.sortByColumn(Column.IN_STATUS, Qt.SortOrder.AscendingOrder)
        assert window.proxy.index(0, Column.OPERATOR).data() == "boris"
        window.team_box.setCurrentIndex(window.team_box.findData("north"))
        assert window.proxy.rowCount() == 2
        window.proxy.set_team("south")
        assert window.proxy.rowCount() == 0

    on_board(centre, loop, body)


def test_force_approve_history_and_kpis(centre: Centre, loop: asyncio.AbstractEventLoop) -> None:
    async def body(window: TeamWindow) -> None:
        centre.status("anna", "ready")
        centre.status("boris", "ready")
        await until(lambda: cell(window, "boris", Column.STATUS) == "Ready", timeout=5)
        await until(lambda: bool(window.reasons), timeout=5)
        window.force("anna", OperatorStatus.NOT_READY, "training")
        await until(lambda: cell(window, "anna", Column.REASON) == "Training", timeout=5)
        await until(lambda: window.message.text() == "Done", timeout=5)  # the answer may come after

        asked = centre.http.post(
            "/requests",
            json={"operator": "boris", "kind": "break", "status": "not_ready", "reason": "break"},
            headers=centre.auth("boris"),
        )
        assert asked.status_code == 201
        await until(lambda: cell(window, "boris", Column.REQUEST) == "Asks for: Break", timeout=5)
        window.select_operator("boris")
        assert window.approve_button.isEnabled()
        window.approve_button.click()
        await until(lambda: cell(window, "boris", Column.REASON) == "Break", timeout=5)
        await until(lambda: cell(window, "boris", Column.REQUEST) == "", timeout=5)

        window.select_operator("anna")
        window.history_selected()
        await until(lambda: window.history_dialog is not None, timeout=5)
        history = window.history_dialog
        assert history is not None and history.table.rowCount() == 2
        newest = history.table.item(0, 3)
        assert newest is not None and newest.text() == "lead"  # the force, newest first

        now = datetime.now(UTC)
        call = {
            "call_id": f"c-{uuid.uuid4().hex[:6]}",
            "operator": "anna",
            "ring_at": (now - timedelta(minutes=5)).isoformat(),
            "answer_at": (now - timedelta(minutes=5)).isoformat(),
            "end_at": (now - timedelta(minutes=3)).isoformat(),
            "acw_end_at": (now - timedelta(minutes=2)).isoformat(),
            "code": "sale",
        }
        headers = centre.auth("anna") | {"Idempotency-Key": str(uuid.uuid4())}
        assert centre.http.post("/dispositions", json=call, headers=headers).status_code == 201
        await until(lambda: cell(window, "anna", Column.HANDLED) == "1", timeout=10)
        assert cell(window, "anna", Column.AHT) == "3:00"
        assert cell(window, "anna", Column.AVG_ACW) == "1:00"

    on_board(centre, loop, body)


def test_a_refused_token_is_renewed_and_the_board_reconnects(
    centre: Centre, loop: asyncio.AbstractEventLoop
) -> None:
    """The server closes the socket with 4401 when the access token expires (or is refused): the
    feed gets a fresh one through the client's refresh and is live again, without a new login."""

    async def scenario() -> None:
        api = ApiClient(centre.server.base_url, account="lead")
        events: list[FeedEvent] = []
        feed = TeamFeed(api, events.append)
        try:
            await api.login("lead", centre.users["lead"].password)
            pair = api.tokens._pair
            assert pair is not None
            # a token the server does not accept (as after its expiry), that the client thinks is good
            api.tokens._pair = pair.model_copy(update={"access_token": pair.access_token[:-4] + "AAAA"})
            feed.start()
            # the socket is refused (4401), then the feed is up again: the board's snapshot may
            # already have renewed the token over HTTP before the refusal arrived, so up may come
            # before it too; what matters is an up after the refusal
            await until(lambda: _up_after_refusal(events), timeout=10)
            assert api.tokens.access_token != pair.access_token[:-4] + "AAAA"
            centre.status("anna", "ready")
            await until(lambda: any(getattr(e, "kind", None) == "status" for e in events), timeout=5)
        finally:
            await feed.stop()
            await api.aclose()

    loop.run_until_complete(scenario())


def test_the_feed_backs_off_while_the_server_is_away(loop: asyncio.AbstractEventLoop) -> None:
    """Nothing listens: the feed reports the board down and retries ever more slowly, not at once."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    async def scenario() -> None:
        api = ApiClient(f"http://127.0.0.1:{port}", account="lead")
        events: list[FeedEvent] = []
        feed = TeamFeed(api, events.append, max_wait_s=2.0)
        try:
            api.tokens.accept(_far_future_pair())
            started = time.monotonic()
            feed.start()
            await until(lambda: sum(isinstance(e, Connection) and not e.up for e in events) >= 4, timeout=15)
            # waits of 0.25-0.5 s, 0.5-1 s and 1-2 s came between the four attempts
            assert time.monotonic() - started >= 0.25 + 0.5 + 1.0
            assert feed.running
        finally:
            await feed.stop()
            await api.aclose()

    loop.run_until_complete(scenario())


def _up_after_refusal(events: list[FeedEvent]) -> bool:
    refused = Connection(False, "access token refused or expired")
    if refused not in events:
        return False
    return Connection(True) in events[events.index(refused) :]


def _far_future_pair() -> TokenPair:
    now = datetime.now(UTC)
    user = UserOut(id=1, name="lead", role=WireRole.TEAM_LEAD, team="north", active=True, created_at=now)
    expires = now + timedelta(hours=1)
    return TokenPair(
        access_token="a" * 40,
        refresh_token="r" * 43,
        expires_in=3600,
        expires_at=expires,
        refresh_expires_at=expires,
        user=user,
    )
