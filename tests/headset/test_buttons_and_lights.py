"""Presses read from input reports, and the lights (output reports) the calls' real state asks for."""

from __future__ import annotations

from app.headset.buttons import ButtonReader, Press
from app.headset.descriptor import Button, Light, parse
from app.headset.lights import CallLights, Lights, lights_in, output_reports
from app.telephony import events as ev
from app.telephony.events import CallState
from tests.support.headset_descriptor import HEADSET_DESCRIPTOR, report

LAYOUT = parse(HEADSET_DESCRIPTOR)


def test_the_hook_switch_is_a_state_and_mute_a_one_shot_press() -> None:
    reader = ButtonReader(LAYOUT)
    assert reader.read(report(off_hook=True)) == [Press(Button.HOOK_SWITCH, off_hook=True)]
    assert reader.read(report(off_hook=True)) == []  # the same state again: no press
    assert reader.read(report(off_hook=True, mute=True)) == [Press(Button.MUTE)]
    assert reader.read(report(off_hook=True)) == []  # the mute button released
    assert reader.read(report(off_hook=True, mute=True)) == [Press(Button.MUTE)]  # pressed again
    assert reader.read(report(off_hook=False)) == [Press(Button.HOOK_SWITCH, off_hook=False)]
    assert reader.read(report(off_hook=False, flash=True, redial=True)) == [
        Press(Button.FLASH),
        Press(Button.REDIAL),
    ]


def test_reports_of_other_ids_are_not_read_as_call_buttons() -> None:
    reader = ButtonReader(LAYOUT)
    assert reader.read(bytes([0x01, 0xFF])) == []  # the volume keys' report
    assert reader.read(b"") == []


def test_a_momentary_absolute_mute_presses_once_and_a_latching_one_on_every_change() -> None:
    momentary = parse(bytes.fromhex("05 0b 09 05 a1 01 15 00 25 01 75 01 95 01 09 2f 81 02 95 07 81 03 c0"))
    latching = parse(bytes.fromhex("05 0b 09 05 a1 01 15 00 25 01 75 01 95 01 09 2f 81 22 95 07 81 03 c0"))
    pushes = [b"\x01", b"\x00", b"\x01", b"\x00"]  # a momentary button pressed twice
    reader = ButtonReader(momentary)
    assert sum(len(reader.read(r)) for r in pushes) == 2
    flips = [b"\x01", b"\x00"]  # a latching switch flipped twice
    reader = ButtonReader(latching)
    assert sum(len(reader.read(r)) for r in flips) == 2


def test_lights_follow_ringing_answered_muted_held_and_ended() -> None:
    calls = CallLights()
    assert calls.lights() == Lights()
    calls.observe(ev.IncomingCall("c1", "main", "100", "", "sip:100@x", "sip-1"))
    assert calls.lights() == Lights(ring=True)
    calls.observe(ev.CallStateChanged("c1", CallState.ACTIVE))
    assert calls.lights() == Lights(off_hook=True)
    calls.set_muted(True)
    assert calls.lights() == Lights(off_hook=True, mute=True)
    calls.observe(ev.IncomingCall("c2", "main", "200", "", "sip:200@x", "sip-2"))
    assert calls.lights() == Lights(off_hook=True, ring=True, mute=True)  # a second call rings
    calls.observe(ev.CallStateChanged("c1", CallState.HELD))
    calls.observe(ev.CallStateChanged("c2", CallState.ACTIVE))
    assert calls.lights() == Lights(off_hook=True, mute=True, hold=True)
    calls.observe(ev.CallEnded("c2", ev.EndCause.REMOTE_HANGUP, 200, "", 1.0, 2.0))
    calls.observe(ev.CallEnded("c1", ev.EndCause.LOCAL_HANGUP, 200, "", 1.0, 2.0))
    assert calls.lights() == Lights()  # mute went with the conversation, as the audio bridge's


def test_output_reports_carry_the_lights_in_the_descriptors_bits() -> None:
    [written] = output_reports(LAYOUT, Lights(off_hook=True, mute=True))
    assert written == bytes([0x02, 0b0101])
    assert lights_in(LAYOUT, written) == {
        Light.OFF_HOOK: True,
        Light.RING: False,
        Light.MUTE: True,
        Light.HOLD: False,
    }


def test_the_hook_state_follows_the_off_hook_light_the_host_writes() -> None:
    """A headset takes its hook state from the host's Off-Hook light: after a call the caller ended
    (light off) its next press reports off hook again, and one reopened mid-call (light on) reports
    on hook when pressed. Both must be presses."""
    reader = ButtonReader(LAYOUT)
    reader.read(report(off_hook=True))  # answered from the headset
    reader.acknowledge(off_hook=False)  # the caller hung up: the host turned Off-Hook off
    assert reader.read(report(off_hook=True)) == [Press(Button.HOOK_SWITCH, off_hook=True)]
    fresh = ButtonReader(LAYOUT)  # the headset plugged back in mid-call
    fresh.acknowledge(off_hook=True)
    assert fresh.read(report(off_hook=False)) == [Press(Button.HOOK_SWITCH, off_hook=False)]
