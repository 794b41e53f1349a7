"""After-call work in each mode: who may leave it, when, and which code a call ends up with."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.refused import Refused
from app.session import ACW_MAX_S, AcwMode, AcwPolicy, CallSession, Phase, wrapup
from app.telephony.events import CallState
from app.wire.scripts import ScriptRef
from tests.core.helpers import OPERATOR, at, code, ended, incoming, state

TIMED = AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=60)
STRICT = AcwPolicy(mode=AcwMode.TIME_BOXED_NO_EARLY_EXIT, timeout_s=60)


def in_acw(policy: AcwPolicy) -> CallSession:
    s = CallSession.incoming(incoming("c1", 0, queue="sales"), operator=OPERATOR, at=at(0))
    s, _ = s.answer()
    s = s.on_state(state("c1", CallState.ACTIVE, 5), at(5)).with_contact(42)
    s = s.with_script(ScriptRef(id="welcome", version=2), {"interest": "high"})
    s = s.on_ended(ended("c1", 65), at(65))
    return wrapup.start(s, policy, at(65))


def test_disposition_carries_every_timestamp_and_the_script() -> None:
    s = wrapup.submit(in_acw(AcwPolicy()), AcwPolicy(), code("sale"), at(80), comment="ok")
    d = s.disposition
    assert s.phase is Phase.DONE and d is not None
    assert (d.call_id, d.operator, d.contact_id, d.queue) == ("sip-c1", OPERATOR, 42, "sales")
    assert (d.ring_at, d.answer_at, d.end_at, d.acw_end_at) == (at(0), at(5), at(65), at(80))
    assert (d.script, d.answers, d.code, d.comment) == (
        ScriptRef(id="welcome", version=2),
        {"interest": "high"},
        "sale",
        "ok",
    )


def test_code_rules_are_checked_before_acw_ends() -> None:
    s = in_acw(AcwPolicy())
    with pytest.raises(Refused, match="requires a comment"):
        wrapup.submit(s, AcwPolicy(), code("refused", comment=True), at(70))
    with pytest.raises(Refused, match="requires a callback time"):
        wrapup.submit(s, AcwPolicy(), code("callback", callback=True), at(70))
    with pytest.raises(Refused, match="belongs to queue"):
        wrapup.submit(s, AcwPolicy(), code("vip", queue="vip"), at(70))
    done = wrapup.submit(s, AcwPolicy(), code("callback", callback=True), at(70), callback_at=at(86400))
    assert done.disposition is not None and done.disposition.callback_at == at(86400)


def test_mandatory_acw_cannot_be_left_without_a_code_and_has_no_timer() -> None:
    s = in_acw(AcwPolicy())
    assert s.acw_deadline is None
    with pytest.raises(Refused, match="disposition is required"):
        wrapup.leave(s, AcwPolicy(), at(70))
    assert wrapup.expire(s, AcwPolicy(), at(10_000)) is None


def test_optional_acw_may_be_left_and_is_stamped_as_skipped() -> None:
    policy = AcwPolicy(mode=AcwMode.OPTIONAL)
    s = wrapup.leave(in_acw(policy), policy, at(66))
    assert s.disposition is not None
    assert (s.disposition.code, s.disposition.acw_end_at) == ("acw_skipped", at(66))


def test_time_boxed_acw_ends_early_on_submit_or_stamps_the_system_code_at_the_deadline() -> None:
    s = in_acw(TIMED)
    assert s.acw_deadline == at(125)
    early = wrapup.submit(s, TIMED, code("sale"), at(90))
    assert early.disposition is not None and early.disposition.acw_end_at == at(90)
    assert wrapup.expire(s, TIMED, at(124.9)) is None
    late = wrapup.expire(s, TIMED, at(127))
    assert late is not None and late.disposition is not None
    assert (late.disposition.code, late.disposition.acw_end_at) == ("acw_timeout", at(125))


def test_no_early_exit_keeps_the_submitted_code_until_the_timer_ends() -> None:
    s = wrapup.submit(in_acw(STRICT), STRICT, code("sale"), at(70))
    assert s.phase is Phase.ACW and s.draft is not None and s.disposition is None
    with pytest.raises(Refused, match="lasts until its timer ends"):
        wrapup.leave(s, STRICT, at(71))
    s = wrapup.submit(s, STRICT, code("refused", comment=True), at(80), comment="changed my mind")
    done = wrapup.expire(s, STRICT, at(125))
    assert done is not None and done.disposition is not None
    assert (done.disposition.code, done.disposition.comment) == ("refused", "changed my mind")
    assert done.disposition.acw_end_at == at(125)
    nothing_chosen = wrapup.expire(in_acw(STRICT), STRICT, at(125))
    assert nothing_chosen is not None and nothing_chosen.disposition is not None
    assert nothing_chosen.disposition.code == "acw_timeout"


def test_acw_policy_limits() -> None:
    with pytest.raises(ValueError, match="needs timeout_s"):
        AcwPolicy(mode=AcwMode.TIME_BOXED)
    with pytest.raises(ValueError, match=r"1\.\.900"):
        AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=ACW_MAX_S + 1)
    with pytest.raises(ValueError, match="has no timer"):
        AcwPolicy(mode=AcwMode.MANDATORY, timeout_s=30)
    assert in_acw(AcwPolicy(mode=AcwMode.TIME_BOXED, timeout_s=900)).acw_deadline == at(65) + timedelta(
        seconds=900
    )


def test_acw_only_after_the_call_and_a_disposition_only_in_acw() -> None:
    s = CallSession.incoming(incoming("c1", 0), operator=OPERATOR, at=at(0))
    with pytest.raises(Refused, match="ringing, not ended"):
        wrapup.start(s, AcwPolicy(), at(1))
    with pytest.raises(Refused, match="ringing, not acw"):
        wrapup.submit(s, AcwPolicy(), code("sale"), at(1))


def test_a_value_the_wire_refuses_is_a_refusal() -> None:
    with pytest.raises(Refused, match="comment"):
        wrapup.submit(in_acw(AcwPolicy()), AcwPolicy(), code("sale"), at(70), comment="x" * 5000)


@pytest.mark.parametrize(
    ("target", "number"),
    [("8 912 555-01-27", "+79125550127"), ("sip:2001@pbx.example", None)],
)
def test_an_outbound_call_s_disposition_says_so_with_the_number_dialled(
    target: str, number: str | None
) -> None:
    """The server learns of the calls operators place from their dispositions (the CRM registers
    them as outgoing); a target that is no phone number (an extension) never costs the disposition."""
    s = CallSession.outgoing("o1", operator=OPERATOR, at=at(0), target=target)
    s = s.on_state(state("o1", CallState.ACTIVE, 4), at(4)).on_ended(ended("o1", 64), at(64))
    done = wrapup.submit(wrapup.start(s, AcwPolicy(), at(64)), AcwPolicy(), code("sale"), at(70))
    assert done.disposition is not None
    assert (done.disposition.direction, done.disposition.number) == ("outbound", number)
    inbound = wrapup.submit(in_acw(AcwPolicy()), AcwPolicy(), code("sale"), at(80)).disposition
    assert inbound is not None and (inbound.direction, inbound.number) == ("inbound", None)
