"""The coordinator with fake ports: intents become phone commands, events become notices and records."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from app.clock import ManualClock
from app.refused import Refused
from app.session import AcwMode, AcwPolicy, Phase
from app.status import Choice
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState
from app.telephony.supervisor import TelephonyService
from app.wire.statuses import OperatorStatus
from app.workstation import (
    CallChanged,
    ContactLookedUp,
    DispositionQueued,
    MuteChanged,
    Notice,
    PhoneCommands,
    Problem,
    StatusChanged,
    Workstation,
    WorkstationConfig,
)
from tests.core.helpers import (
    CATALOGUE,
    OPERATOR,
    FakeContacts,
    FakeOutbox,
    FakePhone,
    at,
    clock,
    contact,
    ended,
    incoming,
    state,
)


class Desk:
    """A workstation with fakes and a manual clock, recording every notice."""

    def __init__(
        self, acw: AcwPolicy | None = None, contacts: FakeContacts | None = None, outbox: Any = None
    ) -> None:
        self.clock: ManualClock = clock()
        self.phone = FakePhone()
        self.outbox = outbox or FakeOutbox()
        self.contacts = contacts or FakeContacts({"+79123456789": contact(42, "+79123456789")})
        self.ws = Workstation(
            WorkstationConfig(OPERATOR, acw=acw or AcwPolicy()),
            phone=self.phone,
            outbox=self.outbox,
            catalogue=CATALOGUE,
            contacts=self.contacts,
            clock=self.clock,
            registered=True,
        )
        self.notices: list[Notice] = []
        self.ws.hub.subscribe(self.notices.append)

    def at(self, seconds: float) -> None:
        """Move the clock to ``seconds`` after the start of the day."""
        self.clock.now = at(seconds)

    def event(self, e: ev.Event) -> None:
        self.ws.on_phone_event(e)

    def of(self, kind: type[Any]) -> list[Any]:
        return [n for n in self.notices if isinstance(n, kind)]


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(scenario())


def ring_and_answer(d: Desk, call_id: str = "c1", t: float = 10) -> None:
    async def go() -> None:
        d.at(t)
        d.event(incoming(call_id, t, queue="sales"))
        await asyncio.sleep(0)  # the contact lookup runs
        d.at(t + 3)
        await d.ws.answer()
        d.event(state(call_id, CallState.ACTIVE, t + 3))

    run(go)


def test_the_telephony_service_is_a_phone_for_the_workstation() -> None:
    phone: PhoneCommands = TelephonyService(["true"])
    assert phone is not None


def test_incoming_call_answered_hung_up_and_dispositioned() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)
    assert d.phone.take() == [cmd.Answer(call_id="c1")]
    assert d.contacts.asked == ["+79123456789"]
    assert d.ws.calls["c1"].contact_id == 42
    assert d.of(ContactLookedUp)[0].contact.id == 42
    assert d.ws.status.status is OperatorStatus.ON_CALL
    d.at(73)
    d.event(ended("c1", 73))
    assert d.ws.calls["c1"].phase is Phase.ACW and d.ws.status.status is OperatorStatus.ACW
    d.at(90)
    d.ws.submit_disposition("c1", "sale", comment="two items")
    assert not d.ws.calls
    [disposition] = d.outbox.dispositions
    assert (disposition.ring_at, disposition.answer_at, disposition.end_at, disposition.acw_end_at) == (
        at(10),
        at(13),
        at(73),
        at(90),
    )
    assert (disposition.contact_id, disposition.queue, disposition.code) == (42, "sales", "sale")
    assert d.outbox.trail() == [
        ("not_ready", "shift_start"),
        ("ready", None),
        ("on_call", None),
        ("acw", None),
        ("ready", None),
    ]
    assert d.outbox.statuses[-1].at == at(90)
    assert d.of(DispositionQueued)[0].disposition == disposition
    phases = [n.session.phase for n in d.of(CallChanged)]
    assert phases[0] is Phase.RINGING and phases[-1] is Phase.DONE and Phase.TALKING in phases


def test_time_boxed_acw_runs_out_and_stamps_the_system_code() -> None:
    d = Desk(AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=30))
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)
    d.at(60)
    d.event(ended("c1", 60))
    assert d.ws.calls["c1"].acw_deadline == at(90)
    d.at(89)
    d.ws.tick()
    assert d.ws.calls["c1"].phase is Phase.ACW
    d.at(95)  # the timer fires a little late: the ACW still ended at its deadline
    d.ws.tick()
    [disposition] = d.outbox.dispositions
    assert (disposition.code, disposition.acw_end_at) == ("acw_timeout", at(90))
    assert d.outbox.statuses[-1].status is OperatorStatus.READY
    assert d.outbox.statuses[-1].source.value == "system"


def test_acw_timer_fires_by_itself_on_the_event_loop() -> None:
    outbox = FakeOutbox()
    ws = Workstation(
        WorkstationConfig(OPERATOR, acw=AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=1)),
        phone=FakePhone(),
        outbox=outbox,
        catalogue=CATALOGUE,
        registered=True,
    )

    async def go() -> None:
        ws.start_shift()
        ws.on_phone_event(incoming("c1", 0))
        await ws.answer("c1")
        ws.on_phone_event(ev.CallStateChanged(call_id="c1", state=CallState.ACTIVE))
        ws.on_phone_event(
            ev.CallEnded(
                call_id="c1", cause=ev.EndCause.REMOTE_HANGUP, code=200, reason="", talk_s=1, total_s=1
            )
        )
        for _ in range(40):
            if outbox.dispositions:
                break
            await asyncio.sleep(0.05)

    run(go)
    assert [x.code for x in outbox.dispositions] == ["acw_timeout"]


def test_next_status_and_forced_status_apply_after_acw() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    ring_and_answer(d)
    d.ws.choose_next(Choice.not_ready("break"))
    assert d.ws.status.next == Choice.not_ready("break")
    assert d.of(StatusChanged)[-1].change is None  # shown, not sent
    d.event(ended("c1", 40))
    d.ws.submit_disposition("c1", "sale")
    assert d.outbox.trail()[-1] == ("not_ready", "break")
    d.ws.set_status(Choice.ready())
    ring_and_answer(d, "c2", 100)
    d.ws.force_status(Choice.not_ready("training"), by="lead")
    assert d.outbox.trail()[-1] == ("on_call", None)
    d.event(ended("c2", 130))
    d.ws.submit_disposition("c2", "sale")
    assert d.outbox.statuses[-1].reason == "training" and d.outbox.statuses[-1].source.value == "team_lead"


def test_refused_intents_send_nothing_and_say_why() -> None:
    d = Desk()

    async def go() -> None:
        with pytest.raises(Refused, match="no call to answer"):
            await d.ws.answer()
        d.event(incoming("c1", 1))
        d.event(incoming("c2", 2, number="+79990000000"))
        with pytest.raises(Refused, match="several calls"):
            await d.ws.answer()
        with pytest.raises(Refused, match="not in the disposition catalogue"):
            d.ws.submit_disposition("c1", "nope")
        with pytest.raises(Refused, match="ringing, not acw"):
            d.ws.submit_disposition("c1", "sale")

    run(go)
    assert d.phone.sent == []


def test_a_command_the_phone_refuses_is_reported_and_forgotten() -> None:
    d = Desk()
    ring_and_answer(d)
    d.phone.refuse.add("hold")

    async def go() -> None:
        with pytest.raises(Refused, match="the phone refused hold") as refused:
            await d.ws.hold()
        assert refused.value.code == "phone"

    run(go)
    assert d.ws.calls["c1"].pending == "" and d.of(Problem)


def test_anomalies_are_shown_not_dropped() -> None:
    d = Desk()
    d.event(ended("ghost", 1))
    [problem] = d.of(Problem)
    assert "unknown call ghost" in problem.message


def test_failed_lookup_is_reported_and_the_call_still_rings() -> None:
    d = Desk(contacts=FakeContacts(fail=True))

    async def go() -> None:
        d.event(incoming("c1", 1))
        await asyncio.sleep(0)

    run(go)
    [looked] = d.of(ContactLookedUp)
    assert looked.contact is None and "unreachable" in looked.error
    assert d.ws.calls["c1"].phase is Phase.RINGING


def test_mute_is_announced_and_cleared_when_the_call_ends() -> None:
    d = Desk()
    ring_and_answer(d)
    run(lambda: d.ws.mute(True))
    assert d.ws.state().muted and d.of(MuteChanged) == [MuteChanged(True)]
    d.event(ended("c1", 50))
    assert d.of(MuteChanged) == [MuteChanged(True), MuteChanged(False)]


def test_registration_loss_reaches_the_outbox_and_the_board() -> None:
    d = Desk()
    d.ws.start_shift()
    d.ws.set_status(Choice.ready())
    d.ws.on_routable(False)
    assert d.outbox.trail()[-1] == ("not_ready", "phone_offline")
    assert not d.ws.status.routable and d.ws.status.chosen == Choice.ready()
    d.ws.on_routable(True)
    assert d.outbox.trail()[-1] == ("ready", None)


def test_dialling_creates_the_session_and_looks_up_the_number() -> None:
    d = Desk()
    d.ws.start_shift()

    async def go() -> None:
        call_id = await d.ws.dial("+79123456789")
        assert call_id == "out1"
        await asyncio.sleep(0)

    run(go)
    s = d.ws.calls["out1"]
    assert s.phase is Phase.DIALING and s.contact_id == 42
    assert d.ws.status.status is OperatorStatus.ON_CALL


def test_script_answers_travel_to_the_disposition() -> None:
    from app.wire.scripts import ScriptRef

    d = Desk()
    ring_and_answer(d)
    d.ws.set_script("c1", ScriptRef(id="sales", version=4), {"budget": 1000}, suggested_code="sale")
    d.event(ended("c1", 30))
    d.ws.submit_disposition("c1", "sale")
    [disposition] = d.outbox.dispositions
    assert disposition.script == ScriptRef(id="sales", version=4) and disposition.answers == {"budget": 1000}


def test_hang_up_without_a_call_id_means_the_call_being_heard() -> None:
    d = Desk()
    ring_and_answer(d, "c1", 10)
    ring_and_answer(d, "c2", 20)  # c1 is put on hold to answer c2
    d.event(state("c1", CallState.HELD, 23))
    d.phone.take()
    run(d.ws.hangup)
    assert d.phone.take() == [cmd.Hangup(call_id="c2")]
    d.event(ended("c2", 30))
    run(d.ws.hangup)
    assert d.phone.take() == [cmd.Hangup(call_id="c1")]
