"""Journeys through a call as an operator makes them: the real composition root (``ui.main.Desktop`` on
the qasync loop, its real window), a live server, the desktop's real telephony service and a customer
on a second real ``ringdesk phone`` (a full PJSIP peer: sipp cannot answer the re-INVITEs of hold).

Everything is driven with key events sent to the window or to the widget that has the focus, and every
assertion reads what the screen shows: a button's checked state, the microphone-off bar, where the
focus is, the countdown's colour, the notice in the status line. Where the screen makes a claim about
the real world (the microphone is off) the telephony service is asked too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.session.acw import AcwMode, AcwPolicy
from app.session.phase import Phase
from app.status.choice import Choice
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.wire.statuses import OperatorStatus
from tests.e2e.conftest import direct_desktop, until
from tests.server.live import LiveServer
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.actions import ActionId
from ui.main import Desktop

CUSTOMER = "+79131234567"  # Иванов Иван Петрович in the demo seed; his queue "shop" has a script


@dataclass
class Journey:
    desktop: Desktop
    customer: Phone
    operator_uri: str
    stats: list[ev.AudioStats]

    @property
    def window(self):  # type: ignore[no-untyped-def]
        assert self.desktop.window is not None
        return self.desktop.window

    @property
    def ws(self):  # type: ignore[no-untyped-def]
        assert self.desktop.workstation is not None
        return self.desktop.workstation

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        """A key press where the operator's keyboard goes: the focused widget, else the window."""
        target = QApplication.focusWidget() or self.window
        QTest.keyClick(target, key, modifier)

    async def ring(self) -> None:
        """The customer calls the operator's queue; the ringing panel shows him."""
        self.customer.send(cmd.MakeCall(target=self.operator_uri, headers=(("X-Queue", "shop"),)))
        await until(self.window.ringing.isVisible)

    async def talking(self) -> None:
        await until(lambda: any(s.phase is Phase.TALKING for s in self.ws.calls.values()))

    async def phone_muted(self) -> bool:
        """Whether the telephony service really sends silence instead of the microphone."""
        before = len(self.stats)
        assert self.desktop.telephony is not None
        await self.desktop.telephony.send(cmd.QueryStats())
        await until(lambda: len(self.stats) > before)
        return self.stats[-1].muted


@asynccontextmanager
async def journey(
    server: LiveServer, tmp_path: Path, start_phone: object, acw: AcwPolicy
) -> AsyncIterator[Journey]:
    phone_port = free_port("udp")
    desktop = direct_desktop(
        server.base_url, "operator1", tmp_path / "desk.db", phone_port=phone_port, acw=acw
    )
    try:
        assert await desktop.start()
        assert desktop.telephony is not None and desktop.workstation is not None
        stats: list[ev.AudioStats] = []
        forward = desktop.telephony.on_event

        def on_event(event: ev.Event) -> None:
            if isinstance(event, ev.AudioStats):
                stats.append(event)
            forward(event)

        desktop.telephony.on_event = on_event
        customer = start_phone(  # type: ignore[operator]
            "--listen", f"127.0.0.1:{free_port()}", "--local-user", CUSTOMER, "--no-audio", name="customer"
        )
        desktop.workstation.set_status(Choice.ready())
        await until(lambda: desktop.workstation is not None and desktop.workstation.status.routable)
        window = desktop.window
        assert window is not None
        window.activateWindow()
        await until(lambda: QApplication.activeWindow() is window)
        yield Journey(desktop, customer, f"sip:operator@127.0.0.1:{phone_port}", stats)
    finally:
        await desktop.stop()


def focus_inside(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


def test_mute_and_hold_are_shown_from_the_core_and_agree_with_the_microphone(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    start_phone: object,
) -> None:
    async def steps() -> None:
        async with journey(server, tmp_path, start_phone, AcwPolicy(AcwMode.OPTIONAL)) as j:
            await j.ring()
            j.key(Qt.Key.Key_F5)
            await j.talking()
            controls = j.window.controls
            mute, hold = controls.buttons[ActionId.MUTE], controls.buttons[ActionId.HOLD]
            assert not mute.isChecked() and not controls.mute_bar.isVisible()

            j.key(Qt.Key.Key_F8)
            await until(lambda: j.ws.state().muted)
            await until(mute.isChecked)  # the button says what the core says
            assert controls.mute_bar.isVisible()
            assert "Microphone off" in controls.mute_bar.text()
            assert await j.phone_muted()

            j.key(Qt.Key.Key_F8)  # a second F8 unmutes (it toggled stale state before)
            await until(lambda: not j.ws.state().muted)
            await until(lambda: not mute.isChecked() and not controls.mute_bar.isVisible())
            assert not await j.phone_muted()

            # Muted, held, resumed: the microphone stays off and the screen keeps saying so.
            j.key(Qt.Key.Key_F8)
            await until(lambda: mute.isChecked() and controls.mute_bar.isVisible())
            j.key(Qt.Key.Key_F7)
            await until(lambda: any(s.phase is Phase.HELD for s in j.ws.calls.values()))
            await until(hold.isChecked)
            assert mute.isChecked() and controls.mute_bar.isVisible() and await j.phone_muted()
            j.key(Qt.Key.Key_F7)
            await j.talking()
            await until(lambda: not hold.isChecked())
            assert mute.isChecked() and controls.mute_bar.isVisible() and await j.phone_muted()
            j.key(Qt.Key.Key_F8)
            await until(lambda: not mute.isChecked() and not controls.mute_bar.isVisible())
            assert not j.ws.state().muted and not await j.phone_muted()
            j.key(Qt.Key.Key_F6)
            await until(j.window.disposition.isVisible)

    loop.run_until_complete(steps())


def test_a_call_is_done_from_the_keyboard_alone(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    start_phone: object,
) -> None:
    async def steps() -> None:
        async with journey(server, tmp_path, start_phone, AcwPolicy(AcwMode.MANDATORY)) as j:
            w = j.window
            await j.ring()
            assert "F5" in w.ringing.answer_button.text()  # the hotkey is printed on the button
            assert "Shift+F5" in w.ringing.reject_button.text()
            j.key(Qt.Key.Key_F5)
            scripts = j.desktop.scripts
            assert scripts is not None
            await until(lambda: scripts.panel is not None and scripts.panel.isVisible())
            panel = scripts.panel
            assert panel is not None
            for action_id, key in ((ActionId.HANG_UP, "F6"), (ActionId.HOLD, "F7"), (ActionId.MUTE, "F8")):
                assert key in w.controls.buttons[action_id].text()
            # Answering put the keyboard in the script: Enter, digits and Enter walk it.
            await until(lambda: focus_inside(panel))
            j.key(Qt.Key.Key_Return)  # the greeting has no input
            await until(lambda: bool(panel.inputs))
            assert focus_inside(panel.inputs[0])
            j.key(Qt.Key.Key_1)  # 1. yes, speaks Russian
            j.key(Qt.Key.Key_Return)
            await until(lambda: "speaks_russian" in panel.runner.answers())
            j.key(Qt.Key.Key_2)  # 2. an existing order
            j.key(Qt.Key.Key_Return)
            await until(lambda: panel.runner.answers().get("request_nature") == "existing_order")
            assert focus_inside(panel.inputs[0])
            QTest.keyClicks(QApplication.focusWidget(), "A-123456")
            j.key(Qt.Key.Key_Return)
            await until(lambda: panel.runner.finished)

            # Transfer opens a pop-up; Esc closes it and gives the keyboard back to the script.
            j.key(Qt.Key.Key_F9)
            await until(w.controls.transfer_box.isVisible)
            assert focus_inside(w.controls.transfer_target)
            j.key(Qt.Key.Key_Escape)
            await until(lambda: not w.controls.transfer_box.isVisible())

            j.key(Qt.Key.Key_F6)  # hang up
            await until(w.disposition.isVisible)
            assert focus_inside(w.disposition.codes)
            chosen = w.disposition.chosen()
            assert chosen is not None and chosen.code == "order_status"  # the script's suggestion
            # The list at a glance: whose call, the queue's codes first, keys and categories in words,
            # nothing an answered incoming call cannot be, nothing red.
            form = w.disposition
            await until(lambda: form.caller.text() == f"Иванов Иван Петрович  {CUSTOMER}")
            rows = [form.codes.item(row).text() for row in range(form.codes.count())]
            assert rows[:4] == [
                "7   New order  ·  success",
                "8   Existing order  ·  other",
                "9   Not a purchase  ·  not a target",
                "4   Foreign language  ·  not a target",
            ]
            assert "1   Sale  ·  success" in rows
            assert not [r for r in rows if "not reached" in r]  # no "No answer" for a call answered
            assert form.problem.text() == ""
            j.key(Qt.Key.Key_Return)
            await until(lambda: not w.disposition.isVisible())
            assert not j.ws.calls

    loop.run_until_complete(steps())


def test_a_waiting_call_is_answered_with_its_key(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    start_phone: object,
) -> None:
    async def steps() -> None:
        async with journey(server, tmp_path, start_phone, AcwPolicy(AcwMode.OPTIONAL)) as j:
            w = j.window
            await j.ring()
            j.key(Qt.Key.Key_F5)
            await j.talking()
            second = start_phone(  # type: ignore[operator]
                "--listen",
                f"127.0.0.1:{free_port()}",
                "--local-user",
                "+79990001122",
                "--no-audio",
                name="second",
            )
            second.send(cmd.MakeCall(target=j.operator_uri))
            await until(w.controls.take_waiting.isVisible)
            assert "Ctrl+F5" in w.controls.take_waiting.text()
            j.key(Qt.Key.Key_F5, Qt.KeyboardModifier.ControlModifier)
            await until(
                lambda: sorted(s.phase for s in j.ws.calls.values()) == sorted([Phase.HELD, Phase.TALKING])
            )
            await until(lambda: w.controls.party.text().endswith("+79990001122"))
            # Swap: back to the first customer, the second one waits on hold.
            j.key(Qt.Key.Key_F7, Qt.KeyboardModifier.ControlModifier)
            await until(lambda: CUSTOMER in w.controls.party.text())
            await until(
                lambda: [s.number for s in j.ws.calls.values() if s.phase is Phase.HELD] == ["+79990001122"]
            )
            assert [s.number for s in j.ws.calls.values() if s.phase is Phase.TALKING] == [CUSTOMER]
            assert not w.controls.buttons[ActionId.HOLD].isChecked()

    loop.run_until_complete(steps())


def test_time_boxed_after_call_work_counts_down_in_amber_and_says_what_it_stamped(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
    start_phone: object,
) -> None:
    async def steps() -> None:
        acw = AcwPolicy(AcwMode.TIME_BOXED, timeout_s=10)
        async with journey(server, tmp_path, start_phone, acw) as j:
            w = j.window
            await j.ring()
            QTest.mouseClick(w.ringing.answer_button, Qt.MouseButton.LeftButton)  # answered with the mouse
            await j.talking()
            scripts = j.desktop.scripts
            assert scripts is not None
            await until(lambda: scripts.panel is not None and focus_inside(scripts.panel))  # a click too
            j.key(Qt.Key.Key_F6)
            await until(w.disposition.isVisible)
            form = w.disposition
            await until(lambda: form.caller.text() == f"Иванов Иван Петрович  {CUSTOMER}")  # whose call
            timer = form.timer
            assert timer.text() in ("0:10", "0:09")  # a countdown
            assert timer.property("role") in (None, "")
            from ui.theme import control_colours

            colours = control_colours()
            await until(lambda: timer.property("role") == "warning", timeout=10)  # the last fifth
            amber = timer.palette().color(QPalette.ColorRole.Window).name()
            assert amber == colours.warning_background
            assert timer.palette().color(QPalette.ColorRole.WindowText).name() == colours.warning_text
            await until(lambda: not form.isVisible(), timeout=10)
            message = j.desktop.desk.status_line.currentMessage() if j.desktop.desk else ""
            assert "Time's up" in message and "After-call work timed out" in message, message
            assert "Ready" in message
            await until(lambda: j.ws.status.status is OperatorStatus.READY)

    loop.run_until_complete(steps())


pytestmark = pytest.mark.timeout(120)
