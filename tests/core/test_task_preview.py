"""Preview dialling in the core: Next task reads the client from the call card's own lookup before
anything is dialled, dialling binds that contact to the call with no second lookup, a call ringing in
meanwhile sets the preview aside until it is over, and giving the task up tells the server at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.client.errors import TransientError
from app.refused import Refused
from app.session import AcwPolicy
from app.store.database import open_store
from app.sync.outbox import Outbox
from app.tasks.desk import DeskPhase, TaskDesk
from app.telephony.events import CallState, EndCause
from app.wire.tasks import TaskOut
from app.workstation import ContactLookedUp, Workstation, WorkstationConfig
from tests.core.helpers import (
    OPERATOR,
    FakeContacts,
    FakeOutbox,
    FakePhone,
    clock,
    contact,
    ended,
    incoming,
    state,
)
from tests.core.test_task_desk import CATALOGUE, FakeTasks, task

NUMBER = "+79123456789"


class ReleasingTasks(FakeTasks):
    def __init__(self, *tasks: TaskOut) -> None:
        super().__init__(*tasks)
        self.released: list[int] = []
        self.away = False

    async def release_task(self, task_id: int) -> TaskOut:
        if self.away:
            raise TransientError("server away")
        self.released.append(task_id)
        return task(task_id, claimed_by=None, lease_until=None)


class Rig:
    def __init__(self, tmp_path: Path, *tasks: TaskOut) -> None:
        self.contacts = FakeContacts({NUMBER: contact(42, NUMBER)})
        self.phone = FakePhone()
        self.ws = Workstation(
            WorkstationConfig(OPERATOR, acw=AcwPolicy()),
            phone=self.phone,
            outbox=FakeOutbox(),
            catalogue=CATALOGUE,
            contacts=self.contacts,
            clock=clock(),
            registered=True,
        )
        self.api = ReleasingTasks(*tasks)
        self.store = open_store(tmp_path / "ringdesk.sqlite3")
        self.desk = TaskDesk(self.api, Outbox(self.store), self.ws, renew_floor=0.1)
        self.looked_up: list[ContactLookedUp] = []
        self.ws.hub.on(ContactLookedUp, self.looked_up.append)


def test_the_preview_holds_the_client_and_dialling_binds_it_without_a_second_lookup(tmp_path: Path) -> None:
    rig = Rig(tmp_path, task())
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        view = rig.desk.view
        assert view.phase is DeskPhase.PREVIEW and rig.phone.sent == []
        assert view.looked_up and view.contact is not None and view.contact.id == 42
        assert rig.contacts.asked == [NUMBER]
        call_id = await rig.desk.dial()
        assert rig.contacts.asked == [NUMBER]  # the call took the preview's contact: no second lookup
        assert [(n.call_id, n.contact and n.contact.id) for n in rig.looked_up] == [(call_id, 42)]
        assert rig.ws.calls[call_id].contact_id == 42
        assert rig.desk.view.phase is DeskPhase.CALLING and rig.desk.view.contact is not None
        await rig.desk.close()

    asyncio.run(go())
    rig.store.close()


def test_an_unknown_client_stays_unknown_when_dialled_and_a_failed_lookup_is_tried_again(
    tmp_path: Path,
) -> None:
    rig = Rig(tmp_path, task(1, phone="+74951112233"), task(2))
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        assert rig.desk.view.looked_up and rig.desk.view.contact is None
        first = await rig.desk.dial()
        assert rig.contacts.asked == ["+74951112233"]
        assert [(n.call_id, n.contact) for n in rig.looked_up] == [(first, None)]
        rig.ws.on_phone_event(ended(first, 3, cause=EndCause.LOCAL_HANGUP, code=487))
        rig.desk.not_reached()
        rig.contacts.fail = True
        await rig.desk.take_next()
        assert rig.desk.view.lookup_failed and rig.desk.view.contact is None
        rig.contacts.fail = False
        await rig.desk.dial()
        await asyncio.sleep(0)  # the call's own lookup runs on the loop
        assert rig.contacts.asked == ["+74951112233", NUMBER, NUMBER]
        await rig.desk.close()

    asyncio.run(go())
    rig.store.close()


def test_a_call_ringing_in_sets_the_preview_aside_until_it_is_over(tmp_path: Path) -> None:
    rig = Rig(tmp_path, task())
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        assert not rig.desk.view.set_aside
        rig.ws.on_phone_event(incoming("in1", 10, number="+74990000000"))
        view = rig.desk.view
        assert view.phase is DeskPhase.PREVIEW and view.set_aside  # the ringing call's card wins
        assert view.task is not None and view.contact is not None and view.contact.id == 42  # kept
        with pytest.raises(Refused) as refused:
            await rig.desk.dial()
        assert refused.value.key == "task_set_aside"
        assert not any(type(c).__name__ == "MakeCall" for c in rig.phone.sent)
        await rig.ws.answer("in1")
        rig.ws.on_phone_event(state("in1", CallState.ACTIVE, 12))
        rig.ws.on_phone_event(ended("in1", 40))
        assert rig.desk.view.set_aside  # after-call work of that call still has the card
        rig.ws.submit_disposition("in1", "sale")
        assert rig.desk.view.phase is DeskPhase.PREVIEW and not rig.desk.view.set_aside  # it comes back
        call_id = await rig.desk.dial()
        assert rig.desk.view.call_id == call_id
        await rig.desk.close()

    asyncio.run(go())
    rig.store.close()


def test_giving_the_task_up_releases_it_on_the_server_at_once(tmp_path: Path) -> None:
    rig = Rig(tmp_path, task(5), task(6))
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        await rig.desk.release()
        assert rig.desk.view.phase is DeskPhase.IDLE and rig.desk.view.contact is None
        assert rig.api.released == [5]
        await rig.desk.take_next()
        rig.api.away = True
        await rig.desk.release()  # the server is away: the preview ends all the same, the lease runs out
        assert rig.desk.view.phase is DeskPhase.IDLE and rig.api.released == [5]
        await rig.desk.close()

    asyncio.run(go())
    rig.store.close()


def test_the_phones_first_report_of_the_dial_with_no_number_yet_is_the_tasks_call(tmp_path: Path) -> None:
    """The real phone reports the new call's ``calling`` state before the dial command's answer: that
    session has no number yet, and it is the task's call (not "a call rang in")."""
    rig = Rig(tmp_path, task())
    rig.ws.start_shift()
    seen: list[tuple[str, bool]] = []
    rig.desk.subscribe(lambda view: seen.append((view.phase.value, view.set_aside)))
    send = rig.phone.send

    async def early(command: object, timeout_s: float = 10.0) -> object:
        result = await send(command, timeout_s)  # type: ignore[arg-type]
        if result.call_id:
            rig.ws.on_phone_event(state(result.call_id, CallState.CALLING, 1))  # before the answer
        return result

    rig.phone.send = early  # type: ignore[assignment, method-assign]

    async def go() -> None:
        await rig.desk.take_next()
        call_id = await rig.desk.dial()
        assert rig.desk.view.phase is DeskPhase.CALLING and rig.desk.view.call_id == call_id
        await rig.desk.close()

    asyncio.run(go())
    assert ("preview", True) not in seen  # never "set aside" by its own call
    rig.store.close()
