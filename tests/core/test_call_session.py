"""One call session: every transition, the commands each intent sends, and refusals that say why."""

from __future__ import annotations

import pytest

from app.refused import Refused
from app.session import CallSession, Direction, Phase, TransferKind, TransferStatus
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState, EndCause
from app.wire.scripts import ScriptRef
from tests.core.helpers import OPERATOR, at, ended, incoming, state


def ringing(queue: str = "sales") -> CallSession:
    return CallSession.incoming(incoming("c1", 0, queue=queue), operator=OPERATOR, at=at(0))


def talking() -> CallSession:
    s, _ = ringing().answer()
    return s.on_state(state("c1", CallState.ACTIVE, 3), at(3))


def test_incoming_call_rings_with_its_queue_and_call_id() -> None:
    s = ringing()
    assert (s.phase, s.direction, s.queue, s.ring_at) == (Phase.RINGING, Direction.INBOUND, "sales", at(0))
    assert s.record_id == "sip-c1"  # the SIP Call-ID the PBX logs
    assert not s.phase.engaged and s.phase.live


def test_answer_sends_the_command_but_talks_only_when_the_phone_says_so() -> None:
    s, commands = ringing().answer()
    assert commands == [cmd.Answer(call_id="c1")]
    assert s.phase is Phase.RINGING and s.pending == "answer"
    with pytest.raises(Refused, match="waiting for the phone to answer"):
        s.answer()
    s = s.on_state(state("c1", CallState.CONNECTING, 2), at(2))
    assert s.phase is Phase.RINGING
    s = s.on_state(state("c1", CallState.ACTIVE, 3), at(3))
    assert (s.phase, s.answer_at, s.pending) == (Phase.TALKING, at(3), "")


def test_hold_and_resume_round_trip() -> None:
    s, commands = talking().hold()
    assert commands == [cmd.SetHold(call_id="c1", held=True)]
    s = s.on_state(state("c1", CallState.HELD, 5), at(5))
    assert s.phase is Phase.HELD and s.pending == ""
    with pytest.raises(Refused, match="is held, not talking"):
        s.hold()
    s, commands = s.resume()
    assert commands == [cmd.SetHold(call_id="c1", held=False)]
    s = s.on_state(state("c1", CallState.ACTIVE, 7), at(7))
    assert s.phase is Phase.TALKING and s.answer_at == at(3)  # resuming is not answering again


def test_refused_hold_clears_what_was_pending() -> None:
    s, _ = talking().hold()
    assert s.command_failed().pending == ""


def test_dtmf_sent_and_received_are_kept_and_bad_digits_refused() -> None:
    s, commands = talking().send_dtmf("12#")
    assert commands == [cmd.SendDtmf(call_id="c1", digits="12#")]
    s = s.on_dtmf(ev.DtmfReceived(call_id="c1", digit="5", method="rfc4733"))
    assert (s.dtmf_sent, s.dtmf_received) == ("12#", "5")
    with pytest.raises(Refused, match="0-9"):
        s.send_dtmf("12x")
    with pytest.raises(Refused, match="ringing, not talking"):
        ringing().send_dtmf("1")


def test_reject_only_a_ringing_call_with_busy_or_decline() -> None:
    _s, commands = ringing().reject(603)
    assert commands == [cmd.Reject(call_id="c1", code=603)]
    with pytest.raises(Refused, match="486"):
        ringing().reject(404)
    with pytest.raises(Refused, match="talking, not ringing"):
        talking().reject()


def test_hangup_is_for_connected_or_dialling_calls() -> None:
    with pytest.raises(Refused, match="rejected, not hung up"):
        ringing().hangup()
    s, commands = talking().hangup()
    assert commands == [cmd.Hangup(call_id="c1")] and s.pending == "hangup"
    with pytest.raises(Refused, match="already requested"):
        s.hangup()
    dialing = CallSession.outgoing("o1", operator=OPERATOR, at=at(0), target="+7900")
    assert dialing.hangup()[1] == [cmd.Hangup(call_id="o1")]


def test_end_records_cause_and_time_and_nothing_moves_after() -> None:
    s = talking().on_ended(ended("c1", 60), at(60))
    assert (s.phase, s.end_at, s.end_cause) == (Phase.ENDED, at(60), EndCause.REMOTE_HANGUP)
    with pytest.raises(Refused, match="has ended") as refused:
        s.on_state(state("c1", CallState.ACTIVE, 61), at(61))
    assert refused.value.code == "anomaly"
    with pytest.raises(Refused, match="already ended"):
        s.on_ended(ended("c1", 61), at(61))
    with pytest.raises(Refused, match="has ended"):
        s.hangup()


def test_timestamps_never_go_backwards() -> None:
    s = talking().on_ended(ended("c1", 1), at(1))  # the service's clock was a little behind
    assert s.end_at == at(3)


def test_outgoing_call_dials_then_rings_then_talks() -> None:
    s = CallSession.outgoing("o1", operator=OPERATOR, at=at(0), target="+7900")
    assert (s.phase, s.direction, s.record_id) == (Phase.DIALING, Direction.OUTBOUND, "o1")
    s = s.on_state(state("o1", CallState.EARLY, 1), at(1))
    assert s.early and s.phase is Phase.DIALING
    s = s.on_state(state("o1", CallState.ACTIVE, 4), at(4))
    assert s.phase is Phase.TALKING and s.answer_at == at(4)


def test_held_reported_for_a_ringing_call_is_an_anomaly() -> None:
    with pytest.raises(Refused) as refused:
        ringing().on_state(state("c1", CallState.HELD, 1), at(1))
    assert refused.value.code == "anomaly"


def test_blind_transfer_requested_then_failed_keeps_the_customer() -> None:
    s, commands = talking().blind_transfer(" 2001 ")
    assert commands == [cmd.BlindTransfer(call_id="c1", target="2001")]
    assert s.transfer is not None and s.transfer.status is TransferStatus.REQUESTED
    with pytest.raises(Refused, match="already under way"):
        s.blind_transfer("2002")
    s = s.on_transfer(ev.TransferProgress(call_id="c1", code=100, reason="Trying", final=False))
    s = s.on_transfer(ev.TransferProgress(call_id="c1", code=486, reason="Busy Here", final=True))
    assert s.transfer is not None and s.transfer.status is TransferStatus.FAILED and s.transfer.code == 486
    assert s.phase is Phase.TALKING
    s, _ = s.blind_transfer("2002")  # a failed transfer may be tried again
    with pytest.raises(Refused, match="needs a target"):
        talking().blind_transfer(" ")
    with pytest.raises(Refused, match="only a connected call"):
        ringing().blind_transfer("2001")


def test_transfer_progress_for_no_transfer_is_an_anomaly() -> None:
    with pytest.raises(Refused, match="nobody is transferring"):
        talking().on_transfer(ev.TransferProgress(call_id="c1", code=200, reason="OK", final=True))


def test_attended_transfer_consults_then_completes() -> None:
    s = talking().begin_consultation("o1", "2001")
    assert s.transfer is not None and s.transfer.kind is TransferKind.ATTENDED
    assert s.consultation_over().transfer is None  # consult hung up before completing: nothing happened
    s, commands = s.complete_consultation()
    assert commands == [cmd.AttendedTransfer(call_id="c1", consult_call_id="o1")]
    assert s.consultation_over().transfer == s.transfer  # the REFER is out: its progress decides
    with pytest.raises(Refused, match="no consultation"):
        talking().complete_consultation()
    consult = CallSession.outgoing("o1", operator=OPERATOR, at=at(0), consult_for="c1")
    assert consult.is_consultation
    consult = consult.on_state(state("o1", CallState.ACTIVE, 1), at(1))
    with pytest.raises(Refused, match="consultation call cannot"):
        consult.blind_transfer("3000")


def test_replaced_call_keeps_the_conversation_and_its_record_id() -> None:
    s = CallSession.outgoing("o1", operator=OPERATOR, at=at(0), target="+7900")
    s = s.on_state(state("o1", CallState.ACTIVE, 1), at(1)).replaced_by("o2", "sip:expert@pbx")
    assert (s.call_id, s.previous_ids, s.record_id, s.remote_uri) == ("o2", ("o1",), "o1", "sip:expert@pbx")
    assert s.phase is Phase.TALKING


def test_script_contact_and_queue_attach_until_done() -> None:
    s = talking().with_contact(7).with_queue("support")
    s = s.with_script(ScriptRef(id="welcome", version=3), {"age": 30}, suggested_code="sale")
    assert (s.contact_id, s.queue, s.answers, s.suggested_code) == (7, "support", {"age": 30}, "sale")
    with pytest.raises(Refused, match="need the script"):
        s.with_script(None, {"age": 30})
