"""Issue 17, end to end: a USB headset's call buttons answer, mute and hang up, and its lights follow
the call, through the real program: the desktop's composition root (``ui.main.Desktop``) on the qasync
loop with its real window, the real telephony service process (whose headset-hid thread reads the
device) and a sipp caller.

The headset is plugged in two ways, one scenario for both:

- ``uhid``: Linux's uhid makes a real virtual HID device with the test headset's report descriptor; the
  service finds it through hidapi (hidraw) like a USB headset; the test presses by ``UHID_INPUT2`` and
  reads the lights the service writes as ``UHID_OUTPUT`` events (tests/support/uhid.py). Skipped only
  where /dev/uhid does not exist (listed in tests/allowed_skips.txt: this kernel has no uhid).
- ``fake``: the same descriptor bytes behind a FAKE hidapi module (tests/support/fake_hid.py) that the
  service loads through the test-only ``RINGDESK_TEST_HID_BACKEND``, because uhid cannot run on the
  machine these tests were written on. Only the transport is fake; everything above it is the product.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest

from app.headset.descriptor import Light
from app.session.phase import Phase
from app.status.choice import Choice
from sip.headset import TEST_BACKEND_ENV
from tests.e2e.conftest import direct_desktop, until
from tests.e2e.test_two_calls import IVANOV, PETROVA, Caller
from tests.server.live import LiveServer
from tests.support import fake_hid, uhid
from tests.support.fake_hid import FakeHeadset
from tests.support.headset_descriptor import HEADSET_DESCRIPTOR, report
from tests.support.ports import free_port
from tests.support.sipp import Sipp, sipp_available
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId

pytestmark = pytest.mark.skipif(not sipp_available(), reason="sipp (Debian sip-tester) is not installed")

NAME = "Ringdesk Test Headset"
CALLER = "+79131234567"
CALLER_NAME = "Иванов Иван Петрович"  # the demo CRM's contact on that number


class Headset(Protocol):
    """What the scenario does with a headset, whichever way it is plugged in."""

    @property
    def opened(self) -> bool: ...
    def send(self, report: bytes) -> None: ...
    def lights(self) -> dict[Light, bool]: ...
    def plug(self) -> None: ...
    def unplug(self) -> None: ...


@pytest.fixture(params=["uhid", "fake"])
def headset(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Headset]:
    plugged: Headset
    if request.param == "uhid":
        if not uhid.available():
            pytest.skip("this kernel has no uhid (CONFIG_UHID): no /dev/uhid")
        plugged = uhid.UhidHeadset(HEADSET_DESCRIPTOR, name=NAME)
    else:
        monkeypatch.setenv(TEST_BACKEND_ENV, "tests.support.fake_hid")  # TEST ONLY: the fake transport
        monkeypatch.setenv(fake_hid.DIR_ENV, str(tmp_path))
        plugged = FakeHeadset(tmp_path, HEADSET_DESCRIPTOR, product=NAME)
    plugged.plug()
    try:
        yield plugged
    finally:
        plugged.unplug()


def lit(headset: Headset, *on: Light) -> bool:
    """Whether exactly the lights ``on`` are lit."""
    return headset.lights() == {light: light in on for light in Light}


def test_the_headsets_buttons_answer_mute_and_hang_up_and_its_lights_follow_the_call(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    headset: Headset,
) -> None:
    phone_port = free_port("udp")
    desktop = direct_desktop(
        server.base_url,
        "operator1",
        tmp_path / "desk.db",
        phone_port=phone_port,
        phone_log=tmp_path / "phone.log",
    )
    sipps: list[Sipp] = []

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    async def steps() -> None:
        assert await desktop.start()
        window, ws, desk = desktop.window, desktop.workstation, desktop.desk
        assert window is not None and ws is not None and desk is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)
        await until(lambda: headset.opened and desk.headset.isVisible())
        active = ws.headsets.active if ws.headsets else ""
        assert NAME in active  # through hidraw the name may carry the vendor's in front
        assert desk.headset.text() == f"Headset buttons: {active}"
        await until(lambda: lit(headset))  # shown the lights as they are: no call

        sipp = Sipp(
            "uac_wait_bye.xml",
            f"127.0.0.1:{phone_port}",
            service="operator",
            variables={"display": "Ivan", "caller": CALLER, "pai_number": CALLER, "queue": "shop"},
            recv_timeout=60.0,
            timeout=90.0,
        )
        sipps.append(sipp)
        sipp.start()
        await until(lambda: window.ringing.isVisible() and window.ringing.name.text() == CALLER_NAME)
        await until(lambda: lit(headset, Light.RING))

        headset.send(report(off_hook=True))  # the operator presses the call button: answer
        await until(lambda: any(s.phase is Phase.TALKING for s in ws.calls.values()))
        controls = window.controls
        await until(lambda: CALLER_NAME in controls.party.text())  # the desktop shows the call on the line
        await until(lambda: lit(headset, Light.OFF_HOOK))

        mute = controls.buttons[ActionId.MUTE]
        headset.send(report(off_hook=True, mute=True))  # mute on the headset...
        headset.send(report(off_hook=True))
        await until(lambda: mute.isChecked() and controls.mute_bar.isVisible())  # ...shown on screen
        await until(lambda: lit(headset, Light.OFF_HOOK, Light.MUTE))
        headset.send(report(off_hook=True, mute=True))  # and off again
        headset.send(report(off_hook=True))
        await until(lambda: not mute.isChecked())
        await until(lambda: lit(headset, Light.OFF_HOOK))

        mute.click()  # muted from the screen: the headset's mute light too
        await until(lambda: ws.state().muted)
        await until(lambda: lit(headset, Light.OFF_HOOK, Light.MUTE))

        headset.unplug()  # mid-call: the call stays, the screen says the headset is gone
        await until(lambda: desk.headset.gone)
        assert desk.headset.text().startswith(f"Headset {active} unplugged")
        assert any(s.phase is Phase.TALKING for s in ws.calls.values())
        headset.plug()  # back: picked up again and shown the call's lights
        await until(lambda: headset.opened and desk.headset.text() == f"Headset buttons: {active}")
        await until(lambda: lit(headset, Light.OFF_HOOK, Light.MUTE))

        headset.send(report(off_hook=False))  # the call button again: hang up
        await until(lambda: not any(s.phase.live for s in ws.calls.values()))
        await until(lambda: lit(headset))
        await until(lambda: not sipp.running, timeout=20)
        assert sipp.wait().ok  # the caller saw our BYE

    try:
        loop.run_until_complete(scenario())
    finally:
        for sipp in sipps:
            sipp.stop()


def test_a_headset_press_while_a_second_call_rings_answers_it_holding_the_first_and_flash_swaps(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    headset: Headset,
) -> None:
    """Two real callers (``ringdesk phone`` processes that answer a hold, unlike sipp): the headset,
    already off hook, reports going on hook when pressed for the second call; that answers it and
    holds the first (as the screen does), it must not hang up. Flash swaps; the lights say hold."""
    phone_port = free_port("udp")
    desktop = direct_desktop(
        server.base_url,
        "operator1",
        tmp_path / "desk.db",
        phone_port=phone_port,
        phone_log=tmp_path / "phone.log",
    )
    first, second = Caller(tmp_path, IVANOV, "shop"), Caller(tmp_path, PETROVA, "lens")

    def phase(number: str) -> Phase | None:
        ws = desktop.workstation
        assert ws is not None
        return next((s.phase for s in ws.calls.values() if s.number == number), None)

    async def steps() -> None:
        assert await desktop.start()
        ws = desktop.workstation
        assert ws is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable and headset.opened)

        await first.dial(phone_port)
        await until(lambda: phase(IVANOV[0]) is Phase.RINGING and lit(headset, Light.RING))
        headset.send(report(off_hook=True))
        await until(lambda: phase(IVANOV[0]) is Phase.TALKING and lit(headset, Light.OFF_HOOK))

        await second.dial(phone_port)
        await until(lambda: phase(PETROVA[0]) is Phase.RINGING and lit(headset, Light.OFF_HOOK, Light.RING))
        headset.send(report(off_hook=False))  # the button pressed on a headset that is off hook
        await until(lambda: phase(PETROVA[0]) is Phase.TALKING and phase(IVANOV[0]) is Phase.HELD)
        await until(lambda: lit(headset, Light.OFF_HOOK, Light.HOLD))
        assert not first.ended()

        headset.send(report(off_hook=True, flash=True))  # flash: back to the first caller
        headset.send(report(off_hook=True))
        await until(lambda: phase(IVANOV[0]) is Phase.TALKING and phase(PETROVA[0]) is Phase.HELD)

        headset.send(report(off_hook=False))  # hang up the one talked to
        await until(first.ended)
        await until(lambda: lit(headset, Light.OFF_HOOK, Light.HOLD))  # the second still held
        headset.send(report(off_hook=True, flash=True))  # flash takes the held call back
        headset.send(report(off_hook=True))
        await until(lambda: phase(PETROVA[0]) is Phase.TALKING and lit(headset, Light.OFF_HOOK))
        headset.send(report(off_hook=False))
        await until(second.ended)
        await until(lambda: lit(headset))

    async def scenario() -> None:
        try:
            await steps()
        finally:
            await desktop.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        first.stop()
        second.stop()
