"""One operator's whole day through the coordinator, with a manual clock: every record it sends."""

from __future__ import annotations

import asyncio

from app.session import AcwMode, AcwPolicy, Phase
from app.status import Choice
from app.telephony import commands as cmd
from app.telephony.events import CallState, EndCause
from app.wire.statuses import BACK_OF_QUEUE
from tests.core.helpers import at, ended, incoming, state
from tests.core.test_workstation import Desk

H = 3600


def test_a_whole_day() -> None:
    d = Desk(AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=120))
    ws = d.ws

    async def day() -> None:
        d.at(0)
        ws.start_shift()
        d.at(300)
        ws.set_status(Choice.ready())

        # 09:10 a call with hold, keypad digits and a next status (lunch) chosen while talking
        d.at(600)
        d.event(incoming("a", 600, queue="sales"))
        d.at(604)
        await ws.answer()
        d.event(state("a", CallState.ACTIVE, 604))
        await ws.hold()
        d.event(state("a", CallState.HELD, 620))
        await ws.resume()
        d.event(state("a", CallState.ACTIVE, 650))
        await ws.send_dtmf("1")
        ws.choose_next(Choice.not_ready("lunch"))
        d.event(ended("a", 700))
        d.at(760)
        ws.submit_disposition("a", "sale")

        # lunch; the phone drops and comes back meanwhile: lunch stays lunch
        ws.on_routable(False)
        ws.on_routable(True)
        d.at(H + 760)
        ws.set_status(Choice.ready())

        # a second call waits while the first is on; the first resumes and ends; ACW times out on one
        d.at(2 * H)
        d.event(incoming("b", 2 * H))
        await ws.answer("b")
        d.event(state("b", CallState.ACTIVE, 2 * H + 1))
        d.event(incoming("c", 2 * H + 30, number="+79990000000"))
        d.at(2 * H + 35)
        await ws.answer("c")
        d.event(state("b", CallState.HELD, 2 * H + 35))
        d.event(state("c", CallState.ACTIVE, 2 * H + 35))
        d.event(ended("c", 2 * H + 95))
        assert ws.calls["c"].phase is Phase.ACW and ws.status.status.value == "on_call"  # b still held
        d.at(2 * H + 100)
        await ws.resume("b")
        d.event(state("b", CallState.ACTIVE, 2 * H + 100))
        d.event(ended("b", 2 * H + 200))
        d.at(2 * H + 210)
        ws.submit_disposition("b", "callback", callback_at=at(3 * H))
        d.at(2 * H + 400)
        ws.tick()  # c's ACW ran out long ago (at +215): stamped by the system

        # an outbound call nobody answers, while on back of queue
        ws.set_status(Choice.not_ready(BACK_OF_QUEUE))
        d.at(3 * H)
        await ws.dial("+79123456789")
        d.event(state("out1", CallState.EARLY, 3 * H + 1))
        d.event(ended("out1", 3 * H + 31, EndCause.DECLINED, 486))
        d.at(3 * H + 40)
        ws.submit_disposition("out1", "no_answer")

        # a missed call, then the lead sends the operator to training during a call
        d.event(incoming("m", 4 * H))
        d.event(ended("m", 4 * H + 15, EndCause.CANCELLED, 487))
        d.event(incoming("t", 5 * H))
        await ws.answer()
        d.event(state("t", CallState.ACTIVE, 5 * H + 2))
        ws.force_status(Choice.not_ready("training"), by="lead")
        d.at(5 * H + 60)
        await ws.hangup()
        d.event(ended("t", 5 * H + 60, EndCause.LOCAL_HANGUP))
        d.at(5 * H + 70)
        ws.submit_disposition("t", "sale")

        d.at(8 * H)
        ws.end_shift()

    asyncio.run(day())

    assert d.outbox.trail() == [
        ("not_ready", "shift_start"),
        ("ready", None),
        ("on_call", None),
        ("acw", None),
        ("not_ready", "lunch"),
        ("ready", None),
        ("on_call", None),
        ("acw", None),
        ("ready", None),
        ("not_ready", BACK_OF_QUEUE),
        ("on_call", None),
        ("acw", None),
        ("not_ready", BACK_OF_QUEUE),
        ("on_call", None),
        ("acw", None),
        ("not_ready", "training"),
        ("offline", None),
    ]
    assert [s.source.value for s in d.outbox.statuses][-2:] == ["team_lead", "operator"]
    by_call = {x.call_id: x for x in d.outbox.dispositions}
    assert [x.code for x in d.outbox.dispositions] == ["sale", "callback", "acw_timeout", "no_answer", "sale"]
    assert by_call["sip-c"].acw_end_at == at(2 * H + 95 + 120)
    assert by_call["out1"].answer_at is None and by_call["out1"].ring_at == at(3 * H)
    assert "sip-m" not in by_call  # missed: no disposition unless the site asks for one
    assert by_call["sip-a"].answer_at == at(604) and by_call["sip-a"].end_at == at(700)
    assert ws.calls == {} and not ws.state().muted
    sent = [type(c) for c in d.phone.sent]
    assert (
        sent.count(cmd.SetHold) == 4
    )  # hold+resume a, hold+resume b and cmd.SendDtmf in sent and cmd.MakeCall in sent
