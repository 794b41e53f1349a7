"""Which call an intent means when the operator does not say: queries over the sessions on the desk.

The window has one Answer button and one Hang-up key; these answer "which call?" the same way for every
widget (and the tray), from the sessions alone.
"""

from __future__ import annotations

from collections.abc import Iterable

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
