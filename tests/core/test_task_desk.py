"""The task desk (app/tasks) on the real workstation with a fake phone and a fake task API: next task,
preview with its lease renewed, dial, the call's end and disposition, and the result in the real outbox,
delivered exactly once through the pump even when the server is away and answers get lost."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from app.client.errors import RejectedError, TransientError
from app.refused import Refused
from app.session import AcwPolicy
from app.store.database import LocalStore, open_store
from app.store.schema import OutboxKind
from app.sync.deliver import Deliverer
from app.sync.items import Saved
from app.sync.outbox import Outbox
from app.sync.pump import RetryPolicy, SyncPump
from app.sync.status import SyncMonitor
from app.tasks.board import TaskBoard
from app.tasks.desk import DeskPhase, TaskDesk
from app.telephony import commands as cmd
from app.telephony.events import CallState, EndCause
from app.wire.dispositions import Catalogue, DispositionCategory, DispositionCode
from app.wire.tasks import AttemptKind, AttemptOut, ResultIn, TaskKind, TaskOut, TaskState
from app.workstation import Workstation, WorkstationConfig
from tests.core.helpers import (
    OPERATOR,
    REASONS,
    FakeOutbox,
    FakePhone,
    at,
    clock,
    ended,
    state,
)


def _code(name: str, category: DispositionCategory) -> DispositionCode:
    return DispositionCode(code=name, label_en=name, label_ru=name, category=category)


CATALOGUE = Catalogue(
    dispositions=[
        _code("sale", DispositionCategory.SUCCESS),
        _code("no_answer", DispositionCategory.NOT_REACHED),
        _code("busy", DispositionCategory.NOT_REACHED),
        _code("mail", DispositionCategory.MAIL_ONLY),
    ],
    reasons=REASONS,
)


def task(task_id: int = 7, **extra: object) -> TaskOut:
    values: dict[str, object] = {
        "id": task_id,
        "kind": TaskKind.CALLBACK_MISSED,
        "state": TaskState.IN_PROGRESS,
        "phone": "+79123456789",
        "due_at": at(0),
        "priority": 0,
        "created_at": at(0),
        "claimed_by": OPERATOR,
        "lease_until": at(300),
        "attempts": [AttemptOut(at=at(0), kind=AttemptKind.MISSED_CALL, outcome="abandoned")],
    }
    values.update(extra)
    return TaskOut.model_validate(values)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = open_store(tmp_path / "ringdesk.sqlite3")
    yield local
    local.close()


class FakeTasks:
    def __init__(self, *tasks: TaskOut) -> None:
        self.queue = list(tasks)
        self.renewed: list[int] = []
        self.lost = False
        self.lease_until = at(300)

    async def next_task(self) -> TaskOut | None:
        return self.queue.pop(0) if self.queue else None

    async def renew_task(self, task_id: int) -> TaskOut:
        self.renewed.append(task_id)
        if self.lost:
            raise RejectedError("someone else holds it", 409)
        return task(task_id, lease_until=self.lease_until)


def phase(rig: Rig) -> DeskPhase:
    """The desk's phase, read fresh (each read is what the panel would show now)."""
    return rig.desk.view.phase


class Rig:
    def __init__(self, store: LocalStore, *tasks: TaskOut) -> None:
        self.clock = clock()
        self.phone = FakePhone()
        self.ws = Workstation(
            WorkstationConfig(OPERATOR, acw=AcwPolicy()),
            phone=self.phone,
            outbox=FakeOutbox(),
            catalogue=CATALOGUE,
            clock=self.clock,
            registered=True,
        )
        self.api = FakeTasks(*tasks)
        self.outbox = Outbox(store)
        self.desk = TaskDesk(
            self.api,
            self.outbox,
            self.ws,
            clock=self.clock,
            dial_template="sip:{number}@pbx",
            renew_floor=0.1,
        )

    def results(self) -> list[tuple[str | None, dict[str, object]]]:
        items = self.outbox.pending()
        return [(i.target, json.loads(i.payload)) for i in items if i.kind is OutboxKind.TASK_RESULT]


def test_next_task_previews_then_dials_and_the_disposition_closes_it(store: LocalStore) -> None:
    rig = Rig(store, task())
    rig.ws.start_shift()

    async def go() -> None:
        taken = await rig.desk.take_next()
        assert taken is not None and phase(rig) is DeskPhase.PREVIEW
        assert rig.phone.sent == []  # preview dialling: nothing dialled before the operator says so
        call_id = await rig.desk.dial()
        assert rig.phone.sent[-1] == cmd.MakeCall(target="sip:+79123456789@pbx")
        assert phase(rig) is DeskPhase.CALLING
        rig.ws.on_phone_event(state(call_id, CallState.ACTIVE, 5))
        rig.ws.on_phone_event(ended(call_id, 30))
        assert phase(rig) is DeskPhase.WRAP_UP and rig.desk.view.suggestion is None
        rig.ws.submit_disposition(call_id, "sale", comment="ordered")
        assert phase(rig) is DeskPhase.IDLE and rig.desk.view.notice == "reported"
        await rig.desk.close()

    asyncio.run(go())
    [(target, body)] = rig.results()
    assert target == "7"
    assert body["outcome"] == "done" and body["comment"] == "ordered" and body["call_id"] == "out1"


def test_a_busy_call_suggests_not_reached_and_one_key_reports_it(store: LocalStore) -> None:
    rig = Rig(store, task())
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        call_id = await rig.desk.dial()
        rig.ws.on_phone_event(ended(call_id, 4, cause=EndCause.DECLINED, code=486))
        assert rig.desk.view.suggestion is not None and rig.desk.view.suggestion.value == "busy"
        rig.desk.not_reached()
        assert rig.ws.calls == {}  # the call's after-call work is done too, with the "busy" code
        await rig.desk.close()

    asyncio.run(go())
    [(_, body)] = rig.results()
    assert body["outcome"] == "not_reached" and body["reason"] == "busy"


def test_an_unanswered_call_defaults_to_no_answer_and_mail_only_is_sent_only(store: LocalStore) -> None:
    rig = Rig(store, task(1), task(2))
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        first = await rig.desk.dial()
        rig.ws.on_phone_event(ended(first, 40, cause=EndCause.LOCAL_HANGUP, code=487))
        assert rig.desk.view.suggestion is not None and rig.desk.view.suggestion.value == "no_answer"
        rig.desk.not_reached()
        await rig.desk.take_next()
        second = await rig.desk.dial()
        rig.ws.on_phone_event(state(second, CallState.ACTIVE, 45))
        rig.ws.on_phone_event(ended(second, 50))
        rig.ws.submit_disposition(second, "mail")
        await rig.desk.close()

    asyncio.run(go())
    assert [(t, b["outcome"], b.get("reason")) for t, b in rig.results()] == [
        ("1", "not_reached", "no_answer"),
        ("2", "sent_only", None),
    ]


def test_the_lease_is_renewed_while_previewing_and_a_lost_lease_ends_the_preview(store: LocalStore) -> None:
    rig = Rig(store, task(lease_until=at(0.3)))  # renewed every third of the lease: 0.1 s here
    rig.api.lease_until = at(0.3)
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while not rig.api.renewed and loop.time() < deadline:
            await asyncio.sleep(0.05)
        assert rig.api.renewed[0] == 7
        assert phase(rig) is DeskPhase.PREVIEW
        rig.api.lost = True
        while phase(rig) is DeskPhase.PREVIEW and loop.time() < deadline:
            await asyncio.sleep(0.05)
        assert phase(rig) is DeskPhase.IDLE and rig.desk.view.notice == "lost"
        await rig.desk.close()

    asyncio.run(go())
    assert rig.results() == []


def test_nothing_to_do_says_so_and_dial_without_a_task_is_refused(store: LocalStore) -> None:
    rig = Rig(store)

    async def go() -> None:
        assert await rig.desk.take_next() is None
        assert rig.desk.view.notice == "none"
        with pytest.raises(Refused) as refused:
            await rig.desk.dial()
        assert refused.value.key == "task_not_previewed"

    asyncio.run(go())
    assert rig.phone.sent == []


class AwayThenLostAnswers:
    """The server for the pump: away at first, then it stores a result but the answer is lost, then
    it answers (a replay: the same key again)."""

    def __init__(self) -> None:
        self.stored: dict[str, tuple[int, str]] = {}
        self.calls = 0

    async def post_task_result(self, task_id: int, payload: str, key: str) -> TaskOut | None:
        self.calls += 1
        if self.calls == 1:
            raise TransientError("connection refused")
        self.stored.setdefault(key, (task_id, payload))
        if self.calls == 2:
            raise TransientError("no answer in time")
        return task(task_id, state=TaskState.DONE)

    async def healthy(self) -> bool:
        return True


def test_a_result_reaches_the_server_exactly_once_through_the_outbox(store: LocalStore) -> None:
    rig = Rig(store, task(9))
    rig.ws.start_shift()
    server = AwayThenLostAnswers()

    async def go() -> None:
        await rig.desk.take_next()
        call_id = await rig.desk.dial()
        rig.ws.on_phone_event(state(call_id, CallState.ACTIVE, 5))
        rig.ws.on_phone_event(ended(call_id, 30))
        rig.ws.submit_disposition(call_id, "sale")
        await rig.desk.close()
        pump = SyncPump(
            rig.outbox,
            Deliverer(server),  # type: ignore[arg-type]
            SyncMonitor(rig.outbox),
            policy=RetryPolicy(initial=0.01, cap=0.05),
        )
        running = asyncio.get_running_loop().create_task(pump.run())
        await asyncio.wait_for(pump.until_empty(), 10)
        running.cancel()

    asyncio.run(go())
    assert server.calls == 3
    [(task_id, payload)] = server.stored.values()
    assert task_id == 9 and json.loads(payload)["outcome"] == "done"
    assert rig.outbox.pending() == []


def test_board_lists_mine_and_the_team_counts_the_badge_and_reminds_once() -> None:
    board = TaskBoard(OPERATOR)
    now = at(3600)
    tasks: Iterable[TaskOut] = [
        task(1, state=TaskState.OPEN, owner=None, claimed_by=None),
        task(2, state=TaskState.NOT_REACHED, owner=None, claimed_by=None, due_at=now + timedelta(hours=1)),
        task(3, kind=TaskKind.CALLBACK_SCHEDULED, state=TaskState.OPEN, owner=OPERATOR, claimed_by=None),
        task(
            4,
            kind=TaskKind.CALLBACK_SCHEDULED,
            state=TaskState.OPEN,
            owner=OPERATOR,
            claimed_by=None,
            due_at=now + timedelta(hours=2),
        ),
        task(5, state=TaskState.DONE, owner=None, claimed_by=None),
    ]
    lists = board.lists(tasks, now)
    assert [t.id for t in lists.mine] == [3]
    assert [t.id for t in lists.team] == [1, 2, 4]
    assert lists.counts == {TaskState.OPEN: 3, TaskState.NOT_REACHED: 1}
    assert lists.missed == 2
    assert [t.id for t in lists.reminders] == [3]
    assert board.lists(tasks, now).reminders == ()  # told once
    assert [t.id for t in board.lists(tasks, now + timedelta(hours=3)).reminders] == [4]


class FullDisk:
    """An outbox on a disk that is full until ``room`` is set."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.room = False

    def add_task_result(self, task_id: int, result: ResultIn) -> Saved:
        if not self.room:
            raise sqlite3.OperationalError("database or disk is full")
        return self.outbox.add_task_result(task_id, result)

    def task_result_pending(self, task_id: int) -> bool:
        return self.outbox.task_result_pending(task_id)


def test_a_result_the_store_refuses_is_held_and_written_when_it_works(store: LocalStore) -> None:
    rig = Rig(store, task(5))
    disk = FullDisk(rig.outbox)
    rig.desk = TaskDesk(rig.api, disk, rig.ws, clock=rig.clock)
    rig.ws.start_shift()

    async def go() -> None:
        await rig.desk.take_next()
        call_id = await rig.desk.dial()
        rig.ws.on_phone_event(ended(call_id, 4, cause=EndCause.DECLINED, code=486))
        rig.desk.not_reached()
        assert rig.results() == []
        assert any("task 5" in what for what in rig.ws.unsaved())  # held, named, not dropped
        disk.room = True
        rig.ws.tick()  # the workstation's retry (every RETRY_S, and after every input)
        await rig.desk.close()

    asyncio.run(go())
    [(target, body)] = rig.results()
    assert target == "5" and body["outcome"] == "not_reached"
    assert rig.ws.unsaved() == []


class HoldingTasks(FakeTasks):
    """As the server: the task this operator holds is offered again until its result arrives."""

    def __init__(self, outbox: Outbox, *tasks: TaskOut) -> None:
        super().__init__(*tasks)
        self.outbox = outbox
        self.held: TaskOut | None = None
        self.asked = 0

    async def next_task(self) -> TaskOut | None:
        self.asked += 1
        if self.held is not None and self.outbox.task_result_pending(self.held.id):
            return self.held
        self.held = await super().next_task()
        return self.held


def deliver_all(outbox: Outbox) -> None:
    """What the pump does once the server answers: every pending item delivered."""
    for stream in outbox.pending_streams():
        for item in outbox.head(stream, 100):
            outbox.mark_delivered(item, "1")


def _report_first(rig: Rig) -> None:
    """Take task 1, call, and report it: its result is saved, not yet sent."""

    async def go() -> None:
        await rig.desk.take_next()
        call_id = await rig.desk.dial()
        rig.ws.on_phone_event(state(call_id, CallState.ACTIVE, 5))
        rig.ws.on_phone_event(ended(call_id, 30))
        rig.ws.submit_disposition(call_id, "sale")

    asyncio.run(go())
    assert rig.outbox.task_result_pending(1)


def test_next_task_right_after_a_result_never_offers_the_reported_task_again(store: LocalStore) -> None:
    rig = Rig(store)
    api = HoldingTasks(rig.outbox, task(1), task(2))
    rig.desk._api = api  # the server that still holds the reported task
    rig.ws.start_shift()
    _report_first(rig)

    async def go() -> TaskOut | None:
        # the pump delivers the result a moment after Next task was pressed
        asyncio.get_running_loop().call_later(0.25, deliver_all, rig.outbox)
        taken = await rig.desk.take_next()
        await rig.desk.close()
        return taken

    taken = asyncio.run(go())
    assert taken is not None and taken.id == 2
    assert rig.desk.view.task is not None and rig.desk.view.task.id == 2
    assert api.asked >= 3  # asked again while the result went out


def test_next_task_says_the_result_is_on_its_way_when_it_does_not_arrive(store: LocalStore) -> None:
    rig = Rig(store)
    api = HoldingTasks(rig.outbox, task(1), task(2))
    rig.desk._api = api
    rig.ws.start_shift()
    _report_first(rig)

    async def go() -> TaskOut | None:
        taken = await rig.desk.take_next()
        await rig.desk.close()
        return taken

    assert asyncio.run(go()) is None
    assert rig.desk.view.phase is DeskPhase.IDLE and rig.desk.view.notice == "sending"
    assert rig.desk.view.task is None  # never the reported client's preview
    deliver_all(rig.outbox)
    assert asyncio.run(go()) is not None and rig.desk.view.task is not None
    assert rig.desk.view.task.id == 2
