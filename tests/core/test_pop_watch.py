"""Background work waits while a call pops (issue 15): the core's :class:`PopWatch` follows the
workstation's own notices, and the task list's refresh asks it before it reads and before it lists.
Nothing is skipped: the refresh comes once the card has the caller."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from app.session.popping import PopWatch
from app.status.choice import Choice
from app.tasks.board import TaskLists, TaskWatch
from app.telephony.events import CallState
from app.wire.contacts import ContactOut
from app.wire.crm import CrmContactOut
from app.wire.tasks import TaskKind, TaskOut, TaskState
from app.workstation import Workstation, WorkstationConfig
from tests.core.helpers import (
    CATALOGUE,
    OPERATOR,
    T0,
    FakeContacts,
    FakeOutbox,
    FakePhone,
    clock,
    contact,
    ended,
    incoming,
    state,
)

NUMBER = "+79123456789"
SETTLE_S = 0.05


class SlowContacts(FakeContacts):
    """Answers a lookup only once the test says so (the server taking its time)."""

    def __init__(self) -> None:
        super().__init__({NUMBER: contact(42, NUMBER)})
        self.answer = asyncio.Event()

    async def lookup(self, number: str) -> ContactOut | CrmContactOut | None:
        await self.answer.wait()
        return await super().lookup(number)


class Tasks:
    """The server's task list; ``hold`` keeps the answer back until set."""

    def __init__(self) -> None:
        self.asked = 0
        self.hold: asyncio.Event | None = None
        self.reading = asyncio.Event()

    async def list_tasks(self, states: Iterable[TaskState] = (), limit: int = 200) -> list[TaskOut]:
        self.asked += 1
        self.reading.set()
        if self.hold is not None:
            await self.hold.wait()
        return [
            TaskOut(
                id=7,
                kind=TaskKind.CALLBACK_MISSED,
                state=TaskState.OPEN,
                phone="+79161234567",
                due_at=T0,
                priority=1,
                created_at=T0,
            )
        ]


class Desk:
    def __init__(self) -> None:
        self.contacts = SlowContacts()
        self.ws = Workstation(
            WorkstationConfig(OPERATOR),
            phone=FakePhone(),
            outbox=FakeOutbox(),
            catalogue=CATALOGUE,
            contacts=self.contacts,
            clock=clock(),
            registered=True,
        )
        self.ws.start_shift()
        self.ws.set_status(Choice.ready())
        self.pops = PopWatch(self.ws.hub, settle_s=SETTLE_S)
        self.api = Tasks()
        self.watch = TaskWatch(self.api, OPERATOR, quiet=self.pops.quiet)
        self.listed: list[TaskLists] = []
        self.watch.subscribe(self.listed.append)

    def ring(self, call_id: str = "c1") -> None:
        self.ws.on_phone_event(incoming(call_id, 10))


async def _turns(n: int = 5) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def test_the_task_list_is_read_only_once_the_ringing_calls_card_has_the_caller() -> None:
    async def main() -> None:
        d = Desk()
        d.ring()
        assert d.pops.popping
        refresh = asyncio.create_task(d.watch.refresh())
        await asyncio.sleep(0.1)
        assert d.api.asked == 0  # the pop goes first: no request to the server, nothing parsed
        assert d.listed == []
        d.contacts.answer.set()  # the lookup answers: the card shows the caller
        lists = await asyncio.wait_for(refresh, 2)
        assert d.api.asked == 1
        assert [t.id for t in lists.team] == [7]
        assert d.listed == [lists]  # the panel and the badge still get the lists
        assert d.watch.lists.missed == 1
        assert not d.pops.popping

    asyncio.run(main())


def test_lists_that_arrive_while_a_call_rings_are_handed_over_after_its_card() -> None:
    async def main() -> None:
        d = Desk()
        d.api.hold = asyncio.Event()
        refresh = asyncio.create_task(d.watch.refresh())
        await asyncio.wait_for(d.api.reading.wait(), 1)  # the request is out when the call rings
        d.ring()
        d.api.hold.set()
        await asyncio.sleep(0.1)
        assert d.listed == []  # the answer is in, the lists wait for the card
        d.contacts.answer.set()
        await asyncio.wait_for(refresh, 2)
        assert len(d.listed) == 1 and d.listed[0].missed == 1

    asyncio.run(main())


def test_with_no_call_ringing_the_refresh_does_not_wait() -> None:
    async def main() -> None:
        d = Desk()
        began = time.monotonic()
        await d.watch.refresh()
        assert time.monotonic() - began < SETTLE_S
        assert len(d.listed) == 1

    asyncio.run(main())


def test_a_call_answered_before_its_lookup_answers_ends_the_pop() -> None:
    async def main() -> None:
        d = Desk()
        d.ring()
        await _turns()
        d.ws.on_phone_event(state("c1", CallState.ACTIVE, 12))  # answered: the card is the call's now
        await asyncio.wait_for(d.pops.quiet(), 1)
        assert not d.pops.popping

    asyncio.run(main())


def test_a_lookup_that_never_answers_delays_the_refresh_only_so_long() -> None:
    async def main() -> None:
        d = Desk()
        d.ring()
        began = time.monotonic()
        await d.pops.quiet(longest=0.2)
        assert 0.15 < time.monotonic() - began < 1.5
        assert d.pops.popping  # still ringing without its caller, but the refresh went ahead

    asyncio.run(main())


def test_each_call_pops_once_and_the_next_call_pops_again() -> None:
    async def main() -> None:
        d = Desk()
        d.ring()
        d.contacts.answer.set()
        await asyncio.wait_for(d.pops.quiet(), 1)
        d.ws.on_phone_event(state("c1", CallState.RINGING, 11))  # more news of the same ringing call
        assert not d.pops.popping  # its card has the caller: no second pop
        d.ws.on_phone_event(ended("c1", 12))
        d.ring("c2")
        assert d.pops.popping
        await asyncio.wait_for(d.pops.quiet(), 1)
        assert not d.pops.popping

    asyncio.run(main())
