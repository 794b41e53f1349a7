"""Issue 13 through the real composition root (``ui.main.Desktop`` on the qasync loop, a live seeded
server, the real telephony service; sipp or a real ``ringdesk phone`` as the caller): what the
operator sees agrees with what the server holds.

* defect 2: a force made during a call is applied after it and the server takes it (no parked
  item, the request applied, the server out of ACW); a status the server refuses is undone on screen
  and explained.
* defect 8: the status menu offers no system-only reason, and a catalogue change reaches the menu
  while the desktop runs.
* defect 9: hold time reaches the server's KPIs.
* defect 10: a disposition the local store cannot save keeps the form open with the error and the
  text, and goes through once the store works again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtGui import QAction

from app.session import Phase
from app.status.choice import Choice
from app.telephony import commands as cmd
from app.wire.statuses import OperatorStatus
from tests.e2e.conftest import PASSWORD, until
from tests.server.live import LiveServer
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.disposition_form import DispositionForm
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions
from ui.status_menu import StatusChoice

needs_sipp = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")


def make_desktop(server: LiveServer, tmp_path: Path, port: int) -> Desktop:
    return Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )


@contextlib.asynccontextmanager
async def as_user(server: LiveServer, name: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/auth/login", json={"name": name, "password": PASSWORD})
        assert login.status_code == 200, login.text
        http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield http


async def board_row(server: LiveServer, operator: str = "operator1") -> dict[str, Any]:
    async with as_user(server, "lead") as http:
        rows = (await http.get("/statuses/board")).json()
    return next(row for row in rows if row["operator"] == operator)


def menu_choices(desktop: Desktop) -> dict[str, StatusChoice]:
    assert desktop.window is not None
    actions = [a for a in desktop.window.status.menu.actions() if isinstance(a.data(), StatusChoice)]
    return {a.text().replace("&&", "&"): a.data() for a in actions}


def pick_status(desktop: Desktop, wanted: StatusChoice) -> None:
    """The operator picks a status in the status bar's menu (the action a click triggers)."""
    assert desktop.window is not None
    action = next(
        a for a in desktop.window.status.menu.actions() if isinstance(a, QAction) and a.data() == wanted
    )
    action.trigger()


def call_from_sipp(port: int, hold_ms: int) -> Sipp:
    return Sipp(
        "uac_headers.xml",
        f"127.0.0.1:{port}",
        service="operator",
        variables={
            "display": "Ivan",
            "caller": "+79131234567",
            "pai_number": "+79131234567",
            "customer_id": "1",
            "queue": "shop",
            "extra_header": "",
            "hold_ms": str(hold_ms),
        },
        recv_timeout=30.0,
        timeout=60.0,
    )


def pick_plain_code(form: DispositionForm) -> None:
    """Choose the first result that needs neither a comment nor a callback time."""
    for row in range(form.codes.count()):
        form.codes.setCurrentRow(row)
        if not form.problems():
            return
    raise AssertionError("no result without a comment or a callback")


@pytest.fixture
def sipps() -> Iterator[list[Sipp]]:
    started: list[Sipp] = []
    yield started
    for sipp in started:
        sipp.stop()


def run(loop: asyncio.AbstractEventLoop, desktop: Desktop, steps: Callable[[], Any]) -> None:
    async def scenario() -> None:
        try:
            assert await desktop.start()
            await steps()
        finally:
            await desktop.stop()

    loop.run_until_complete(scenario())


# ----- defect 2 ------------------------------------------------------------------------------------


@needs_sipp
@pytest.mark.timeout(150)
def test_a_force_during_a_call_is_applied_after_it_and_the_server_takes_it(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    sipps: list[Sipp],
) -> None:
    port = free_port("udp")
    desktop = make_desktop(server, tmp_path, port)

    async def steps() -> None:
        window, ws, sync = desktop.window, desktop.workstation, desktop.sync
        assert window is not None and ws is not None and sync is not None
        pick_status(desktop, StatusChoice(OperatorStatus.READY))
        await until(lambda: ws.status.routable)
        sipp = call_from_sipp(port, 6000)
        sipps.append(sipp)
        sipp.start()
        await until(window.ringing.answer_button.isVisible)
        window.ringing.answer_button.click()
        await until(lambda: window.status.status.text() == "On call")
        await until(lambda: sync.status.pending == 0)
        async with as_user(server, "lead") as http:
            force = {"operator": "operator1", "kind": "force", "status": "not_ready", "reason": "training"}
            answer = await http.post("/requests", json=force, headers={})
            assert answer.status_code == 201, answer.text
            request = answer.json()
        assert request["state"] == "pending"  # the server saw the call: after it
        await until(lambda: ws.status.forced == Choice.not_ready("training"))
        await until(window.disposition.isVisible, timeout=40)  # sipp hangs up
        pick_plain_code(window.disposition)
        window.disposition.submit.click()
        await until(lambda: window.status.status.text() == "Training")
        await until(lambda: sync.status.pending == 0)
        assert sync.status.parked == 0, [i.last_error for i in sync.outbox.parked()]
        row = await board_row(server)
        assert (row["status"], row["reason"], row["source"]) == ("not_ready", "training", "team_lead")
        async with as_user(server, "lead") as http:
            states = {r["id"]: r["state"] for r in (await http.get("/requests")).json()}
        assert states[request["id"]] == "applied"
        pick_status(desktop, StatusChoice(OperatorStatus.READY))  # leave the shared server as found
        await until(lambda: sync.status.pending == 0)

    run(loop, desktop, steps)


@pytest.mark.timeout(120)
def test_a_force_made_while_the_desktop_was_away_is_applied_when_it_connects(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    async def force_while_away() -> int:
        async with as_user(server, "operator1") as http:  # the last desktop left in after-call work
            acw = {"operator": "operator1", "status": "acw", "at": datetime.now(UTC).isoformat()}
            assert (await http.post("/statuses", json=acw | {"source": "system"})).status_code == 201
        async with as_user(server, "lead") as http:
            force = {"operator": "operator1", "kind": "force", "status": "not_ready", "reason": "meeting"}
            answer = await http.post("/requests", json=force)
            assert answer.status_code == 201 and answer.json()["state"] == "pending", answer.text
            return int(answer.json()["id"])

    request = loop.run_until_complete(force_while_away())
    desktop = make_desktop(server, tmp_path, free_port("udp"))

    async def steps() -> None:
        window, sync = desktop.window, desktop.sync
        assert window is not None and sync is not None
        await until(lambda: window.status.status.text() == "Meeting")  # read when the feed connected
        await until(lambda: sync.status.pending == 0)
        assert sync.status.parked == 0
        row = await board_row(server)
        assert (row["status"], row["reason"], row["source"]) == ("not_ready", "meeting", "team_lead")
        async with as_user(server, "lead") as http:
            states = {r["id"]: r["state"] for r in (await http.get("/requests")).json()}
        assert states[request] == "applied"
        pick_status(desktop, StatusChoice(OperatorStatus.READY))
        await until(lambda: sync.status.pending == 0)

    run(loop, desktop, steps)


@pytest.mark.timeout(120)
def test_a_status_the_server_refuses_is_undone_on_screen_and_explained(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    desktop = make_desktop(server, tmp_path, free_port("udp"))
    lunch: dict[str, Any] = {}

    async def steps() -> None:
        window, ws, sync, desk = desktop.window, desktop.workstation, desktop.sync, desktop.desk
        assert window is not None and ws is not None and sync is not None and desk is not None
        assert desktop.supervision is not None
        desktop.supervision.feed.on_catalogue = lambda: None  # the catalogue push is lost (feed down)
        pick_status(desktop, StatusChoice(OperatorStatus.READY))
        await until(lambda: sync.status.pending == 0)
        async with as_user(server, "admin") as http:
            reasons = (await http.get("/catalogue")).json()["reasons"]
            lunch.update(next(r for r in reasons if r["code"] == "lunch"))
            retired = await http.put("/catalogue/reasons/lunch", json=lunch | {"active": False})
            assert retired.status_code == 200, retired.text
        pick_status(desktop, StatusChoice(OperatorStatus.NOT_READY, "lunch"))  # still offered here
        assert window.status.status.text() == "Lunch"
        await until(lambda: window.status.status.text() == "Ready")  # the server said no: undone
        message = desk.status_line.currentMessage()
        assert "refused" in message and "Lunch" in message and "retired" in message
        assert ws.status.status is OperatorStatus.READY
        await until(lambda: sync.status.pending == 0)
        assert sync.status.parked == 1
        assert (await board_row(server))["status"] == "ready"

    try:
        run(loop, desktop, steps)
    finally:
        if lunch:
            loop.run_until_complete(restore_reason(server, lunch))


async def restore_reason(server: LiveServer, reason: dict[str, Any]) -> None:
    async with as_user(server, "admin") as http:
        assert (await http.put(f"/catalogue/reasons/{reason['code']}", json=reason)).status_code == 200


# ----- defect 8 ------------------------------------------------------------------------------------


@pytest.mark.timeout(120)
def test_the_menu_offers_what_a_person_may_choose_and_follows_the_catalogue(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    desktop = make_desktop(server, tmp_path, free_port("udp"))
    coffee = {"code": "coffee", "label_en": "Coffee", "label_ru": "Кофе", "max_minutes": 5}

    async def steps() -> None:
        ws = desktop.workstation
        assert ws is not None
        offered = menu_choices(desktop)
        assert "Break" in offered and "Lunch" in offered
        assert "Shift start" not in offered and "Phone offline" not in offered
        async with as_user(server, "admin") as http:
            added = await http.put("/catalogue/reasons/coffee", json=coffee)
            assert added.status_code in (200, 201), added.text
            code = {"code": "coffee_spill", "label_en": "Coffee spilt", "label_ru": "Пролил кофе"}
            added = await http.put("/catalogue/dispositions/coffee_spill", json=code | {"category": "other"})
            assert added.status_code in (200, 201), added.text
        await until(lambda: "Coffee" in menu_choices(desktop))  # no restart
        await until(lambda: any(c.code == "coffee_spill" for c in ws.catalogue.dispositions))
        async with as_user(server, "admin") as http:
            retired = await http.put("/catalogue/reasons/coffee", json=coffee | {"active": False})
            assert retired.status_code == 200
        await until(lambda: "Coffee" not in menu_choices(desktop))

    run(loop, desktop, steps)


# ----- defect 9 ------------------------------------------------------------------------------------


@pytest.mark.timeout(150)
def test_hold_time_reaches_the_server_kpi(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    start_phone: Callable[..., Phone],
) -> None:
    port = free_port("udp")
    desktop = make_desktop(server, tmp_path, port)
    caller = start_phone(
        "--listen", f"127.0.0.1:{free_port('udp')}", "--local-user", "customer", "--no-audio", name="caller"
    )

    async def hold_for(ws: Any, window: Any, seconds: float) -> None:
        window.action_collection[ActionId.HOLD].trigger()  # the Hold button / its key
        await until(lambda: next(iter(ws.calls.values())).phase is Phase.HELD)
        started = datetime.now(UTC)
        await until(lambda: (datetime.now(UTC) - started).total_seconds() >= seconds)  # the hold lasts
        window.action_collection[ActionId.HOLD].trigger()  # the Hold button / its key
        await until(lambda: next(iter(ws.calls.values())).phase is Phase.TALKING)

    async def steps() -> None:
        window, ws, sync = desktop.window, desktop.workstation, desktop.sync
        assert window is not None and ws is not None and sync is not None
        pick_status(desktop, StatusChoice(OperatorStatus.READY))
        await until(lambda: ws.status.routable)
        async with as_user(server, "lead") as http:
            params = {"operator": "operator1", "day": datetime.now(UTC).date().isoformat(), "tz": "UTC"}
            before = (await http.get("/kpi", params=params)).json()["operators"]
        held_before = before[0]["hold_seconds"] if before else 0
        out = await asyncio.to_thread(caller.send, cmd.MakeCall(target=f"sip:operator@127.0.0.1:{port}"))
        await until(window.ringing.answer_button.isVisible)
        window.ringing.answer_button.click()
        await until(lambda: window.status.status.text() == "On call")
        await hold_for(ws, window, 1.5)
        await hold_for(ws, window, 1.5)
        await asyncio.to_thread(caller.send, cmd.Hangup(call_id=out.call_id))
        await until(window.disposition.isVisible)
        pick_plain_code(window.disposition)
        window.disposition.submit.click()
        await until(lambda: not ws.calls and sync.status.pending == 0)
        async with as_user(server, "lead") as http:
            report = (await http.get("/kpi", params=params)).json()
        [row] = report["operators"]
        assert row["hold_seconds"] - held_before >= 3

    run(loop, desktop, steps)


# ----- defect 10 -----------------------------------------------------------------------------------


@needs_sipp
@pytest.mark.timeout(150)
def test_a_result_the_disk_will_not_take_keeps_the_form_and_goes_through_later(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    sipps: list[Sipp],
) -> None:
    port = free_port("udp")
    desktop = make_desktop(server, tmp_path, port)

    def read_only(on: bool) -> None:
        """The local database refuses writes, as a full disk or a damaged file makes it."""
        assert desktop.sync is not None
        with desktop.sync.store.reading() as db:
            db.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")

    async def steps() -> None:
        window, ws, sync = desktop.window, desktop.workstation, desktop.sync
        assert window is not None and ws is not None and sync is not None
        pick_status(desktop, StatusChoice(OperatorStatus.READY))
        await until(lambda: ws.status.routable)
        sipp = call_from_sipp(port, 2000)
        sipps.append(sipp)
        sipp.start()
        await until(window.ringing.answer_button.isVisible)
        window.ringing.answer_button.click()
        await until(window.disposition.isVisible, timeout=40)
        form = window.disposition
        pick_plain_code(form)
        form.comment.setPlainText("the customer wants a callback on Friday")
        await until(lambda: sync.status.pending == 0)
        read_only(True)
        try:
            form.submit.click()
            assert form.isVisible()  # still open, nothing lost
            assert form.comment.toPlainText() == "the customer wants a callback on Friday"
            assert "not saved" in form.problem.text()
            assert len(ws.calls) == 1 and window.status.status.text() == "After-call work"
        finally:
            read_only(False)
        form.submit.click()  # the disk works again: the same form goes through
        await until(lambda: not form.isVisible() and not ws.calls)
        await until(lambda: sync.status.pending == 0)
        async with as_user(server, "operator1") as http:
            contact = (await http.get("/contacts/lookup", params={"phone": "+79131234567"})).json()
            items = (await http.get(f"/contacts/{contact['id']}/history")).json()["items"]
        comments = [i["disposition"]["comment"] for i in items if i.get("disposition")]
        assert "the customer wants a callback on Friday" in comments

    run(loop, desktop, steps)
