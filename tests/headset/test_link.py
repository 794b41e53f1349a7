"""The service's headset thread (sip/headset.py) over the fake hidapi (tests/support/fake_hid.py, a fake
because this machine's kernel has no uhid): finding the headset, presses out as events, lights in from
the call events and mutes, unplug and plug back, two headsets, one without call buttons."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.headset.descriptor import Light
from app.telephony import events as ev
from sip.headset import HeadsetLink
from tests.support import fake_hid
from tests.support.fake_hid import FakeHeadset
from tests.support.headset_descriptor import HEADSET_DESCRIPTOR, VOLUME_ONLY_DESCRIPTOR, report

OFF = {Light.OFF_HOOK: False, Light.RING: False, Light.MUTE: False, Light.HOLD: False}


def wait_for(what: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not what():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


class Events:
    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
        self.seen: list[ev.Event] = []

    def emit(self, event: ev.Event) -> None:
        self.queue.put(event)

    def next(
        self, kind: type[ev.Event], where: Callable[[Any], bool] = lambda _: True, timeout: float = 10.0
    ) -> Any:
        """The next event of ``kind`` that ``where`` accepts (earlier ones are passed over)."""
        deadline = time.monotonic() + timeout
        while True:
            event = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            self.seen.append(event)
            if isinstance(event, kind) and where(event):
                return event


@pytest.fixture
def hid_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(fake_hid.DIR_ENV, str(tmp_path))
    return tmp_path


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def link(events: Events, hid_dir: Path) -> Iterator[HeadsetLink]:
    running = HeadsetLink(events.emit, fake_hid, scan_interval_s=0.1)  # type: ignore[arg-type]
    running.start()
    yield running
    running.stop()


def test_presses_become_events_and_lights_follow_the_calls_and_the_mute(
    link: HeadsetLink, events: Events, hid_dir: Path
) -> None:
    headset = FakeHeadset(hid_dir, HEADSET_DESCRIPTOR)
    headset.plug()
    try:
        changed = events.next(ev.HeadsetsChanged, lambda e: e.devices)
        assert changed == ev.HeadsetsChanged(
            devices=(ev.HidHeadset("Ringdesk Test Headset", True),),
            active="Ringdesk Test Headset",
            at=changed.at,
        )
        wait_for(lambda: headset.opened and headset.written != [])
        assert headset.lights() == OFF  # shown the calls as they are on opening

        link.observe(ev.IncomingCall("c1", "main", "100", "", "sip:100@x", "sip-1"))
        wait_for(lambda: headset.lights()[Light.RING])
        headset.send(report(off_hook=True))
        pressed = events.next(ev.HeadsetPressed)
        assert (pressed.button, pressed.off_hook) == (ev.HeadsetButton.HOOK_SWITCH, True)
        link.observe(ev.CallStateChanged("c1", ev.CallState.ACTIVE))
        wait_for(lambda: headset.lights() == {**OFF, Light.OFF_HOOK: True})

        headset.send(report(off_hook=True, mute=True))
        headset.send(report(off_hook=True))
        assert events.next(ev.HeadsetPressed).button is ev.HeadsetButton.MUTE
        link.set_muted(True)  # the desktop's core sent the mute (any mute: keyboard, screen)
        wait_for(lambda: headset.lights() == {**OFF, Light.OFF_HOOK: True, Light.MUTE: True})

        link.observe(ev.CallEnded("c1", ev.EndCause.REMOTE_HANGUP, 200, "", 1.0, 2.0))
        wait_for(lambda: headset.lights() == OFF)
    finally:
        headset.unplug()


def test_an_unplugged_headset_is_reported_lost_and_picked_up_again(
    link: HeadsetLink, events: Events, hid_dir: Path
) -> None:
    headset = FakeHeadset(hid_dir, HEADSET_DESCRIPTOR)
    headset.plug()
    events.next(ev.HeadsetsChanged, lambda e: e.active)
    link.observe(ev.IncomingCall("c1", "main", "100", "", "sip:100@x", "sip-1"))
    link.observe(ev.CallStateChanged("c1", ev.CallState.ACTIVE))
    wait_for(lambda: headset.lights()[Light.OFF_HOOK])

    headset.unplug()
    gone = events.next(ev.HeadsetsChanged, lambda e: e.lost)
    assert (gone.active, gone.lost, gone.devices) == ("", "Ringdesk Test Headset", ())

    again = FakeHeadset(hid_dir, HEADSET_DESCRIPTOR)
    again.plug()
    try:
        back = events.next(ev.HeadsetsChanged, lambda e: e.active)
        assert (back.active, back.lost) == ("Ringdesk Test Headset", "")
        wait_for(lambda: again.lights() == {**OFF, Light.OFF_HOOK: True})  # the call is still on
    finally:
        again.unplug()


def test_a_headset_without_call_buttons_is_listed_and_ignored(
    link: HeadsetLink, events: Events, hid_dir: Path
) -> None:
    volume = FakeHeadset(
        hid_dir, VOLUME_ONLY_DESCRIPTOR, product="Volume Only Headset", collections=((0x0C, 0x01),)
    )
    volume.plug()
    link.observe(ev.AudioDevicesChanged(devices=(), headset="Volume Only Headset: USB Audio", ringer=""))
    try:
        listed = events.next(ev.HeadsetsChanged, lambda e: e.devices)
        assert listed.devices == (ev.HidHeadset("Volume Only Headset", False),)
        assert listed.active == ""
        assert not volume.opened
    finally:
        volume.unplug()


def test_of_two_headsets_the_chosen_one_else_the_one_named_like_the_sound_device(
    link: HeadsetLink, events: Events, hid_dir: Path
) -> None:
    first = FakeHeadset(hid_dir, HEADSET_DESCRIPTOR, product="Alpha Headset", product_id=1)
    second = FakeHeadset(hid_dir, HEADSET_DESCRIPTOR, product="Beta Headset", product_id=2)
    link.observe(ev.AudioDevicesChanged(devices=(), headset="Beta Headset: USB Audio (hw:2,0)", ringer=""))
    first.plug()
    second.plug()
    try:
        wait_for(lambda: second.opened)
        assert not first.opened
        link.select("Alpha Headset", ref="pick")
        wait_for(lambda: any(isinstance(e, ev.CommandResult) and e.ref == "pick" for e in _all(events)))
        wait_for(lambda: first.opened and not second.opened)  # the other one is let go
        first.send(report(off_hook=True))
        pressed = events.next(ev.HeadsetPressed)
        assert pressed.device == "Alpha Headset"
    finally:
        first.unplug()
        second.unplug()


def _all(events: Events) -> list[ev.Event]:
    while True:
        try:
            events.seen.append(events.queue.get_nowait())
        except queue.Empty:
            return events.seen


def test_going_off_hook_with_nothing_to_answer_is_answered_with_the_lights_as_they_are(
    link: HeadsetLink, events: Events, hid_dir: Path
) -> None:
    """The headset waits for the Off-Hook light after its hook switch: when the press changed nothing,
    the service writes the lights again (off), so the headset goes back on hook instead of hanging."""
    headset = FakeHeadset(hid_dir, HEADSET_DESCRIPTOR)
    headset.plug()
    try:
        wait_for(lambda: headset.opened and len(headset.written) == 1)
        headset.send(report(off_hook=True))
        events.next(ev.HeadsetPressed)
        wait_for(lambda: len(headset.written) == 2, timeout=5)
        assert headset.lights() == OFF
        headset.send(report(off_hook=False))  # it went back on hook: not a press to act on
        headset.send(report(off_hook=True))  # and off hook again is a press again
        assert events.next(ev.HeadsetPressed).off_hook is True
    finally:
        headset.unplug()
