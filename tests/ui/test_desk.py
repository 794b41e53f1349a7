"""The presenter on the real window and the real workstation: what the operator sees as a call rings,
is answered, ends and is dispositioned, and what goes out to the phone and the outbox.

The phone and the outbox are the recording ports of ``tests/core/helpers`` (the real telephony process
and the real outbox are exercised in ``tests/engine`` and ``tests/sync``; the end-to-end test joins them).
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from shiboken6 import Shiboken

from app.scripts.loader import load
from app.session import AcwPolicy
from app.status import Choice
from app.telephony import commands as cmd
from app.telephony.events import CallState
from app.wire.contacts import ContactIn, ContactOut, FieldSchema, HistoryItem
from app.wire.crm import CrmContactOut
from app.wire.dispositions import Catalogue
from app.wire.scripts import ScriptDocument
from app.wire.statuses import OperatorStatus
from app.workstation import Workstation, WorkstationConfig
from tests.core.helpers import (
    CATALOGUE,
    OPERATOR,
    FakeContacts,
    FakeOutbox,
    FakePhone,
    at,
    code,
    contact,
    ended,
    incoming,
    state,
)
from tests.core.helpers import clock as manual_clock
from tests.ui.conftest import EVIL
from ui.card.call_card import ContactEdit
from ui.desk import Desk
from ui.desk_ports import EditConflict
from ui.main_window import MainWindow
from ui.script_host import ScriptHost
from ui.script_panel.panel import ScriptPanel


class Services:
    """The server side as the presenter sees it, answering from memory."""

    def __init__(self, catalogue: Catalogue = CATALOGUE) -> None:
        self._catalogue = catalogue
        self.saved: list[ContactEdit] = []
        self.conflict: ContactOut | None = None

    def catalogue(self) -> Catalogue:
        return self._catalogue

    def field_schema(self) -> list[FieldSchema]:
        return []

    async def history(self, contact_id: int) -> list[HistoryItem]:
        return []

    async def save_contact(self, edit: ContactEdit) -> ContactOut:
        self.saved.append(edit)
        if self.conflict is not None:
            raise EditConflict(self.conflict)
        raise AssertionError("not expected")

    async def create_contact(self, contact_in: ContactIn) -> ContactOut:
        return ContactOut(**contact_in.model_dump(), id=7, version=1, updated_at=at(0))


class Harness:
    def __init__(
        self, loop: asyncio.AbstractEventLoop, name: str = "Иванов Иван", catalogue: Catalogue = CATALOGUE
    ) -> None:
        self.loop = loop
        self.clock = manual_clock()
        self.phone = FakePhone()
        self.outbox = FakeOutbox()
        known = contact(42, "+79123456789").model_copy(update={"name": name, "time_zone": "Asia/Novosibirsk"})
        self.contacts = FakeContacts({"+79123456789": known})
        self.ws = Workstation(
            WorkstationConfig(OPERATOR, acw=AcwPolicy()),
            phone=self.phone,
            outbox=self.outbox,
            catalogue=catalogue,
            contacts=self.contacts,
            clock=self.clock,
            registered=True,
        )
        self.window = MainWindow(clock=self.clock)
        self.services = Services(catalogue)
        self.desk = Desk(self.window, self.ws, self.services)

    def event(self, e: object) -> None:
        """Deliver a phone event from inside the running loop, as the telephony service does."""

        async def deliver() -> None:
            self.ws.on_phone_event(e)  # type: ignore[arg-type]

        self.loop.run_until_complete(deliver())
        self.settle()

    def settle(self) -> None:
        self.loop.run_until_complete(asyncio.sleep(0.05))

    def at(self, seconds: float) -> None:
        self.clock.now = at(seconds)


def test_ring_answer_hang_up_disposition(loop: asyncio.AbstractEventLoop) -> None:
    h = Harness(loop)
    h.ws.start_shift()
    h.ws.set_status(Choice.ready())
    assert h.window.status.status.text() == "Ready"

    h.at(10)
    h.event(incoming("c1", 10, queue="sales"))
    h.settle()
    assert h.window.ringing.isVisible() or not h.window.isVisible()
    assert "Иванов Иван" in h.window.ringing.name.text()
    assert h.window.card.isVisible() or not h.window.isVisible()
    assert h.window.card.contact_page.name.text() == "Иванов Иван"

    h.window.ringing.answer_requested.emit()
    h.settle()
    assert h.phone.take() == [cmd.Answer(call_id="c1")]
    h.at(13)
    h.event(state("c1", CallState.ACTIVE, 13))
    h.settle()
    assert h.window.controls.party.text().startswith("Иванов Иван")
    assert h.window.status.status.text() == "On call"

    h.at(70)
    h.event(ended("c1", 70))
    h.settle()
    assert h.window.disposition.isVisibleTo(h.window)
    assert h.window.status.status.text() == "After-call work"
    codes = [h.window.disposition.codes.item(i).text() for i in range(h.window.disposition.codes.count())]
    assert any("sale" in c for c in codes)
    assert not any("acw_timeout" in c for c in codes)  # system codes are stamped, never offered

    h.at(80)
    h.window.disposition.codes.setCurrentRow(next(i for i, c in enumerate(codes) if "sale" in c))
    h.window.disposition.submit.click()
    h.settle()
    [disposition] = h.outbox.dispositions
    assert disposition.call_id and disposition.answer_at == at(13) and disposition.end_at == at(70)
    assert not h.window.disposition.isVisibleTo(h.window)
    assert h.ws.status.status is OperatorStatus.READY
    assert h.desk.status_line.currentMessage() == "Call result saved"
    [recent] = h.desk.recent  # the dial pad offers the caller back
    assert (recent.number, recent.name, recent.outgoing) == ("+79123456789", "Иванов Иван", False)


def test_caller_name_with_markup_is_shown_literally(loop: asyncio.AbstractEventLoop) -> None:
    h = Harness(loop, name=EVIL)
    h.ws.start_shift()
    h.event(incoming("c1", 10))
    h.settle()
    assert h.window.ringing.name.text() == EVIL
    assert h.window.ringing.name.textFormat() == Qt.TextFormat.PlainText


def test_a_refused_intent_is_shown_not_lost(loop: asyncio.AbstractEventLoop) -> None:
    h = Harness(loop)
    h.ws.start_shift()
    h.window.controls.hang_up_requested.emit()  # no call: the core refuses
    h.settle()
    assert "no call" in h.desk.status_line.currentMessage()
    assert h.phone.take() == []


def test_status_during_a_call_becomes_the_next_status(loop: asyncio.AbstractEventLoop) -> None:
    from ui.status_menu import StatusChoice

    h = Harness(loop)
    h.ws.start_shift()
    h.ws.set_status(Choice.ready())
    h.event(incoming("c1", 10))
    h.settle()
    h.window.ringing.answer_requested.emit()
    h.settle()
    h.event(state("c1", CallState.ACTIVE, 12))
    h.settle()
    lunch = next(r.code for r in CATALOGUE.reasons if r.code == "lunch")
    h.window.status.next_status_requested.emit(StatusChoice(OperatorStatus.NOT_READY, lunch))
    h.settle()
    assert h.ws.status.next == Choice.not_ready(lunch)
    assert h.window.status.next.text() == "Next: lunch"


def test_unknown_caller_gets_the_new_contact_form_and_creating_attaches_it(
    loop: asyncio.AbstractEventLoop,
) -> None:
    h = Harness(loop)
    h.ws.start_shift()
    h.event(incoming("c9", 10, number="+79990001122"))
    h.settle()
    assert h.window.card.stack.currentWidget() is h.window.card.new_contact
    h.window.card.create_requested.emit(ContactIn(name="Новый клиент", phones=["+79990001122"]))
    h.settle()
    assert h.ws.calls["c9"].contact_id == 7
    assert h.window.card.contact_page.name.text() == "Новый клиент"


def test_a_caller_only_the_crm_knows_is_shown_from_it_as_plain_text_and_can_be_created(
    loop: asyncio.AbstractEventLoop,
) -> None:
    h = Harness(loop)
    crm = CrmContactOut(
        source="bitrix24",
        external_id="31",
        name=EVIL,
        phones=["89125550131"],
        email="a@example.ru",
        company="<b>ООО Ромашка</b>",
    )
    h.contacts.known["+79125550131"] = crm
    h.ws.start_shift()
    h.event(incoming("c9", 10, number="+79125550131"))
    h.settle()
    card = h.window.card
    form = card.new_contact
    assert card.stack.currentWidget() is form
    assert form.crm_box.isVisibleTo(card) and form.crm_source.text() == "From Bitrix24: not in ringdesk yet"
    assert form.crm_details.text() == (
        f"{EVIL}\nCompany: <b>ООО Ромашка</b>\nE-mail: a@example.ru\nPhones: 89125550131"
    )
    assert form.crm_details.textFormat() == Qt.TextFormat.PlainText
    assert card.whose.text() == f"Ringing: {EVIL}"  # the header names the caller from the CRM
    assert form.name.text() == EVIL  # Ctrl+S makes the contact in ringdesk from the CRM's data
    assert h.ws.calls["c9"].contact_id is None

    h.event(incoming("c10", 20, number="+79990001122"))  # a caller nobody knows: no CRM box
    h.window.card.chip_chosen.emit("c10")
    h.settle()
    assert (
        card.stack.currentWidget() is form and not form.crm_box.isVisibleTo(card) and form.name.text() == ""
    )


def pick(panel: ScriptPanel, digit: str) -> None:
    """Press a digit in the step's first choice, as the operator does."""
    QTest.keyClicks(panel.inputs[0].box, digit)


class SampleScripts:
    """Serves a shipped sample script the way the server would choose it."""

    def __init__(self) -> None:
        self.asked: list[tuple[str | None, str | None]] = []

    async def script_for(self, queue: str | None, segment: str | None) -> ScriptDocument | None:
        self.asked.append((queue, segment))
        path = Path(__file__).parents[2] / "resources" / "scripts" / "request-nature.en.yaml"
        body, _lines = load(path.read_text(encoding="utf-8"))
        return ScriptDocument(id=body["id"], version=body["version"], name=body["title"], body=body)


class OneScript:
    """Serves one script given as data."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    async def script_for(self, queue: str | None, segment: str | None) -> ScriptDocument | None:
        return ScriptDocument(id=self.body["id"], version=1, name="T", body=self.body)


def test_the_documented_operator_and_call_fields_reach_the_script(loop: asyncio.AbstractEventLoop) -> None:
    text = "{{ operator.login }}|{{ operator.name }}|{{ operator.team }}|{{ call.id }}|{{ call.started_at }}"
    body = {"id": "t", "version": 1, "title": "T", "language": "en", "nodes": [
        {"id": "s", "kind": "say", "text": text, "next": "e"},
        {"id": "e", "kind": "end", "outcome": "e", "disposition": "sale"},
    ]}  # fmt: skip
    h = Harness(loop, name=EVIL)
    h.desk.scripts = ScriptHost(h.window, h.ws, OneScript(body), operator={"name": "Anna", "team": "Sales"})
    h.ws.start_shift()
    h.event(incoming("c1", 10, queue="sales"))
    h.window.ringing.answer_requested.emit()
    h.settle()
    h.event(state("c1", CallState.ACTIVE, 12))
    panel = h.desk.scripts.panel
    assert panel is not None
    started = h.ws.calls["c1"].ring_at.isoformat()
    assert panel.text.text() == f"{h.ws.config.operator}|Anna|Sales|c1|{started}"


def test_answered_call_opens_its_script_and_the_answers_reach_the_disposition(
    loop: asyncio.AbstractEventLoop,
) -> None:
    with_new_order = CATALOGUE.model_copy(
        update={"dispositions": [*CATALOGUE.dispositions, code("new_order")]}
    )
    h = Harness(loop, name=EVIL, catalogue=with_new_order)
    scripts = SampleScripts()
    h.desk.scripts = ScriptHost(h.window, h.ws, scripts, operator={"name": "Anna"})
    h.ws.start_shift()
    h.event(incoming("c1", 10, queue="sales"))
    h.window.ringing.answer_requested.emit()
    h.settle()
    h.event(state("c1", CallState.ACTIVE, 12))
    panel = h.desk.scripts.panel
    assert panel is not None and scripts.asked == [("sales", None)]
    assert f"{EVIL}, how can I help you?" in panel.text.text()  # the caller's name, literally
    assert "Anna speaking" in panel.text.text()
    panel.go_next()  # greeting -> language question
    pick(panel, "1")  # 1. Yes
    panel.go_next()
    pick(panel, "1")  # 1. Wants to place a new order
    panel.go_next()
    assert panel.title.text() == "New order"
    panel.go_next()  # -> the end: suggests new_order
    h.settle()
    session = h.ws.calls["c1"]
    assert session.script is not None and session.script.id == "request-nature-en"
    assert session.answers == {"speaks_language": True, "request_nature": "new_order"}
    h.event(ended("c1", 60))
    assert h.desk.scripts.panel is not None  # the script stays readable during ACW
    assert h.ws.calls["c1"].suggested_code == "new_order"
    assert h.window.disposition.chosen() is not None
    assert h.window.disposition.chosen().code == "new_order"  # preselected from the script
    h.window.disposition.submit.click()
    h.settle()
    [disposition] = h.outbox.dispositions
    assert disposition.code == "new_order"
    assert disposition.script is not None and disposition.script.id == "request-nature-en"
    assert disposition.answers == {"speaks_language": True, "request_nature": "new_order"}
    assert h.desk.scripts.panel is None


def test_each_call_s_script_panel_is_gone_once_the_call_is_done(loop: asyncio.AbstractEventLoop) -> None:
    """A shift answers hundreds of calls, each with its script (issue 15: memory over a shift): a done
    call's panel does not stay behind."""

    def panels() -> set[int]:
        return {id(w) for w in Shiboken.getAllValidWrappers() if isinstance(w, ScriptPanel)}

    earlier = panels()  # (other tests' windows, left open)
    h = Harness(loop)
    h.desk.scripts = ScriptHost(h.window, h.ws, SampleScripts(), operator={"name": "Anna"})
    h.ws.start_shift()
    for i in range(4):
        start = 100 * i
        h.event(incoming(f"c{i}", start + 10, queue="sales"))
        h.window.ringing.answer_requested.emit()
        h.settle()
        h.event(state(f"c{i}", CallState.ACTIVE, start + 12))
        assert h.desk.scripts.panel is not None
        h.event(ended(f"c{i}", start + 60))
        h.window.disposition.submit.click()
        h.settle()
        assert h.desk.scripts.panel is None
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert panels() - earlier == set()
