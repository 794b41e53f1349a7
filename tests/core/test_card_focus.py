"""Which call the card shows (``app.session.pick.CardFocus``), driven by real sessions in ``Calls``:
a ringing call never takes the card, answering or resuming a call does, and a chip the operator
chose keeps the card until the conversation changes."""

from __future__ import annotations

import pytest

from app.refused import Refused
from app.session import AcwPolicy, Calls
from app.session.pick import CardFocus, dialled_line
from app.telephony import events as ev
from app.telephony.events import CallState
from tests.core.helpers import OPERATOR, at, code, ended, incoming, state


def follow(focus: CardFocus, c: Calls) -> CardFocus:
    return focus.follow(c.sessions.values())


def answer(c: Calls, call_id: str, t: float) -> None:
    for command in c.answer(call_id):
        held = getattr(command, "held", None)
        if held:
            c.on_event(state(command.call_id, CallState.HELD, t), at(t))  # type: ignore[attr-defined]
    c.on_event(state(call_id, CallState.ACTIVE, t), at(t))


def test_answering_the_waiting_call_moves_the_card_to_it_and_the_held_call_becomes_a_chip() -> None:
    c, focus = Calls(OPERATOR, AcwPolicy()), CardFocus()
    c.on_event(incoming("a", 0, "+79131234567"), at(0))
    focus = follow(focus, c)
    assert focus.call_id == "a"  # the first ring takes the empty card
    answer(c, "a", 1)
    focus = follow(focus, c)
    c.on_event(incoming("b", 5, "+74951234567"), at(5))
    focus = follow(focus, c)
    assert focus.call_id == "a"  # the waiting call does not take the card
    assert [s.call_id for s in focus.others(c.sessions.values())] == ["b"]
    answer(c, "b", 6)
    focus = follow(focus, c)
    assert focus.call_id == "b"
    assert [s.call_id for s in focus.others(c.sessions.values())] == ["a"]


def test_a_ring_during_after_call_work_leaves_the_card_with_the_call_being_wrapped_up() -> None:
    c, focus = Calls(OPERATOR, AcwPolicy()), CardFocus()
    c.on_event(incoming("a", 0), at(0))
    answer(c, "a", 1)
    focus = follow(focus, c)
    c.on_event(ended("a", 10), at(10))
    focus = follow(focus, c)
    c.on_event(incoming("b", 12), at(12))
    focus = follow(focus, c)
    assert focus.call_id == "a"
    answer(c, "b", 13)  # the operator takes it: their act moves the card
    assert follow(focus, c).call_id == "b"


def test_a_chosen_chip_keeps_the_card_until_the_conversation_changes() -> None:
    c, focus = Calls(OPERATOR, AcwPolicy()), CardFocus()
    c.on_event(incoming("a", 0), at(0))
    answer(c, "a", 1)
    c.on_event(incoming("b", 2), at(2))
    answer(c, "b", 3)  # a held, b talking
    focus = follow(focus, c)
    focus = focus.choose("a", c.sessions.values())
    c.on_event(ev.DtmfReceived(call_id="b", digit="1", method="rfc4733", at=at(4).timestamp()), at(4))
    assert follow(focus, c).call_id == "a"  # nothing the operator did: the choice stays
    for command in c.resume("a"):
        if getattr(command, "held", False):
            c.on_event(state(command.call_id, CallState.HELD, 5), at(5))  # type: ignore[attr-defined]
    c.on_event(state("a", CallState.ACTIVE, 5), at(5))
    assert follow(focus, c).call_id == "a"
    with pytest.raises(Refused):
        focus.choose("nope", c.sessions.values())


def test_when_the_cards_call_is_gone_the_card_goes_to_the_call_still_being_worked_on() -> None:
    c, focus = Calls(OPERATOR, AcwPolicy()), CardFocus()
    c.on_event(incoming("a", 0), at(0))
    answer(c, "a", 1)
    c.on_event(incoming("b", 2), at(2))
    focus = follow(focus, c)
    c.on_event(ended("a", 3), at(3))  # a in ACW, b ringing
    focus = follow(focus, c)
    assert focus.call_id == "a"
    c.submit("a", code("sale"), at(5))
    focus = follow(focus, c)
    assert focus.call_id == "b"  # a is done: the ringing call is all there is
    c.on_event(ended("b", 6), at(6))  # missed
    assert follow(focus, c).call_id is None


def test_the_dialled_line_comes_from_the_pbx_header() -> None:
    call = ev.IncomingCall(
        call_id="a",
        account_id="main",
        number="+79131234567",
        display_name="",
        remote_uri="sip:+79131234567@pbx",
        sip_call_id="x",
        x_headers=(("X-Queue", "shop"), ("X-DNIS", "88005553535")),
    )
    c = Calls(OPERATOR, AcwPolicy())
    c.on_event(call, at(0))
    assert dialled_line(c.get("a")) == "88005553535"
    c.on_event(incoming("b", 1), at(1))
    assert dialled_line(c.get("b")) is None
