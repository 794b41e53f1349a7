"""The headset's buttons in the core: a press is the intent the keyboard or the screen would send for
the calls the desk has (answer, holding the call talked on; hang up; mute; hold or swap; redial)."""

from __future__ import annotations

import asyncio

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState, HeadsetButton
from app.workstation import HeadsetChanged, MuteChanged, Problem
from tests.core.helpers import ended, incoming, state
from tests.core.test_workstation import Desk, ring_and_answer, run


def press(d: Desk, button: HeadsetButton, off_hook: bool | None = None) -> list[cmd.Command]:
    """Press a headset button and return the commands the desk sent for it."""

    async def go() -> None:
        d.ws.on_phone_event(ev.HeadsetPressed(button=button, off_hook=off_hook, device="Test Headset"))
        for _ in range(20):  # let the intent's task run to its end (the fake phone answers at once)
            await asyncio.sleep(0)

    d.phone.take()
    run(go)
    return d.phone.take()


def test_hook_switch_answers_a_ringing_call_and_hangs_up_when_back_on_hook() -> None:
    d = Desk()
    d.event(incoming("c1", 10))
    assert press(d, HeadsetButton.HOOK_SWITCH, off_hook=True) == [cmd.Answer(call_id="c1")]
    d.event(state("c1", CallState.ACTIVE, 12))
    assert press(d, HeadsetButton.HOOK_SWITCH, off_hook=True) == []  # already off hook: nothing
    assert press(d, HeadsetButton.HOOK_SWITCH, off_hook=False) == [cmd.Hangup(call_id="c1")]


def test_a_press_while_a_second_call_rings_answers_it_holding_the_first() -> None:
    d = Desk()
    ring_and_answer(d, "c1", 10)
    d.event(incoming("c2", 20, number="+79990000000"))
    # the headset is off hook: its button reports going on hook, which must not hang up c1
    assert press(d, HeadsetButton.HOOK_SWITCH, off_hook=False) == [
        cmd.SetHold(call_id="c1", held=True),
        cmd.Answer(call_id="c2"),
    ]


def test_mute_toggles_the_microphone_in_a_conversation_only() -> None:
    d = Desk()
    d.event(incoming("c1", 10))
    assert press(d, HeadsetButton.MUTE) == []  # ringing: nothing to mute
    d.event(state("c1", CallState.ACTIVE, 12))
    assert press(d, HeadsetButton.MUTE) == [cmd.SetMute(muted=True)]
    assert d.of(MuteChanged)[-1] == MuteChanged(True)  # the screen's mute shows it
    assert press(d, HeadsetButton.MUTE) == [cmd.SetMute(muted=False)]


def test_flash_holds_resumes_swaps_and_takes_a_waiting_call() -> None:
    d = Desk()
    ring_and_answer(d, "c1", 10)
    assert press(d, HeadsetButton.FLASH) == [cmd.SetHold(call_id="c1", held=True)]
    d.event(state("c1", CallState.HELD, 14))
    assert press(d, HeadsetButton.FLASH) == [cmd.SetHold(call_id="c1", held=False)]
    d.event(state("c1", CallState.ACTIVE, 15))
    d.event(incoming("c2", 20, number="+79990000000"))
    assert press(d, HeadsetButton.FLASH) == [cmd.SetHold(call_id="c1", held=True), cmd.Answer(call_id="c2")]
    d.event(state("c1", CallState.HELD, 21))
    d.event(state("c2", CallState.ACTIVE, 21))
    assert press(d, HeadsetButton.FLASH) == [cmd.SetHold(call_id="c2", held=True), cmd.SetHold("c1", False)]


def test_redial_calls_the_last_number_dialled_when_no_call_is_up() -> None:
    d = Desk()
    assert press(d, HeadsetButton.REDIAL) == []  # nothing dialled yet
    run(lambda: d.ws.dial("+74951234567"))
    d.event(state("out1", CallState.CALLING, 5))
    assert press(d, HeadsetButton.REDIAL) == []  # a call is up
    d.event(ended("out1", 8))
    [dialled] = press(d, HeadsetButton.REDIAL)
    assert isinstance(dialled, cmd.MakeCall) and dialled.target == "+74951234567"


def test_a_refused_press_is_told_not_lost() -> None:
    d = Desk()
    d.event(incoming("c1", 10))
    d.phone.refuse.add("answer")
    press(d, HeadsetButton.HOOK_SWITCH, off_hook=True)
    assert any("answer" in p.message for p in d.of(Problem))


def test_the_headsets_plugged_in_reach_the_window_as_a_notice() -> None:
    d = Desk()
    devices = (ev.HidHeadset("Test Headset", True), ev.HidHeadset("Volume Only", False))
    d.event(ev.HeadsetsChanged(devices=devices, active="Test Headset"))
    d.event(ev.HeadsetsChanged(devices=devices[1:], active="", lost="Test Headset"))
    assert d.of(HeadsetChanged) == [
        HeadsetChanged(devices, "Test Headset"),
        HeadsetChanged(devices[1:], "", lost="Test Headset"),
    ]
    assert d.ws.headsets is not None and d.ws.headsets.lost == "Test Headset"
