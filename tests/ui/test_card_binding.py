"""The card with several calls, on the real window and the real workstation: it says whose call it
shows, the other calls are chips, and an edit stays with the contact it was typed for whatever the
operator clicks (issue 13, defect 4). Also the card as a glance: the last three calls, an open
callback, the queue's name and the line dialled, the editable fields folded and reachable by key.

The phone and the outbox are the recording ports of ``tests/core/helpers``; the end-to-end version
with real callers is ``tests/e2e/test_two_calls.py``.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from app.session import AcwPolicy
from app.status import Choice
from app.telephony import events as ev
from app.telephony.events import CallState
from app.wire.contacts import ContactIn, ContactOut, FieldSchema, HistoryItem
from app.wire.dispositions import Catalogue
from app.workstation import Workstation, WorkstationConfig
from tests.core.helpers import CATALOGUE, OPERATOR, FakeContacts, FakeOutbox, FakePhone, at, ended, state
from tests.core.helpers import clock as manual_clock
from ui import sample_data
from ui.card.call_card import ContactEdit
from ui.desk import Desk
from ui.main_window import MainWindow

IVANOV = ContactOut(
    id=1, version=3, updated_at=at(0), name="Иванов Иван", phones=["+79131234567"], city="Омск"
)
PETROVA = ContactOut(
    id=2, version=5, updated_at=at(0), name="Петрова Анна", phones=["+74951234567"], city="Москва"
)


class Services:
    """The server side, answering saves when the test lets it."""

    def __init__(self) -> None:
        self.saved: list[ContactEdit] = []
        self.answers: asyncio.Queue[ContactOut] | None = None
        self.histories: dict[int, list[HistoryItem]] = {2: sample_data.history()}

    def catalogue(self) -> Catalogue:
        return Catalogue(dispositions=sample_data.CODES)

    def field_schema(self) -> list[FieldSchema]:
        return []

    async def history(self, contact_id: int) -> list[HistoryItem]:
        return self.histories.get(contact_id, [])

    async def save_contact(self, edit: ContactEdit) -> ContactOut:
        self.saved.append(edit)
        assert self.answers is not None
        return await self.answers.get()

    async def create_contact(self, contact_in: ContactIn) -> ContactOut:
        raise AssertionError("not expected")


class Desktop:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.clock = manual_clock()
        self.outbox = FakeOutbox()
        self.ws = Workstation(
            WorkstationConfig(OPERATOR, acw=AcwPolicy()),
            phone=FakePhone(),
            outbox=self.outbox,
            catalogue=CATALOGUE,
            contacts=FakeContacts({"+79131234567": IVANOV, "+74951234567": PETROVA}),
            clock=self.clock,
            registered=True,
        )
        self.window = MainWindow(clock=self.clock)
        self.services = Services()
        self.desk = Desk(self.window, self.ws, self.services)  # type: ignore[arg-type]
        self.window.show()
        self.ws.start_shift()
        self.ws.set_status(Choice.ready())

    def run(self, coroutine: object) -> None:
        async def inside() -> None:
            await coroutine  # type: ignore[misc]
            await asyncio.sleep(0.05)

        self.loop.run_until_complete(inside())

    def event(self, e: ev.Event) -> None:
        async def deliver() -> None:
            self.ws.on_phone_event(e)

        self.run(deliver())

    def ring(self, call_id: str, number: str, t: float, *, queue: str = "", dnis: str = "") -> None:
        headers = tuple((k, v) for k, v in (("X-Queue", queue), ("X-DNIS", dnis)) if v)
        self.event(
            ev.IncomingCall(
                call_id, "main", number, "", f"sip:{number}@pbx", f"sip-{call_id}", x_headers=headers
            )
        )

    def answer(self, call_id: str, t: float) -> None:
        self.run(self.ws.answer(call_id))
        for other in self.ws.calls.values():
            if other.call_id != call_id and other.pending == "hold":
                self.event(state(other.call_id, CallState.HELD, t))
        self.event(state(call_id, CallState.ACTIVE, t))

    @property
    def page(self):  # type: ignore[no-untyped-def]
        return self.window.card.contact_page


def city(d: Desktop) -> QLineEdit:
    line = d.page.editor_widget("city")
    assert isinstance(line, QLineEdit)
    return line


def test_a_chip_shows_another_call_and_an_unsaved_edit_stays_with_its_contact(
    loop: asyncio.AbstractEventLoop,
) -> None:
    d = Desktop(loop)
    d.ring("a", "+79131234567", 0, queue="shop")
    d.answer("a", 1)
    d.ring("b", "+74951234567", 5, queue="lens")
    assert d.page.name.text() == "Иванов Иван"
    assert d.window.card.whose.text() == "On the line: Иванов Иван"
    assert d.window.card.chip_texts() == ["Ringing: +74951234567 · Contact lenses"]
    d.answer("b", 6)
    assert d.page.name.text() == "Петрова Анна"
    d.clock.now = at(60)
    assert d.window.card.chip_texts() == ["On hold: Иванов Иван · 1:00"]

    d.window.card.details.expand()
    city(d).setFocus()
    QTest.keyClick(city(d), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(city(d), "Tver")
    QTest.keyClick(d.window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # the held call's chip
    d.run(asyncio.sleep(0))
    assert d.page.name.text() == "Иванов Иван"
    assert d.window.card.whose.text() == "On hold: Иванов Иван"
    assert city(d).text() == "Омск"  # Петрова's edit did not follow the card
    assert d.window.card.chip_texts() == ["On the line: Петрова Анна · unsaved changes"]

    d.window.card.chips.buttons[0].click()  # back to the call on the line
    assert d.page.name.text() == "Петрова Анна"
    assert city(d).text() == "Tver" and d.window.card.details.expanded  # the edit came back, unsaved
    d.services.answers = asyncio.Queue()
    d.window.card.save()
    d.run(asyncio.sleep(0))
    [edit] = d.services.saved
    assert (edit.contact_id, edit.version, edit.patch.city) == (2, 5, "Tver")


def test_a_save_answered_after_the_card_moved_changes_nothing_on_the_contact_shown(
    loop: asyncio.AbstractEventLoop,
) -> None:
    d = Desktop(loop)
    d.ring("a", "+79131234567", 0)
    d.answer("a", 1)
    d.ring("b", "+74951234567", 5)
    d.answer("b", 6)
    d.services.answers = asyncio.Queue()
    d.window.card.details.expand()
    city(d).setText("Tver")
    city(d).textEdited.emit("Tver")
    d.window.card.save()
    d.run(asyncio.sleep(0))
    d.window.card.chips.buttons[0].click()  # to Иванов before the server answers
    d.services.answers.put_nowait(PETROVA.model_copy(update={"version": 6, "city": "Tver"}))
    d.run(asyncio.sleep(0.05))
    assert d.page.name.text() == "Иванов Иван" and d.page.saved_version() == 3
    assert city(d).text() == "Омск" and not d.page.changes()
    d.window.card.chips.buttons[0].click()
    assert d.page.saved_version() == 6 and city(d).text() == "Tver" and not d.page.changes()


def test_a_ring_during_after_call_work_is_a_chip_and_the_card_stays(loop: asyncio.AbstractEventLoop) -> None:
    d = Desktop(loop)
    d.ring("a", "+79131234567", 0)
    d.answer("a", 1)
    d.event(ended("a", 30))
    d.ring("b", "+74951234567", 31, queue="lens")
    assert d.page.name.text() == "Иванов Иван"
    assert d.window.card.whose.text() == "After-call work: Иванов Иван"
    assert d.window.card.chip_texts() == ["Ringing: +74951234567 · Contact lenses"]
    QTest.keyClick(d.window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # a look at who rings
    assert d.window.card.whose.text() == "Ringing: Петрова Анна" and d.page.name.text() == "Петрова Анна"
    QTest.keyClick(d.window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # Alt+1 is still a result
    chosen = d.window.disposition.chosen()
    assert chosen is not None and chosen.code == "sale"
    d.window.card.chips.buttons[0].click()
    assert d.window.card.whose.text() == "After-call work: Иванов Иван"


def test_the_card_at_a_glance(loop: asyncio.AbstractEventLoop) -> None:
    callback = at(0) + timedelta(days=1, hours=6)
    older = sample_data.history()
    latest = older[0].model_copy(
        update={"disposition": older[0].disposition.model_copy(update={"callback_at": callback})}  # type: ignore[union-attr]
    )
    d = Desktop(loop)
    d.services.histories[2] = [latest, *older[1:], *older, *older]
    d.ring("b", "+74951234567", 0, queue="lens", dnis="88005553535")
    card, page = d.window.card, d.page
    assert card.whose.text() == "Ringing: Петрова Анна"
    assert card.why.text() == "Queue: Contact lenses · Line dialled: 88005553535"
    assert page.history.topLevelItemCount() == 3  # the last three calls
    assert page.history.topLevelItem(0).text(3) == "Call back"
    assert page.callback.isVisible() and page.callback.text().startswith("Open callback: ")
    assert not card.details.expanded and not page.editor_widget("city").isVisible()
    card.details.header.setFocus()
    QTest.keyClick(card.details.header, Qt.Key.Key_Space)
    assert card.details.expanded and page.editor_widget("city").isVisible()
    QTest.keyClick(card.details.header, Qt.Key.Key_Space)
    assert not card.details.expanded


def test_with_two_calls_in_after_call_work_the_form_is_for_the_caller_on_the_card(
    loop: asyncio.AbstractEventLoop,
) -> None:
    d = Desktop(loop)
    d.ring("a", "+79131234567", 0)
    d.answer("a", 1)
    d.ring("b", "+74951234567", 5)
    d.answer("b", 6)  # Иванов held
    d.event(ended("b", 20))  # Петрова hangs up: her ACW waits while Иванов is still on hold
    d.event(ended("a", 25))  # then Иванов hangs up too
    form = d.window.disposition
    assert form.isVisible()
    assert d.window.card.whose.text() == "After-call work: Петрова Анна"
    assert d.window.card.chip_texts() == ["After-call work: Иванов Иван"]
    form.codes.setCurrentRow(0)
    form.submit.click()
    d.run(asyncio.sleep(0))
    [first] = d.outbox.dispositions
    assert first.call_id == "sip-b" and first.contact_id == PETROVA.id
    assert d.window.card.whose.text() == "After-call work: Иванов Иван"  # the one left, on card and form
    assert form.isVisible()
    form.codes.setCurrentRow(0)
    form.submit.click()
    d.run(asyncio.sleep(0))
    second = d.outbox.dispositions[1]
    assert second.call_id == "sip-a" and second.contact_id == IVANOV.id


def test_an_anonymous_call_is_not_looked_up_forever(loop: asyncio.AbstractEventLoop) -> None:
    d = Desktop(loop)
    d.ring("a", "", 0)
    card = d.window.card
    assert card.whose.text() == "Ringing: unknown caller"
    assert card.stack.currentWidget() is card.empty and card.empty.text() == "No client card for this call."


def test_the_header_and_chips_follow_a_language_switch(loop: asyncio.AbstractEventLoop) -> None:
    from ui.i18n import Language, set_language

    d = Desktop(loop)
    d.ring("a", "+79131234567", 0, queue="shop")
    d.answer("a", 1)
    d.ring("b", "+74951234567", 5, queue="lens")
    try:
        set_language(Language.RU)
        assert d.window.card.whose.text() == "На линии: Иванов Иван"
        assert d.window.card.why.text() == "Очередь: Интернет-магазин"
        assert d.window.card.chips.buttons[0].text() == "Звонит: +74951234567 · Контактные линзы"
    finally:
        set_language(Language.EN)


def test_edits_left_unsaved_when_their_call_is_done_are_reported(loop: asyncio.AbstractEventLoop) -> None:
    d = Desktop(loop)
    d.ring("a", "+79131234567", 0)
    d.answer("a", 1)
    d.window.card.details.expand()
    city(d).setText("Tver")
    city(d).textEdited.emit("Tver")
    d.event(ended("a", 10))
    d.window.disposition.codes.setCurrentRow(0)
    d.window.disposition.submit.click()  # the call is done with the edit still on the card
    d.run(asyncio.sleep(0))
    assert not d.ws.calls
    notice = d.window.card.notice
    assert notice.isVisible() and notice.text() == "The changes to Иванов Иван were not saved"
    d.ring("b", "+74951234567", 20)
    assert not notice.isVisible()  # the next call starts clean
