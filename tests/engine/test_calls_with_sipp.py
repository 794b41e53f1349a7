"""Calls between ``ringdesk phone`` and sipp (Debian ``sip-tester``): what a PBX sends us and expects."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState, EndCause
from tests.support.kamailio import Kamailio, kamailio_available
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.support.sipp import Sipp, build_invite, run_sipp, sipp_available, start_uas

pytestmark = [pytest.mark.peers, pytest.mark.skipif(not sipp_available(), reason="sipp is not installed")]
StartPhone = Callable[..., Phone]


def listening(start_phone: StartPhone, *extra: str) -> tuple[Phone, str]:
    port = free_port()
    phone = start_phone("--listen", f"127.0.0.1:{port}", "--no-audio", *extra)
    return phone, f"127.0.0.1:{port}"


def test_incoming_call_carries_caller_identity_and_crm_headers(start_phone: StartPhone) -> None:
    phone, target = listening(start_phone)
    with Sipp("uac_wait_bye.xml", target, service="1001", timeout=20) as sipp:
        call = phone.wait_for(ev.IncomingCall)
        assert call.number == "+79123456789"  # from P-Asserted-Identity
        assert call.display_name == "Иван Петров"
        assert ("X-Customer-Id", "42") in call.x_headers
        assert ("X-Queue", "sales") in call.x_headers
        assert ("X-Campaign", "spring") in call.x_headers
        assert any("crm.example/c/42" in info for info in call.call_info)
        assert "+79123456789" in call.p_asserted_identity
        assert call.answer_after_s is None
        phone.send(cmd.Answer(call_id=call.call_id))
        phone.wait_for(ev.CallStateChanged, lambda e: e.state is CallState.ACTIVE)
        phone.send(cmd.Hangup(call_id=call.call_id))
        result = sipp.wait(15)
        assert result.ok, result.describe()
    assert phone.wait_for(ev.CallEnded).cause is EndCause.LOCAL_HANGUP


def test_pbx_requested_auto_answer(start_phone: StartPhone) -> None:
    phone, target = listening(start_phone)
    result = run_sipp("uac_answer_after.xml", target, service="1001")
    assert result.ok, result.describe()
    call = phone.wait_for(ev.IncomingCall)
    assert call.answer_after_s == 0.0
    assert phone.wait_for(ev.CallEnded).cause is EndCause.REMOTE_HANGUP


def test_operator_rejects_as_busy(start_phone: StartPhone) -> None:
    phone, target = listening(start_phone)
    with Sipp("uac_rejected.xml", target, service="1001") as sipp:
        call = phone.wait_for(ev.IncomingCall)
        phone.send(cmd.Reject(call_id=call.call_id, code=486))
        assert sipp.wait(10).ok
    assert phone.wait_for(ev.CallEnded).cause is EndCause.REJECTED


def test_caller_hangs_up_while_ringing(start_phone: StartPhone) -> None:
    phone, target = listening(start_phone)
    result = run_sipp("uac_cancel.xml", target, service="1001")
    assert result.ok, result.describe()
    assert phone.wait_for(ev.CallEnded).cause is EndCause.CANCELLED


def test_fifty_calls_in_a_row_leave_no_call_objects(start_phone: StartPhone) -> None:
    phone, target = listening(start_phone, "--auto-answer")
    result = run_sipp(
        "uac_headers.xml", target, service="1001", calls=50, limit=1, variables={"hold_ms": "50"}, timeout=120
    )
    assert result.ok, result.describe()
    ended = phone.all(ev.CallEnded)
    assert len(ended) == 50
    # PJSIP recycles call ids 0..3: a stale Call object would hang up a later call with 603.
    assert {e.cause for e in ended} == {EndCause.REMOTE_HANGUP}
    stats = phone.stats()
    assert (stats.calls, stats.pj_calls) == (0, 0)


def test_outgoing_call_to_a_sipp_uas(start_phone: StartPhone) -> None:
    phone, _ = listening(start_phone)
    with start_uas("uas.xml") as uas:
        call_id = phone.send(cmd.MakeCall(target=uas.uri("2000"))).call_id
        phone.wait_for(ev.CallStateChanged, lambda e: e.call_id == call_id and e.state is CallState.ACTIVE)
        phone.send(cmd.Hangup(call_id=call_id))
        assert uas.wait(10).ok
    assert phone.wait_for(ev.CallEnded).cause is EndCause.LOCAL_HANGUP


def test_busy_callee_is_reported(start_phone: StartPhone) -> None:
    phone, _ = listening(start_phone)
    with start_uas("uas_busy.xml") as uas:
        call_id = phone.send(cmd.MakeCall(target=uas.uri("2000"))).call_id
        end = phone.wait_for(ev.CallEnded, lambda e: e.call_id == call_id)
        assert (end.cause, end.code) == (EndCause.DECLINED, 486)
        uas.wait(10)


@pytest.mark.skipif(not kamailio_available(), reason="kamailio is not installed")
def test_call_through_the_registrar_reaches_the_registered_phone(start_phone: StartPhone) -> None:
    with Kamailio({"1001": "pw-1001"}) as kam:
        phone = start_phone(
            "--listen",
            f"127.0.0.1:{free_port()}",
            "--no-audio",
            "--auto-answer",
            "--account",
            "sip:1001@ringdesk.test",
            "--registrar",
            kam.uri(),
            "--password-stdin",
            stdin_first_line="pw-1001",
        )
        phone.wait_for(ev.RegistrationChanged, lambda e: e.state.value == "registered")
        result = run_sipp("uac_headers.xml", kam.target, service="1001")
        assert result.ok, result.describe()
        call = phone.wait_for(ev.IncomingCall)
        assert call.account_id == "main" and ("X-Customer-Id", "42") in call.x_headers


@pytest.mark.parametrize(
    "scenario", ["bad_headers.xml", "huge_display_name.xml", "invalid_utf8.xml", "bye_unknown_dialog.xml"]
)
def test_malformed_requests_never_crash_and_the_next_call_is_answered(
    start_phone: StartPhone, scenario: str
) -> None:
    phone, target = listening(start_phone, "--auto-answer")
    run_sipp(scenario, target, service="1001", timeout=15)  # whatever sipp concludes, the phone survives
    assert phone.proc.poll() is None, phone.log_tail()
    good = run_sipp("uac_headers.xml", target, service="1001")
    assert good.ok, good.describe()
    assert phone.wait_for(ev.CallEnded, lambda e: e.cause is EndCause.REMOTE_HANGUP)
    for call in phone.all(ev.IncomingCall):
        assert len(call.display_name) <= 2049 and "\x00" not in call.display_name


def test_hostile_display_names_are_cleaned_not_passed_on(start_phone: StartPhone) -> None:
    from tests.support.sipp import send_raw_udp

    phone, target = listening(start_phone)
    host, port = target.split(":")
    send_raw_udp(
        host,
        int(port),
        build_invite(host, int(port), display_name=b"\xc3\x28 \xff\xfe Bob", local_port=free_port()),
    )
    call = phone.wait_for(ev.IncomingCall)
    assert call.display_name == "\ufffd( \ufffd\ufffd Bob"  # invalid UTF-8 replaced, never a crash
    phone.send(cmd.Reject(call_id=call.call_id, code=603))
    # 2,000 characters of markup fit in a datagram and arrive as text, to be shown as text.
    name = b"<b>" + "Ж".encode() * 1_000 + b"</b>"
    mark = phone.mark()
    send_raw_udp(host, int(port), build_invite(host, int(port), display_name=name, local_port=free_port()))
    call = phone.wait_for(ev.IncomingCall, after=mark)
    assert call.display_name.startswith("<b>ЖЖЖ") and len(call.display_name) <= 2049
    phone.send(cmd.Reject(call_id=call.call_id, code=603))
    # 10 kB is more than PJSIP takes in one UDP packet: it drops it with a log line, and lives on.
    mark = phone.mark()
    send_raw_udp(
        host, int(port), build_invite(host, int(port), display_name=b"A" * 10_000, local_port=free_port())
    )
    assert not phone.all(ev.IncomingCall, lambda e: e.display_name.startswith("AAAA"))
    good = run_sipp("uac_headers.xml", target, service="1001", variables={"hold_ms": "50"})
    assert phone.wait_for(ev.IncomingCall, after=mark).display_name == "Иван Петров"
    assert "Dropping" in phone.log_tail(200)
    assert good.returncode in (0, 1)
