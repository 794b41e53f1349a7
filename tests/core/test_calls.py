"""Rules across calls: one conversation at a time, call waiting, consultation, mute, replaced calls."""

from __future__ import annotations

import pytest

from app.refused import Refused
from app.session import AcwPolicy, Calls, Phase, TransferStatus
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState, EndCause
from tests.core.helpers import OPERATOR, at, ended, incoming, state


def calls() -> Calls:
    return Calls(OPERATOR, AcwPolicy())


def talking(c: Calls, call_id: str = "c1", t: float = 0) -> None:
    c.on_event(incoming(call_id, t), at(t))
    c.answer(call_id)
    c.on_event(state(call_id, CallState.ACTIVE, t + 1), at(t + 1))


def test_second_call_waits_and_answering_it_holds_the_first() -> None:
    c = calls()
    talking(c)
    c.on_event(incoming("c2", 10), at(10))
    assert c.get("c2").phase is Phase.RINGING and c.engaged
    assert c.answer("c2") == [cmd.SetHold(call_id="c1", held=True), cmd.Answer(call_id="c2")]
    c.on_event(state("c1", CallState.HELD, 11), at(11))
    c.on_event(state("c2", CallState.ACTIVE, 11), at(11))
    assert [s.phase for s in c.sessions.values()] == [Phase.HELD, Phase.TALKING]
    # resuming the first puts the second on hold: never two conversations at once
    assert c.resume("c1") == [cmd.SetHold(call_id="c2", held=True), cmd.SetHold(call_id="c1", held=False)]


def test_missed_call_is_done_without_acw_or_disposition() -> None:
    c = calls()
    c.on_event(incoming("c1", 0), at(0))
    c.on_event(ended("c1", 20, EndCause.CANCELLED, 487), at(20))
    assert not c.sessions
    changes = c.drain()
    assert [s.phase for s in changes] == [Phase.RINGING, Phase.ENDED, Phase.DONE]
    assert changes[-1].disposition is None


def test_missed_call_is_stamped_when_the_site_wants_it() -> None:
    c = Calls(OPERATOR, AcwPolicy(missed_code="missed"))
    c.on_event(incoming("c1", 0), at(0))
    c.reject("c1")
    c.on_event(ended("c1", 5, EndCause.REJECTED, 486), at(5))
    done = c.drain()[-1]
    assert done.disposition is not None
    assert (done.disposition.code, done.disposition.answer_at, done.disposition.acw_end_at) == (
        "missed",
        None,
        None,
    )


def test_answered_call_goes_to_acw_when_it_ends() -> None:
    c = calls()
    talking(c)
    c.on_event(ended("c1", 60), at(60))
    assert c.get("c1").phase is Phase.ACW and c.in_acw and not c.engaged


def test_outgoing_call_appears_on_calling_even_before_the_command_result() -> None:
    c = calls()
    assert c.dial(" +7900 ") == [cmd.MakeCall(target="+7900")]
    c.on_event(state("out1", CallState.CALLING, 0), at(0))  # the engine reports it before the result
    c.dialed("out1", "+7900", at(0.1))
    s = c.get("out1")
    assert (s.phase, s.number, s.ring_at) == (Phase.DIALING, "+7900", at(0))
    with pytest.raises(Refused, match="already being dialled"):
        c.dial("+7901")
    c.on_event(ended("out1", 30, EndCause.DECLINED, 486), at(30))
    assert c.get("out1").phase is Phase.ACW  # the operator records "busy" for an outgoing call


def test_dialling_while_talking_holds_the_conversation_first() -> None:
    c = calls()
    talking(c)
    assert c.dial("2001") == [cmd.SetHold(call_id="c1", held=True), cmd.MakeCall(target="2001")]


def test_mute_needs_a_conversation_and_is_reset_when_the_last_call_ends() -> None:
    c = calls()
    with pytest.raises(Refused, match="during a conversation"):
        c.mute(True)
    talking(c)
    assert c.mute(True) == [cmd.SetMute(muted=True)]
    c.mute_applied(True)
    with pytest.raises(Refused, match="already muted"):
        c.mute(True)
    c.on_event(ended("c1", 9), at(9))
    assert not c.muted


def test_attended_transfer_through_a_consultation_call() -> None:
    c = calls()
    talking(c)
    assert c.consult("c1", "2001") == [cmd.SetHold(call_id="c1", held=True), cmd.MakeCall(target="2001")]
    c.on_event(state("c1", CallState.HELD, 5), at(5))
    c.dialed("out1", "2001", at(5), consult_for="c1")
    with pytest.raises(Refused, match="not answered yet"):
        c.complete_transfer("c1")
    c.on_event(state("out1", CallState.ACTIVE, 8), at(8))
    assert c.complete_transfer("c1") == [cmd.AttendedTransfer(call_id="c1", consult_call_id="out1")]
    c.on_event(ended("out1", 12, EndCause.REMOTE_HANGUP), at(12))  # replaced at the expert's side
    c.on_event(ev.TransferProgress(call_id="c1", code=200, reason="OK", final=True, at=0), at(12))
    c.on_event(ended("c1", 12, EndCause.TRANSFERRED), at(12))
    assert list(c.sessions) == ["c1"]  # the consultation needs no disposition
    s = c.get("c1")
    assert s.phase is Phase.ACW and s.transfer is not None and s.transfer.status is TransferStatus.REQUESTED


def test_consultation_hung_up_gives_the_customer_back() -> None:
    c = calls()
    talking(c)
    c.consult("c1", "2001")
    c.dialed("out1", "2001", at(5), consult_for="c1")
    c.on_event(ended("out1", 9, EndCause.DECLINED, 486), at(9))
    assert c.get("c1").transfer is None and "out1" not in c.sessions


def test_replaced_call_continues_under_its_new_id_and_the_old_end_is_ignored() -> None:
    c = calls()
    talking(c)
    c.on_event(ev.CallReplaced(call_id="c1", new_call_id="c9", reason="refer", remote_uri="sip:x@y"), at(5))
    c.on_event(ended("c1", 6, EndCause.TRANSFERRED), at(6))  # the old call ends on its own
    s = c.get("c9")
    assert s.phase is Phase.TALKING and s.record_id == "sip-c1"
    c.on_event(state("c9", CallState.ACTIVE, 7), at(7))
    c.on_event(ended("c9", 30), at(30))
    assert c.get("c9").phase is Phase.ACW


def test_unknown_calls_and_double_rings_are_anomalies() -> None:
    c = calls()
    with pytest.raises(Refused) as refused:
        c.on_event(ended("zz", 1), at(1))
    assert refused.value.code == "anomaly"
    c.on_event(incoming("c1", 0), at(0))
    with pytest.raises(Refused, match="rings twice"):
        c.on_event(incoming("c1", 0), at(0))
    with pytest.raises(Refused, match="no open call"):
        c.hangup("nope")


def test_answering_while_dialling_out_is_refused() -> None:
    c = calls()
    c.dial("2001")
    c.dialed("out1", "2001", at(0))
    c.on_event(incoming("c1", 1), at(1))
    with pytest.raises(Refused, match="cancel the outgoing call"):
        c.answer("c1")


def test_calls_of_a_telephony_service_that_died_are_ended_here() -> None:
    c = calls()
    talking(c)
    c.on_event(incoming("c2", 5), at(5))
    c.on_event(ev.EngineStopped(reason="the telephony service stopped unexpectedly (exit code -6)"), at(6))
    assert list(c.sessions) == ["c1"]  # the unanswered one is simply gone; the conversation needs ACW
    s = c.get("c1")
    assert (s.phase, s.end_cause, s.end_at) == (Phase.ACW, EndCause.FAILED, at(6))
    assert "exit code -6" in s.end_reason
    c.on_event(ev.EngineStarted(pid=1, version="x", listen=()), at(7))  # nothing live left: no change
    assert c.get("c1").phase is Phase.ACW


def _missed(c: Calls, n: int) -> None:
    call_id = f"shift-{n}"
    c.on_event(incoming(call_id, n), at(n))
    c.on_event(ended(call_id, n + 0.5, EndCause.CANCELLED, 487), at(n + 0.5))
    c.drain()


def test_a_shift_of_calls_leaves_nothing_behind() -> None:
    """Issue 15: every ended call's id was remembered for ever (~150 bytes a call, all shift long).
    A late event of a call that just ended is still ignored; 3,000 calls later the memory is flat (the
    ids of the latest calls are kept: a bounded few tens of KB, where the leak grew by ~270 KB)."""
    import gc
    import tracemalloc

    c = calls()
    for n in range(300):  # a few hundred first: what is kept of the latest calls is bounded, not nothing
        _missed(c, n)
    c.on_event(ended("shift-299", 300, EndCause.CANCELLED, 487), at(300))  # late: ignored, no anomaly
    assert not c.sessions and c.drain() == []
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for n in range(300, 3300):
        _missed(c, n)
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    tracemalloc.stop()
    assert grown < 64_000, f"{grown} bytes kept by 3,000 ended calls"
