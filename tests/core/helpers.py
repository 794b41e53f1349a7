"""Shared pieces for the core tests: a manual clock, phone events at chosen times, fakes for the ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.clock import ManualClock
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.events import CallState, EndCause
from app.wire.contacts import ContactOut
from app.wire.crm import CrmContactOut
from app.wire.dispositions import Catalogue, DispositionCategory, DispositionCode, DispositionIn
from app.wire.statuses import BACK_OF_QUEUE, SHIFT_START, NotReadyReason, StatusChangeIn

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
OPERATOR = "operator1"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def epoch(seconds: float) -> float:
    return at(seconds).timestamp()


def incoming(call_id: str, t: float, number: str = "+79123456789", queue: str = "") -> ev.IncomingCall:
    return ev.IncomingCall(
        call_id=call_id,
        account_id="main",
        number=number,
        display_name="Ivan",
        remote_uri=f"sip:{number}@pbx",
        sip_call_id=f"sip-{call_id}",
        x_headers=(("X-Queue", queue),) if queue else (),
        at=epoch(t),
    )


def state(call_id: str, s: CallState, t: float) -> ev.CallStateChanged:
    return ev.CallStateChanged(call_id=call_id, state=s, at=epoch(t))


def ended(call_id: str, t: float, cause: EndCause = EndCause.REMOTE_HANGUP, code: int = 200) -> ev.CallEnded:
    return ev.CallEnded(call_id=call_id, cause=cause, code=code, reason="", talk_s=0, total_s=0, at=epoch(t))


def code(
    name: str, *, comment: bool = False, callback: bool = False, queue: str | None = None
) -> DispositionCode:
    return DispositionCode(
        code=name,
        label_en=name,
        label_ru=name,
        category=DispositionCategory.CALLBACK if callback else DispositionCategory.SUCCESS,
        comment_required=comment,
        callback_required=callback,
        queue=queue,
    )


def reason(
    name: str, *, routable: bool = False, max_minutes: int | None = None, **flags: bool
) -> NotReadyReason:
    return NotReadyReason(
        code=name, label_en=name, label_ru=name, routable=routable, max_minutes=max_minutes, **flags
    )


REASONS = [
    reason(SHIFT_START, max_minutes=15),
    reason("break", max_minutes=15),
    reason("lunch", max_minutes=60),
    reason("training", productive=True),
    reason(BACK_OF_QUEUE, routable=True, productive=True),
    reason("phone_offline"),
    reason("coaching", needs_approval=True),
    reason("old", active=False),
]
CATALOGUE = Catalogue(
    dispositions=[
        code("sale"),
        code("callback", callback=True),
        code("refused", comment=True),
        code("no_answer"),
    ],
    reasons=REASONS,
)


class FakePhone:
    """Answers every command: ok, unless its type is in ``refuse``; ``make_call`` gets out1, out2..."""

    def __init__(self) -> None:
        self.sent: list[cmd.Command] = []
        self.refuse: set[str] = set()
        self._calls = 0

    async def send(self, command: cmd.Command, timeout_s: float = 10.0) -> ev.CommandResult:
        self.sent.append(command)
        if command.type in self.refuse:
            return ev.CommandResult(ref="", ok=False, error=f"{command.type} refused by the test")
        call_id = ""
        if isinstance(command, cmd.MakeCall):
            self._calls += 1
            call_id = f"out{self._calls}"
        return ev.CommandResult(ref="", ok=True, call_id=call_id)

    def take(self) -> list[cmd.Command]:
        sent, self.sent = self.sent, []
        return sent


class FakeOutbox:
    def __init__(self) -> None:
        self.dispositions: list[DispositionIn] = []
        self.statuses: list[StatusChangeIn] = []

    def put_disposition(self, disposition: DispositionIn) -> None:
        self.dispositions.append(disposition)

    def put_status(self, change: StatusChangeIn) -> None:
        self.statuses.append(change)

    def trail(self) -> list[tuple[str, str | None]]:
        return [(c.status.value, c.reason) for c in self.statuses]


class FakeContacts:
    def __init__(
        self, known: dict[str, ContactOut | CrmContactOut] | None = None, fail: bool = False
    ) -> None:
        self.known = known or {}
        self.fail = fail
        self.asked: list[str] = []

    async def lookup(self, number: str) -> ContactOut | CrmContactOut | None:
        self.asked.append(number)
        if self.fail:
            raise ConnectionError("server unreachable")
        return self.known.get(number)


def contact(contact_id: int, phone: str) -> ContactOut:
    return ContactOut(id=contact_id, version=1, updated_at=T0, name="Иван Петров", phones=[phone])


def clock(seconds: float = 0) -> ManualClock:
    c = ManualClock(T0)
    c.advance(seconds)
    return c
