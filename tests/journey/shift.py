"""The operator's shift as a person does it, shared by the English and the Russian journeys.

The journey: log in at the login dialog, go Ready (Ctrl+R), take five calls from customers' phones with
the script (F5, digits, Enter) and a result (a digit and Enter), mute (F8), hold and resume (F7), a
blind transfer (F9, number, Enter), a second call while in a call, a break from the status menu (F2,
arrows, Enter), end of shift (Ctrl+Shift+E) and quit (Ctrl+Q). Where a key does not do what a person
expects, the journey notes it and carries on as a person would (a click instead), so one defect does not
hide the others; each note is asserted by its own test.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from app.telephony import commands as cmd
from app.telephony import events as ev
from tests.journey.conftest import Customers, log_in
from tests.journey.desktop import RingdeskProcess, Shown
from tests.support.phone import Phone


@dataclass(frozen=True)
class Words:
    """What the screen says in the journey's language (statuses from the catalogue and the .ts)."""

    shift_start: str = "Shift start"
    ready: str = "Ready"
    offline: str = "Offline"
    break_: str = "Break"
    hold: str = "hold"
    microphone: str = "microphone"
    system_reasons: tuple[str, ...] = ("Shift start", "Phone offline")


RUSSIAN = Words(
    shift_start="Начало смены",
    ready="Готов",
    offline="Не в сети",
    break_="Перерыв",
    hold="удержании",
    microphone="микрофон",
    system_reasons=("Начало смены", "Телефон не в сети"),
)

# Customers in the demo's CRM (server/seed_content.py), all calling the shop's line
IVANOV = ("+79131234567", "Иванов Иван Петрович")
PETROVA = ("+74951234567", "Петрова Анна Сергеевна")
OPTIKA = ("+78122345678", "ООО «Оптика Север» — закупки")


@dataclass
class Shift:
    """What the journey saw: problems by topic ("" when it behaved), and figures for the checks."""

    notes: dict[str, str] = field(default_factory=dict)
    hold_s: float = 0.0
    calls: int = 0
    shots: Path = Path()
    wire: dict[str, object] = field(default_factory=dict)
    """The probe's ``wire`` answer at the end of the shift: which engine checked the wire models."""
    error: str = ""
    """The traceback, when the journey itself broke (asserted by a plain test, so a strict xfail that
    depends on the journey can never hide it)."""

    def note(self, topic: str, problem: str) -> None:
        if problem and topic not in self.notes:
            self.notes[topic] = problem
        self.notes.setdefault(topic, "")


class Operator:
    """The person at the desk: reads the screen, presses keys."""

    def __init__(self, desk: RingdeskProcess, shift: Shift, words: Words) -> None:
        self.words = words
        self.desk = desk
        self.screen = desk.screen
        self.shift = shift

    def status(self) -> str:
        return self.desk.shown().text("status.status")

    def until_status(self, text: str, timeout: float = 15) -> None:
        self.desk.until(lambda s: s.text("status.status") == text, timeout, f"status {text!r}")

    def ringing(self, name: str) -> None:
        self.desk.until(lambda s: s.text("ringing.name") == name, 20, f"{name} ringing")

    def script_step(self) -> str:
        return self.desk.shown().text("breadcrumb")

    def answer_and_walk_script(self, tag: str) -> None:
        """F5, then the script by keyboard: Enter past the greeting, 1 (speaks Russian), Enter,
        2 (existing order), Enter, the order number, Enter."""
        self.screen.key("F5")
        self.desk.until(lambda s: s.find("next_button") is not None, 15, "the script panel")
        self.screen.shot(f"{tag}-answered")
        first = self.script_step()
        self.screen.key("Return")
        moved = self._moved_from(first)
        self.shift.note(
            "enter_after_answer", "" if moved else "Enter after F5 left the script on its first step"
        )
        if not moved:
            self.desk.click("next_button")  # what a person does when Enter does nothing
            self.desk.until(lambda s: s.text("breadcrumb") != first, 10, "the script's second step")
        for keys in (["1"], ["2"], list("A-123456")):
            before = self.script_step()
            self.screen.type("".join(keys))
            self.screen.key("Return")
            if not self._moved_from(before):
                self.shift.note("script_keys", f"digits/Enter did not advance the script at {before!r}")
                self.desk.click("next_button")
                self.desk.until(lambda s, b=before: s.text("breadcrumb") != b, 10, "the next script step")
        self.desk.until(lambda s: bool(s.text("outcome")), 10, "the end of the script")
        self.screen.shot(f"{tag}-script-done")

    def _moved_from(self, step: str, timeout: float = 3) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.script_step() != step:
                return True
            time.sleep(0.05)
        return False

    def dispose(self, tag: str) -> None:
        """In after-call work: a result by its digit, Enter sends it; the form closes."""
        shown = self.desk.until(lambda s: s if s.find("disposition.codes") else None, 20, "the result form")
        self.check_fits(shown, "disposition.submit")
        self.screen.shot(f"{tag}-after-call-work")
        rows = shown["disposition.codes"].texts
        for digit in [row.split()[0] for row in rows if row[:1].isdigit()]:
            self.screen.key(digit, "Return")  # a result that needs a comment or a callback stays open
            try:
                self.desk.until(
                    lambda s: s.find("disposition.codes") is None, 3, "the form to close", shot=False
                )
            except AssertionError:
                continue
            self.shift.calls += 1
            return
        raise AssertionError(f"no result could be sent with its digit and Enter: {rows}")

    def check_fits(self, shown: Shown, *names: str) -> None:
        """Every named widget lies inside the screen's available area (issue 13, defect 13)."""
        x0, y0, w0, h0 = self.desk.probe.ask("screen")["available"]
        for name in names:
            widget = shown.find(name)
            if widget is None:
                continue
            x, y, w, h = widget.rect
            inside = x >= x0 and y >= y0 and x + w <= x0 + w0 and y + h <= y0 + h0
            self.shift.note(
                "fits", "" if inside else f"{name} at {widget.rect} is outside the screen {w0}x{h0}"
            )


def call(phone: Phone, target: str, who: tuple[str, str], queue: str = "shop") -> str:
    headers = (("P-Asserted-Identity", f"<sip:{who[0]}@pbx.demo>"), ("X-Queue", queue))
    return phone.send(cmd.MakeCall(target=target, headers=headers)).call_id


def hang_up(phone: Phone, call_id: str) -> None:
    if not phone.all(ev.CallEnded, lambda e: e.call_id == call_id):
        phone.send(cmd.Hangup(call_id=call_id), expect_ok=False)
        phone.wait_for(ev.CallEnded, lambda e: e.call_id == call_id, timeout=10)


def the_shift(  # noqa: PLR0917 - the journey's cast, in the order a reader meets them
    desk: RingdeskProcess,
    customers: Customers,
    operator_port: int,
    shift: Shift,
    user: str,
    words: Words = Words(),
) -> None:
    person = Operator(desk, shift, words)
    screen = desk.screen
    target = f"sip:operator@127.0.0.1:{operator_port}"
    log_in(desk, user)
    person.until_status(words.shift_start, 30)
    screen.shot("logged-in")

    screen.key("ctrl+r")
    person.until_status(words.ready)
    screen.shot("ready")
    caller = customers.phone(f"customer-{user}")
    colleague = customers.phone(f"colleague-{user}", "--auto-answer")

    # 1: a plain call, all by keyboard
    first = call(caller, target, IVANOV)
    person.ringing(IVANOV[1])
    screen.shot("call1-ringing")
    person.answer_and_walk_script("call1")
    person.check_fits(desk.shown(), "next_button", "back_button")
    hang_up(caller, first)
    person.dispose("call1")
    person.until_status(words.ready)

    # 2: mute and unmute with F8
    second = call(caller, target, PETROVA)
    person.ringing(PETROVA[1])
    person.answer_and_walk_script("call2")
    screen.key("F8")
    muted = desk.within(lambda s: (m := s.find("buttons[mute]")) is not None and m.checked, 3)
    bar = desk.within(lambda s: [t for t in s.texts() if words.microphone in t.lower()], 3)
    screen.shot("call2-muted")
    shift.note("mute_shown", "" if muted else "after F8 the Mute button is not shown on")
    shift.note("mute_bar", "" if bar else "after F8 no 'microphone off' bar is visible")
    screen.key("F8")
    unmuted = desk.within(lambda s: (m := s.find("buttons[mute]")) is not None and not m.checked, 3)
    shift.note("mute_shown", "" if unmuted else "after F8 twice Mute still shows on")
    hang_up(caller, second)
    person.dispose("call2")
    person.until_status(words.ready)

    # 3: hold and resume with F7; the customer waits on hold for two seconds
    third = call(caller, target, OPTIKA)
    person.ringing(OPTIKA[1])
    person.answer_and_walk_script("call3")
    screen.key("F7")
    desk.until(lambda s: words.hold in s.text("controls.state").lower(), 10, "'On hold' shown")
    screen.shot("call3-on-hold")
    time.sleep(2)  # the hold itself: its length is what the server must receive
    screen.key("F7")
    desk.until(lambda s: words.hold not in s.text("controls.state").lower(), 10, "the hold to end")
    shift.hold_s = 2
    hang_up(caller, third)
    person.dispose("call3")
    person.until_status(words.ready)

    # 4: a blind transfer to a colleague: F9, the number, Enter
    call(caller, target, IVANOV)
    person.ringing(IVANOV[1])
    person.answer_and_walk_script("call4")
    screen.key("F9")
    desk.until(
        lambda s: s.find("transfer_target") is not None and s["transfer_target"].focus,
        10,
        "the transfer field",
    )
    screen.type(f"sip:colleague@127.0.0.1:{colleague.port}")  # type: ignore[attr-defined]
    screen.key("Return")
    colleague.wait_for(ev.IncomingCall, timeout=20)
    screen.shot("call4-transferred")
    person.dispose("call4")
    person.until_status(words.ready)
    for phone in (caller, colleague):  # the customer now talks to the colleague: they hang up
        for started in phone.all(ev.CallStateChanged):
            hang_up(phone, started.call_id)

    # 5: a second call while in a call: the waiting call is announced, answered, and its card shown
    fifth = call(caller, target, PETROVA)
    person.ringing(PETROVA[1])
    person.answer_and_walk_script("call5")
    sixth = call(colleague, target, OPTIKA)
    desk.until(
        lambda s: "Оптика" in s.text("controls.waiting") or "Оптика" in " ".join(s.texts()),
        20,
        "the waiting call",
    )
    screen.shot("call5-second-call-waiting")
    screen.key("ctrl+F5")  # the key for the waiting call (issue 13, defect 6)
    taken = desk.within(lambda s: "Оптика" in s.text("controls.party"), 3)
    shift.note("waiting_key", "" if taken else "Ctrl+F5 did not answer the waiting call")
    if not taken:
        person.desk.click("take_waiting")  # what a person does when the key does nothing
    desk.until(lambda s: "Оптика" in s.text("controls.party"), 15, "the second call answered")
    shown = desk.shown()
    screen.shot("call5-second-call-answered")
    card = shown.text("contact_page.name")
    shift.note("second_call_card", "" if card == OPTIKA[1] else f"the card shows {card!r} for {OPTIKA[1]!r}")
    hang_up(colleague, sixth)
    hang_up(caller, fifth)
    while desk.until(
        lambda s: s if s.find("disposition.codes") or s.text("status.status") == words.ready else None, 30
    ).find("disposition.codes"):
        person.dispose("call5")
    person.until_status(words.ready, 30)

    # a break from the status menu: F2, arrows to "Break", Enter
    screen.key("F2")
    menu = desk.until(
        lambda s: next((w for w in s.widgets if w.cls == "StatusMenu"), None), 10, "the status menu"
    )
    screen.shot("status-menu")
    entries = [t.replace("&", "") for t in menu.texts]
    system = [e for e in entries if e in words.system_reasons]
    shift.note("system_reasons", f"the status menu offers {system}" if system else "")
    screen.key(*(["Down"] * entries.index(words.break_)), "Return")
    person.until_status(words.break_)
    screen.shot("break")

    screen.key("ctrl+r")
    person.until_status(words.ready)
    screen.key("ctrl+shift+e")
    person.until_status(words.offline)
    screen.shot("end-of-shift")
    shift.wire = desk.probe.ask("wire")  # what the program checked the wire models with, all shift
    screen.key("ctrl+q")
    code = desk.wait_exit(30)
    shift.note("quit", "" if code == 0 else f"ringdesk exited with {code} after Ctrl+Q:\n{desk.log_tail()}")
