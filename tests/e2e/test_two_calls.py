"""Two calls at once, end to end (issue 13, defect 4): the card is bound to one call and says whose.

Every part is real: the seeded server, the desktop's composition root (``ui.main.Desktop``) on the
qasync loop with its real window, the telephony service process, and two callers (real ``ringdesk
phone`` processes) whose numbers are demo contacts in the CRM (Иванов on +79131234567, Петрова on
+74951234567). Each caller waits for the desktop to hang up, so the test decides how long each call
lasts (and, unlike sipp, answers the re-INVITE that puts it on hold).

What the operator sees is read back from the widgets (the card's name, the line saying whose call it
is, the chips of the other calls), and an edit typed into the card and saved is checked on the server:
it must change the contact of the call the card says it belongs to, and no other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.session.acw import AcwMode, AcwPolicy
from app.session.phase import Phase
from app.status.choice import Choice
from app.telephony import commands as cmd
from app.telephony import events as ev
from tests.e2e.conftest import PASSWORD, direct_desktop, until
from tests.server.live import LiveServer
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.sync.conftest import MemoryKeyring
from ui.main import Desktop

IVANOV = ("+79131234567", "Иванов Иван Петрович")
PETROVA = ("+74951234567", "Петрова Анна Сергеевна")
LINE = "88005553535"


def _desktop(server: LiveServer, phone_port: int, tmp_path: Path) -> Desktop:
    return direct_desktop(
        server.base_url,
        "operator1",
        tmp_path / "desk.db",
        phone_port=phone_port,
        acw=AcwPolicy(AcwMode.MANDATORY),
    )


class Caller:
    """A customer's phone: a real ``ringdesk phone`` (pjsua2) that dials the operator with the identity
    and queue headers a PBX adds, answers a hold like any phone, and waits for the operator to hang up."""

    def __init__(self, tmp_path: Path, who: tuple[str, str], queue: str) -> None:
        self.number, self.queue = who[0], queue
        self.port = free_port("udp")
        self.phone = Phone(
            # no headset buttons: a customer's phone must not open the operator's headset (issue 17)
            [
                "--listen",
                f"127.0.0.1:{self.port}",
                "--local-user",
                "customer",
                "--no-audio",
                "--no-hid-headset",
            ],
            log_dir=tmp_path,
            name=f"caller-{self.number[1:]}",
        )
        self.call_id = ""

    async def dial(self, operator_port: int) -> None:
        headers = (
            ("P-Asserted-Identity", f"<sip:{self.number}@pbx.test>"),
            ("X-Queue", self.queue),
            ("X-DNIS", LINE),  # the number the customer dialled, as a PBX says it
        )
        command = cmd.MakeCall(target=f"sip:operator@127.0.0.1:{operator_port}", headers=headers)
        result = await asyncio.to_thread(self.phone.send, command)
        self.call_id = result.call_id

    def ended(self) -> bool:
        return bool(self.phone.all(ev.CallEnded, lambda e: e.call_id == self.call_id))

    def stop(self) -> None:
        self.phone.terminate()


@asynccontextmanager
async def _server_api(server: LiveServer) -> AsyncIterator[Callable[[str], object]]:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        login = await http.post("/auth/login", json={"name": "operator1", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        async def contact(number: str) -> dict[str, object]:
            response = await http.get("/contacts/lookup", params={"phone": number}, headers=headers)
            response.raise_for_status()
            data: dict[str, object] = response.json()
            return data

        yield contact


def _call_of(desktop: Desktop, number: str) -> str | None:
    assert desktop.workstation is not None
    return next((s.call_id for s in desktop.workstation.calls.values() if s.number == number), None)


def _phase(desktop: Desktop, number: str) -> Phase | None:
    assert desktop.workstation is not None
    return next((s.phase for s in desktop.workstation.calls.values() if s.number == number), None)


def _type_into(desktop: Desktop, path: str, text: str) -> None:
    """Replace the text of the card's field ``path`` with real key presses, then press Ctrl+S."""
    assert desktop.window is not None
    card = desktop.window.card
    card.details.expand()
    line = card.contact_page.editor_widget(path)
    line.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(line, text)
    QTest.keyClick(line, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def _run(loop: asyncio.AbstractEventLoop, desktop: Desktop, callers: list[Caller], steps: object) -> None:
    async def scenario() -> None:
        try:
            await steps  # type: ignore[misc]
        finally:
            await desktop.stop()

    try:
        loop.run_until_complete(scenario())
    finally:
        for caller in callers:
            caller.stop()


def test_answering_the_waiting_call_binds_the_card_and_its_edits_to_that_caller(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    phone_port = free_port("udp")
    desktop = _desktop(server, phone_port, tmp_path)
    first, second = Caller(tmp_path, IVANOV, "shop"), Caller(tmp_path, PETROVA, "lens")

    async def steps() -> None:
        assert await desktop.start()
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)

        await first.dial(phone_port)
        await until(lambda: window.card.contact_page.name.text() == IVANOV[1])
        window.ringing.answer_button.click()
        await until(lambda: _phase(desktop, IVANOV[0]) is Phase.TALKING)
        assert window.card.why.text() == f"Queue: Online shop · Line dialled: {LINE}"  # why they call

        await second.dial(phone_port)
        await until(lambda: _phase(desktop, PETROVA[0]) is Phase.RINGING)
        await until(lambda: window.controls.waiting.text().endswith(PETROVA[1]))  # looked up and offered
        assert window.card.contact_page.name.text() == IVANOV[1]  # a ringing call does not take the card
        window.controls.take_waiting.click()
        await until(lambda: _phase(desktop, PETROVA[0]) is Phase.TALKING)
        await until(lambda: _phase(desktop, IVANOV[0]) is Phase.HELD)

        # The card is now the caller the operator is talking to, and says so.
        await until(lambda: window.card.contact_page.name.text() == PETROVA[1])
        assert PETROVA[1] in window.card.whose.text()
        [held] = window.card.chip_texts()
        assert IVANOV[1] in held  # the held caller is a chip with the name

        async with _server_api(server) as contact:
            petrova_before, ivanov_before = await contact(PETROVA[0]), await contact(IVANOV[0])
            _type_into(desktop, "city", "Tver")
            await until(
                lambda: window.card.contact_page.saved_version() > int(str(petrova_before["version"]))
            )
            petrova, ivanov = await contact(PETROVA[0]), await contact(IVANOV[0])
        assert petrova["city"] == "Tver"
        assert ivanov["version"] == ivanov_before["version"] and ivanov["city"] == ivanov_before["city"]

        for number in (PETROVA[0], IVANOV[0]):
            call_id = _call_of(desktop, number)
            assert call_id is not None
            await ws.hangup(call_id)
        await until(lambda: first.ended() and second.ended(), timeout=20)

    _run(loop, desktop, [first, second], steps())


def test_a_call_ringing_during_after_call_work_leaves_the_card_with_the_call_being_wrapped_up(
    server: LiveServer,
    loop: asyncio.AbstractEventLoop,
    memory_keyring: MemoryKeyring,
    tmp_path: Path,
) -> None:
    phone_port = free_port("udp")
    desktop = _desktop(server, phone_port, tmp_path)
    first, second = Caller(tmp_path, IVANOV, "shop"), Caller(tmp_path, PETROVA, "lens")

    async def steps() -> None:
        assert await desktop.start()
        window, ws = desktop.window, desktop.workstation
        assert window is not None and ws is not None
        ws.set_status(Choice.ready())
        await until(lambda: ws.status.routable)

        await first.dial(phone_port)
        await until(lambda: window.card.contact_page.name.text() == IVANOV[1])
        window.ringing.answer_button.click()
        await until(lambda: _phase(desktop, IVANOV[0]) is Phase.TALKING)
        await ws.hangup(_call_of(desktop, IVANOV[0]))
        await until(lambda: _phase(desktop, IVANOV[0]) is Phase.ACW)
        await until(window.disposition.isVisible)

        await second.dial(phone_port)  # rings while the operator wraps up Иванов's call
        await until(lambda: window.ringing.name.text() == PETROVA[1])  # looked up and offered
        assert window.card.contact_page.name.text() == IVANOV[1]
        assert IVANOV[1] in window.card.whose.text()
        [ringing] = window.card.chip_texts()
        assert PETROVA[0] in ringing and "Contact lenses" in ringing  # the ringing call: number, queue

        async with _server_api(server) as contact:
            ivanov_before, petrova_before = await contact(IVANOV[0]), await contact(PETROVA[0])
            _type_into(desktop, "email", "ivanov.new@example.ru")
            await until(lambda: window.card.contact_page.saved_version() > int(str(ivanov_before["version"])))
            ivanov, petrova = await contact(IVANOV[0]), await contact(PETROVA[0])
        assert ivanov["email"] == "ivanov.new@example.ru"
        assert petrova["version"] == petrova_before["version"]

        window.ringing.answer_button.click()  # the operator takes the call: now the card follows
        await until(lambda: _phase(desktop, PETROVA[0]) is Phase.TALKING)
        await until(lambda: window.card.contact_page.name.text() == PETROVA[1])
        assert PETROVA[1] in window.card.whose.text()
        await ws.hangup(_call_of(desktop, PETROVA[0]))
        await until(lambda: first.ended() and second.ended(), timeout=20)

    _run(loop, desktop, [first, second], steps())
