"""The task preview on the real window, workstation and task desk (the phone, the outbox and the task API
are the recording fakes of the core tests): Next task shows the client's full card with the task box
before anything is dialled, an edit typed in the preview goes with the card into the call, a ringing
call takes the card (the box says the preview is set aside) and gives it back when it is over, and Give
back clears the card and releases the task. The end-to-end version is ``tests/e2e/test_task_preview.py``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.store.database import open_store
from app.sync.outbox import Outbox
from app.telephony.events import CallState
from app.workstation import CallChanged
from tests.core.helpers import ended, state
from tests.core.test_task_desk import task
from tests.core.test_task_preview import ReleasingTasks
from tests.ui.test_card_binding import Desktop, city
from ui import sample_data
from ui.actions import ActionId
from ui.tasks.hook import TasksHook

IVANOV = "+79131234567"


class Rig:
    def __init__(self, event_loop: asyncio.AbstractEventLoop, tmp_path: Path) -> None:
        self.d = Desktop(event_loop)
        self.d.services.histories[1] = sample_data.history()
        self.api = ReleasingTasks(task(9, phone=IVANOV, text="<b>Перезвоните</b> после 18:00"))
        self.store = open_store(tmp_path / "desk.sqlite3")
        sync = SimpleNamespace(api=self.api, outbox=Outbox(self.store))
        self.hook = TasksHook(self.d.window, self.d.ws, sync, operator="op", tray=None, desk=self.d.desk)  # type: ignore[arg-type]
        self.card = self.d.window.card
        self.asked = self.d.ws._contacts.asked  # type: ignore[union-attr]

    def trigger(self, action: ActionId) -> None:
        async def press() -> None:
            self.d.window.action_collection[action].trigger()
            await asyncio.sleep(0.1)

        self.d.run(press())

    def shown(self) -> str:
        card = self.card
        if card.has_contact_page() and card.stack.currentWidget() is card.contact_page:
            return card.contact_page.name.text()
        return type(card.stack.currentWidget()).__name__


def test_the_preview_is_the_clients_card_and_dialling_keeps_it(
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    rig = Rig(loop, tmp_path)
    d, card = rig.d, rig.card
    rig.trigger(ActionId.NEXT_TASK)
    assert rig.shown() == "Иванов Иван" and city(d).text() == "Омск"
    assert d.page.history.topLevelItemCount() == 3
    box = card.task_box
    assert box.isVisible() and box.title.text() == f"Task preview: no call yet. {IVANOV}"
    assert box.request.text() == "Request: <b>Перезвоните</b> после 18:00"  # plain text
    assert d.ws.calls == {} and rig.asked == [IVANOV]
    QTest.keyClick(city(d), Qt.Key.Key_End)
    QTest.keyClicks(city(d), " (centre)")  # an edit typed in the preview, not saved yet

    seen: list[str] = []
    d.ws.hub.on(CallChanged, lambda notice: seen.append(rig.shown()))
    rig.trigger(ActionId.DIAL_TASK)
    [call_id] = d.ws.calls
    d.event(state(call_id, CallState.ACTIVE, 5))
    assert seen and set(seen) == {"Иванов Иван"}  # the same customer at every step, never "looking up"
    assert card.whose.text() == "On the line: Иванов Иван" and not box.isVisible()
    assert city(d).text() == "Омск (centre)"  # the edit went with the card into the call
    assert d.page.history.topLevelItemCount() == 3
    assert rig.asked == [IVANOV]  # no second lookup
    d.event(ended(call_id, 30))
    rig.store.close()


def test_a_ringing_call_sets_the_preview_aside_and_give_back_clears_it(
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    rig = Rig(loop, tmp_path)
    d, card = rig.d, rig.card
    rig.trigger(ActionId.NEXT_TASK)
    QTest.keyClick(city(d), Qt.Key.Key_End)
    QTest.keyClicks(city(d), "!")
    d.ring("in1", "+74951234567", 10)
    assert rig.shown() == "Петрова Анна" and card.whose.text() == "Ringing: Петрова Анна"
    box = card.task_box
    assert box.isVisible() and box.title.text().startswith("Task preview set aside for this call")
    assert not d.window.action_collection[ActionId.DIAL_TASK].isEnabled()
    assert not d.window.action_collection[ActionId.GIVE_BACK_TASK].isEnabled()  # Esc is the call's now
    d.event(ended("in1", 14))  # the caller gave up: the preview comes back, with its edit
    assert rig.shown() == "Иванов Иван" and city(d).text() == "Омск!"
    assert box.title.text() == f"Task preview: no call yet. {IVANOV}"
    assert d.window.action_collection[ActionId.DIAL_TASK].isEnabled()

    rig.trigger(ActionId.GIVE_BACK_TASK)
    assert rig.api.released == [9]
    assert card.stack.currentWidget() is card.empty and not box.isVisible()
    assert rig.hook.desk.view.task is None
    rig.store.close()
