"""``ringdesk phone`` with a headset, over the fake hidapi transport (tests/support/fake_hid.py: a fake
because this machine's kernel has no uhid): the service reports the headset and its presses on its
channel, follows ``select_headset``, and ``--no-hid-headset`` leaves headsets alone."""

from __future__ import annotations

from pathlib import Path

from app.telephony import commands as cmd
from app.telephony import events as ev
from sip.headset import TEST_BACKEND_ENV
from tests.support import fake_hid
from tests.support.fake_hid import FakeHeadset
from tests.support.headset_descriptor import HEADSET_DESCRIPTOR, report
from tests.support.phone import Phone
from tests.support.ports import free_port

NAME = "Ringdesk Test Headset"


def _phone(tmp_path: Path, *extra: str) -> Phone:
    env = {TEST_BACKEND_ENV: "tests.support.fake_hid", fake_hid.DIR_ENV: str(tmp_path)}  # TEST ONLY
    args = ["--listen", f"127.0.0.1:{free_port('udp')}", "--no-audio", *extra]
    return Phone(args, env=env, log_dir=tmp_path, name="phone")


def test_the_service_reports_the_headset_its_presses_and_a_choice_of_another(tmp_path: Path) -> None:
    headset = FakeHeadset(tmp_path, HEADSET_DESCRIPTOR, product=NAME)
    headset.plug()
    phone = _phone(tmp_path)
    try:
        phone.wait_for(ev.HeadsetsChanged, lambda e: e.active == NAME)
        headset.send(report(off_hook=True))
        pressed = phone.wait_for(ev.HeadsetPressed)
        assert pressed.button is ev.HeadsetButton.HOOK_SWITCH
        assert (pressed.off_hook, pressed.device) == (True, NAME)
        mark = phone.mark()
        phone.send(cmd.SelectHeadset(name="Another Headset"))  # chosen in settings, not plugged in
        left = phone.wait_for(ev.HeadsetsChanged, after=mark)
        assert left.active == "" and left.devices == (ev.HidHeadset(NAME, True),)
    finally:
        phone.terminate()
        headset.unplug()


def test_without_hid_the_service_leaves_headsets_alone(tmp_path: Path) -> None:
    headset = FakeHeadset(tmp_path, HEADSET_DESCRIPTOR, product=NAME)
    headset.plug()
    phone = _phone(tmp_path, "--no-hid-headset")
    try:
        refused = phone.send(cmd.SelectHeadset(name=NAME), expect_ok=False)
        assert not refused.ok and "headset buttons are off" in refused.error
        assert not headset.opened and phone.all(ev.HeadsetsChanged) == []
    finally:
        phone.terminate()
        headset.unplug()
