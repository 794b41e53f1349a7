"""Real calls between ``ringdesk phone`` processes on loopback: the features an operator uses mid-call.

Two or three telephony services call each other over real SIP/RTP, so hold, DTMF, transfers and call
waiting are proven against a full PJSIP peer (sipp cannot answer re-INVITEs or REFERs).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.config import DtmfMethod
from app.telephony.events import CallState, EndCause
from tests.support.phone import Phone
from tests.support.ports import free_port

StartPhone = Callable[..., Phone]


def phone(start_phone: StartPhone, name: str, *extra: str) -> tuple[Phone, str]:
    port = free_port()
    p = start_phone("--listen", f"127.0.0.1:{port}", "--local-user", name, "--no-audio", *extra, name=name)
    return p, f"sip:{name}@127.0.0.1:{port}"


def active(p: Phone, call_id: str, after: int = 0) -> ev.CallStateChanged:
    return p.wait_for(
        ev.CallStateChanged, lambda e: e.call_id == call_id and e.state is CallState.ACTIVE, after=after
    )


def connect(caller: Phone, callee: Phone, uri: str) -> tuple[str, str]:
    """caller dials, callee sees it ring and answers; both sides end up ACTIVE."""
    mark = callee.mark()
    out = caller.send(cmd.MakeCall(target=uri)).call_id
    incoming = callee.wait_for(ev.IncomingCall, after=mark)
    callee.send(cmd.Answer(call_id=incoming.call_id))
    active(caller, out)
    active(callee, incoming.call_id)
    return out, incoming.call_id


def ended(p: Phone, call_id: str, timeout: float = 10) -> ev.CallEnded:
    return p.wait_for(ev.CallEnded, lambda e: e.call_id == call_id, timeout=timeout)


def test_call_is_answered_with_g722_and_hung_up(start_phone: StartPhone) -> None:
    alice, _ = phone(start_phone, "alice")
    bob, bob_uri = phone(start_phone, "bob")
    out, inc = connect(alice, bob, bob_uri)
    incoming = bob.all(ev.IncomingCall)[0]
    assert incoming.number == "alice" and incoming.remote_uri.startswith("sip:alice@")
    # Both sides prefer G.722: speex (PJSIP's default favourite) must not win.
    assert active(alice, out).codec == "G722/16000"
    alice.send(cmd.Hangup(call_id=out))
    assert ended(alice, out).cause is EndCause.LOCAL_HANGUP
    bob_end = ended(bob, inc)
    assert bob_end.cause is EndCause.REMOTE_HANGUP and bob_end.talk_s > 0


@pytest.mark.parametrize("code", [486, 603])
def test_rejected_call_tells_the_caller_why(start_phone: StartPhone, code: int) -> None:
    alice, _ = phone(start_phone, "alice")
    bob, bob_uri = phone(start_phone, "bob")
    out = alice.send(cmd.MakeCall(target=bob_uri)).call_id
    incoming = bob.wait_for(ev.IncomingCall)
    bob.send(cmd.Reject(call_id=incoming.call_id, code=code))
    assert ended(bob, incoming.call_id).cause is EndCause.REJECTED
    end = ended(alice, out)
    assert (end.cause, end.code) == (EndCause.DECLINED, code)


def test_caller_giving_up_is_a_cancelled_call(start_phone: StartPhone) -> None:
    alice, _ = phone(start_phone, "alice")
    bob, bob_uri = phone(start_phone, "bob")
    out = alice.send(cmd.MakeCall(target=bob_uri)).call_id
    incoming = bob.wait_for(ev.IncomingCall)
    alice.send(cmd.Hangup(call_id=out))
    assert ended(bob, incoming.call_id).cause is EndCause.CANCELLED


def test_hold_and_resume(start_phone: StartPhone) -> None:
    alice, _ = phone(start_phone, "alice")
    bob, bob_uri = phone(start_phone, "bob")
    out, _inc = connect(alice, bob, bob_uri)
    mark = alice.mark()
    alice.send(cmd.SetHold(call_id=out, held=True))
    alice.wait_for(ev.CallStateChanged, lambda e: e.call_id == out and e.state is CallState.HELD, after=mark)
    mark = alice.mark()
    alice.send(cmd.SetHold(call_id=out, held=False))
    active(alice, out, after=mark)


def test_dtmf_by_rtp_events_and_by_sip_info(start_phone: StartPhone) -> None:
    alice, _ = phone(start_phone, "alice")
    bob, bob_uri = phone(start_phone, "bob")
    out, inc = connect(alice, bob, bob_uri)
    alice.send(cmd.SendDtmf(call_id=out, digits="12#"))
    bob.wait_for(ev.DtmfReceived, lambda e: e.digit == "#")
    rtp = [(d.digit, d.method) for d in bob.all(ev.DtmfReceived)]
    assert rtp == [("1", "rfc4733"), ("2", "rfc4733"), ("#", "rfc4733")]
    alice.send(cmd.SendDtmf(call_id=out, digits="*9", method=DtmfMethod.INFO))
    bob.wait_for(ev.DtmfReceived, lambda e: e.digit == "9")
    assert [(d.digit, d.method) for d in bob.all(ev.DtmfReceived)][3:] == [("*", "info"), ("9", "info")]
    bad = alice.send(cmd.SendDtmf(call_id=out, digits="12x"), expect_ok=False)
    assert not bad.ok and "0-9" in bad.error
    assert inc


def test_blind_transfer_moves_the_customer_to_the_target(start_phone: StartPhone) -> None:
    customer, _ = phone(start_phone, "customer")
    operator, operator_uri = phone(start_phone, "operator")
    expert, expert_uri = phone(start_phone, "expert", "--auto-answer")
    out, inc = connect(customer, operator, operator_uri)
    operator.send(cmd.BlindTransfer(call_id=inc, target=expert_uri))
    operator.wait_for(ev.TransferProgress, lambda e: e.final)
    assert ended(operator, inc).cause is EndCause.TRANSFERRED
    replaced = customer.wait_for(ev.CallReplaced, lambda e: e.call_id == out)
    assert replaced.reason == "refer" and "expert" in replaced.remote_uri
    active(customer, replaced.new_call_id)
    at_expert = expert.wait_for(ev.IncomingCall)
    assert at_expert.number == "customer"
    active(expert, at_expert.call_id)


def test_attended_transfer_joins_customer_and_expert(start_phone: StartPhone) -> None:
    customer, _ = phone(start_phone, "customer")
    operator, operator_uri = phone(start_phone, "operator")
    expert, expert_uri = phone(start_phone, "expert")
    _out, with_customer = connect(customer, operator, operator_uri)
    operator.send(cmd.SetHold(call_id=with_customer, held=True))
    consult, at_expert = connect(operator, expert, expert_uri)
    operator.send(cmd.AttendedTransfer(call_id=with_customer, consult_call_id=consult))
    ended(operator, with_customer)
    ended(operator, consult)
    replaced = expert.wait_for(ev.CallReplaced, lambda e: e.call_id == at_expert)
    assert replaced.reason == "replaces" and "customer" in replaced.remote_uri
    active(expert, replaced.new_call_id)
    assert operator.stats().calls == 0


def test_call_waiting_hold_first_answer_second(start_phone: StartPhone) -> None:
    first, _ = phone(start_phone, "first")
    second, _ = phone(start_phone, "second")
    operator, operator_uri = phone(start_phone, "operator")
    _a, call1 = connect(first, operator, operator_uri)
    mark = operator.mark()
    out2 = second.send(cmd.MakeCall(target=operator_uri)).call_id
    call2 = operator.wait_for(ev.IncomingCall, after=mark).call_id
    operator.send(cmd.SetHold(call_id=call1, held=True))
    operator.send(cmd.Answer(call_id=call2))
    active(second, out2)
    operator.send(cmd.Hangup(call_id=call2))
    ended(second, out2)
    mark = operator.mark()
    operator.send(cmd.SetHold(call_id=call1, held=False))
    active(operator, call1, after=mark)
    assert operator.stats().calls == 1


def test_mandatory_srtp_encrypts_media_or_refuses_the_call(start_phone: StartPhone) -> None:
    alice, _ = phone(start_phone, "alice", "--srtp", "mandatory")
    bob, bob_uri = phone(start_phone, "bob", "--srtp", "optional", "--auto-answer")
    plain, plain_uri = phone(start_phone, "plain", "--srtp", "off", "--auto-answer")
    out = alice.send(cmd.MakeCall(target=bob_uri)).call_id
    assert alice.wait_for(ev.CallStateChanged, lambda e: e.call_id == out and e.codec != "").srtp
    assert bob.wait_for(ev.CallStateChanged, lambda e: e.codec != "").srtp
    refused = alice.send(cmd.MakeCall(target=plain_uri)).call_id
    assert ended(alice, refused).cause in (EndCause.DECLINED, EndCause.FAILED)
    assert not plain.all(ev.CallStateChanged, lambda e: e.state is CallState.ACTIVE)


def test_shutdown_during_a_call_hangs_up_and_exits_cleanly(start_phone: StartPhone) -> None:
    alice, _ = phone(start_phone, "alice")
    bob, bob_uri = phone(start_phone, "bob")
    out, inc = connect(alice, bob, bob_uri)
    assert bob.terminate() == 0  # an abort (-6) here means a pjsua2 object outlived libDestroy
    assert ended(bob, inc).cause is EndCause.SHUTDOWN
    assert bob.all(ev.EngineStopped)
    assert ended(alice, out).cause is EndCause.REMOTE_HANGUP
