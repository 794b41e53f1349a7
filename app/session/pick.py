"""Which call an intent means when the operator does not say: queries over the sessions on the desk.

The window has one Answer button and one Hang-up key; these answer "which call?" the same way for every
widget (and the tray), from the sessions alone. :class:`CardFocus` answers the same question for the
call card: which one call it shows, and so which contact its edits go to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.refused import Refused
from app.session.call import CallSession
from app.session.phase import Phase


def ringing(sessions: Iterable[CallSession]) -> str | None:
    """The call offered now (the first, when a second one rings during a call)."""
    return next((s.call_id for s in sessions if s.phase is Phase.RINGING), None)


def heard(sessions: Iterable[CallSession]) -> str | None:
    """The one call the operator is talking on (not held), or ``None`` when that is not one call."""
    talking = [s.call_id for s in sessions if s.phase.engaged and s.phase is not Phase.HELD]
    return talking[0] if len(talking) == 1 else None


def in_acw(sessions: Iterable[CallSession]) -> str | None:
    """The call whose after-call work is open."""
    return next((s.call_id for s in sessions if s.phase is Phase.ACW), None)


def consulted_customer(sessions: Iterable[CallSession]) -> str | None:
    """During an attended transfer: the customer's call (held while the operator consults)."""
    consult = next((s for s in sessions if s.consult_for and s.phase.live), None)
    return consult.consult_for if consult else None


def engaged(sessions: Iterable[CallSession]) -> bool:
    return any(s.phase.engaged for s in sessions)


# ----- the card: which call it is bound to ------------------------------------------------------

_DNIS_HEADERS = ("x-dnis", "x-called-number", "x-dialed-number")


def conversation(sessions: Iterable[CallSession]) -> str | None:
    """The customer call the operator is talking on or dialling now (a held call, a consultation with
    a colleague and a ring are not); ``None`` when that is not exactly one call."""
    calls = [s.call_id for s in sessions if s.phase in (Phase.TALKING, Phase.DIALING) and not s.consult_for]
    return calls[0] if len(calls) == 1 else None


def dialled_line(session: CallSession) -> str | None:
    """The number the customer dialled (DNIS), when the PBX says it in a header."""
    return next((v for k, v in session.x_headers if k.lower() in _DNIS_HEADERS and v), None)


_FALLBACK = (Phase.TALKING, Phase.DIALING, Phase.ACW, Phase.HELD, Phase.RINGING, Phase.ENDED)
"""When the card's call is gone: the call to show instead, by phase (talking first, a ring last but one:
a ring never takes the card from a call the operator still works on)."""


@dataclass(frozen=True)
class CardFocus:
    """Which call the card (and every edit made in it) belongs to.

    The card moves on its own only when its call is gone, or when the operator starts talking on
    another call (answering, resuming, dialling: their own act, which says whose call is now in
    front of them). A call that rings never takes it, nor does a call ending elsewhere; choosing
    another call's chip moves it until the conversation changes. So an edit in the card always
    applies to the call the card says, and the card never switches under the operator's hands.
    """

    call_id: str | None = None
    talking: str | None = None
    """The conversation when the focus was last decided (a new one moves the card)."""

    def follow(self, sessions: Iterable[CallSession]) -> CardFocus:
        """The focus after the calls moved to ``sessions`` (the open calls, oldest first)."""
        customers = [s for s in sessions if not s.consult_for and s.phase is not Phase.DONE]
        talking = conversation(customers)
        if talking is not None and talking != self.talking:
            return CardFocus(talking, talking)
        ids = {s.call_id for s in customers}
        if self.call_id in ids:
            return CardFocus(self.call_id, talking)
        replaced = next((s.call_id for s in customers if self.call_id in s.previous_ids), None)
        if replaced is not None:  # a transfer replaced the call: the same conversation goes on
            return CardFocus(replaced, talking)
        for phase in _FALLBACK:
            first = next((s.call_id for s in customers if s.phase is phase), None)
            if first is not None:
                return CardFocus(first, talking)
        return CardFocus(None, talking)

    def choose(self, call_id: str, sessions: Iterable[CallSession]) -> CardFocus:
        """The operator chose another call's chip: the card shows it until the conversation changes."""
        if not any(s.call_id == call_id and not s.consult_for for s in sessions):
            raise Refused(f"there is no open call {call_id!r} to show", code="unknown_call")
        return CardFocus(call_id, self.talking)

    def others(self, sessions: Iterable[CallSession]) -> list[CallSession]:
        """The customer calls the card does not show, oldest first (the chips above it)."""
        return [
            s
            for s in sessions
            if s.call_id != self.call_id and not s.consult_for and s.phase is not Phase.DONE
        ]
