"""Preview dialling end to end (issue 16), extending ``test_tasks_desk.py`` with its live server: Next
task shows the client's full call card (CRM name, city, history) before anything is dialled; a sipp
caller ringing in meanwhile takes the card and the preview says it is set aside, coming back when the
caller gives up; Call the client binds the same card to the call (never another customer on screen,
no second lookup); and Give back (Esc) makes the task open again on the server at once.

Real parts: uvicorn with the demo seed, ``ui.main.Desktop`` on qasync (offscreen), the real telephony
service, sipp as the caller and as the called client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from app.session.phase import Phase
from app.workstation import CallChanged
from tests.e2e.conftest import PASSWORD, until
from tests.e2e.test_tasks_desk import (  # noqa: F401 - its server
    missed_call,
    move_client_to,
    open_zone,
    run,
    server,
    server_task,
)
from tests.server.live import LiveServer
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available, start_uas
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

IVANOV = "+79131234567"
"""A demo contact with a city (Новосибирск) and three earlier calls."""
IVANOV_NAME = "Иванов Иван Петрович"
CALLER = "+79120008888"


def card_client(desktop: Desktop) -> str:
    """Whose page the card shows: the contact's name, else what the card shows instead."""
    assert desktop.window is not None
    card = desktop.window.card
    if card.has_contact_page() and card.stack.currentWidget() is card.contact_page:
        return card.contact_page.name.text()
    page = card.stack.currentWidget()
    return f"<{type(page).__name__}: {card.empty.text() if page is card.empty else ''}>"


def city(desktop: Desktop) -> str:
    assert desktop.window is not None
    editor = desktop.window.card.findChild(QLineEdit, "city")
    assert editor is not None
    return editor.text()


def history_rows(desktop: Desktop) -> int:
    assert desktop.window is not None
    return desktop.window.card.contact_page.history.topLevelItemCount()


def count_lookups(desktop: Desktop) -> list[str]:
    """Every contact lookup the desktop makes from now on (the numbers asked)."""
    assert desktop.sync is not None
    reads = desktop.sync.reads
    asked: list[str] = []
    original: Callable[[str], Awaitable[Any]] = reads.contact_for

    async def contact_for(phone: str) -> Any:
        asked.append(phone)
        return await original(phone)

    reads.contact_for = contact_for  # type: ignore[method-assign]
    return asked


@pytest.mark.timeout(240)
def test_the_preview_shows_the_full_card_then_the_call_takes_it_and_give_back_releases(
    server: LiveServer,  # noqa: F811
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    port = free_port("udp")
    desktop = Desktop(
        DesktopOptions(
            server_url=server.base_url,
            user="operator1",
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=Language.EN,
            database=tmp_path / "desk.db",
        )
    )
    sipps: list[Sipp] = []

    async def steps() -> None:
        await move_client_to(server, IVANOV, open_zone())
        task_id = await missed_call(server, IVANOV)
        assert await desktop.start()
        window, ws, hook = desktop.window, desktop.workstation, desktop.tasks
        assert window is not None and ws is not None and hook is not None
        card, actions = window.card, window.action_collection
        lookups = count_lookups(desktop)

        # 1. Next task: the client's full card before anything is dialled, marked as a task preview.
        actions[ActionId.NEXT_TASK].trigger()
        await until(lambda: card_client(desktop) == IVANOV_NAME, timeout=20)
        assert hook.desk.view.task is not None and hook.desk.view.task.id == task_id
        assert city(desktop) == "Новосибирск"
        await until(lambda: history_rows(desktop) == 3)
        box = card.task_box
        assert box.isVisible() and box.title.text() == f"Task preview: no call yet. {IVANOV}"
        assert box.why.text() == "Why: Missed call (hung up in the queue)"
        assert box.attempts.text().startswith("Attempts so far: 1")
        assert not card.whose.isVisible()  # no call: the header names none
        assert ws.calls == {}
        assert [n for n in lookups if IVANOV in n] == [IVANOV]

        # 2. A caller rings in: that call's card wins, the preview says it is set aside, then comes back.
        caller = Sipp(
            "uac_cancel.xml",
            f"127.0.0.1:{port}",
            service="operator",
            variables={"caller": CALLER, "display": "Caller", "ring_ms": "3000"},
        ).start()
        sipps.append(caller)
        await until(lambda: card.whose.text() == "Ringing: Caller", timeout=20)
        assert card_client(desktop) != IVANOV_NAME
        assert box.isVisible() and box.title.text().startswith("Task preview set aside for this call")
        assert not actions[ActionId.DIAL_TASK].isEnabled()
        result = await asyncio.to_thread(caller.wait, 20)
        assert result.ok, result.describe()
        await until(
            lambda: card_client(desktop) == IVANOV_NAME and box.title.text().startswith("Task preview:")
        )
        assert city(desktop) == "Новосибирск" and history_rows(desktop) == 3
        assert actions[ActionId.DIAL_TASK].isEnabled()

        # 3. Call the client: the same card, bound to the call, at every step; no second lookup.
        seen: list[str] = []
        ws.hub.on(CallChanged, lambda notice: seen.append(card_client(desktop)))
        uas = start_uas("uas_hangup.xml", variables={"hold_ms": "2000"}, timeout=30.0)
        sipps.append(uas)
        hook.desk.dial_template = f"sip:{{number}}@{uas.address}"
        actions[ActionId.DIAL_TASK].trigger()
        await until(lambda: any(s.phase is Phase.TALKING for s in ws.calls.values()), timeout=20)
        assert card.whose.text() == f"On the line: {IVANOV_NAME}"
        assert card_client(desktop) == IVANOV_NAME and city(desktop) == "Новосибирск"
        assert history_rows(desktop) == 3
        assert not box.isVisible()  # the preview became the call
        assert seen and set(seen) == {IVANOV_NAME}  # never another customer, never "looking up"
        assert [n for n in lookups if IVANOV in n] == [IVANOV]  # the call took the preview's contact
        await until(window.disposition.isVisible, timeout=30)
        codes = window.disposition.codes
        for row in range(codes.count()):
            codes.setCurrentRow(row)
            chosen = window.disposition.chosen()
            if chosen is not None and chosen.code == "sale":
                break
        window.disposition.submit.click()
        await until(lambda: hook.desk.view.notice == "reported")
        assert uas.wait(10).ok

        # 4. Give back (Esc): the card clears and the server has the task open again at once.
        # Pressed at once: the server still holds the reported task until the result gets there; the
        # desk never offers that client again (it asks until the result has landed). Next in line: the
        # caller who gave up in step 2 (a missed call the desk reported), else this one.
        await missed_call(server, "+79990003344")
        actions[ActionId.NEXT_TASK].trigger()
        await until(lambda: hook.desk.view.task is not None and box.isVisible(), timeout=20)
        given_back = hook.desk.view.task
        assert given_back is not None and given_back.id != task_id
        assert given_back.phone in (CALLER, "+79990003344")
        assert (await server_task(server, task_id))["state"] == "done"
        assert (await server_task(server, given_back.id))["state"] == "in_progress"
        assert actions[ActionId.GIVE_BACK_TASK].shortcut().toString() == "Esc"
        actions[ActionId.GIVE_BACK_TASK].trigger()
        await until(lambda: hook.desk.view.task is None and not box.isVisible())
        assert card.stack.currentWidget() is card.empty
        assert hook.panel is not None and hook.panel.notice.text() == "Task given back to the queue"
        # The release goes out as the preview ends; the lease (300 s) would hold the task far longer.
        for _ in range(100):
            task = await server_task(server, given_back.id)
            if task["state"] != "in_progress":
                break
            await asyncio.sleep(0.1)
        assert task["state"] == "open" and task["claimed_by"] is None

    run(loop, desktop, steps, sipps)
