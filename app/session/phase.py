"""The words of a call session: its phase, its direction and the state of a transfer.

A call's *phase* is the operator's view of one conversation, coarser than the phone's
:class:`app.telephony.events.CallState` (``calling`` and ``early`` are both "dialling") and longer:
it goes on after the phone hung up, through after-call work, until the disposition is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    """Where one call session is: ringing -> talking <-> held -> ended -> acw -> done."""

    RINGING = "ringing"
    """An incoming call rings; it can be answered or rejected."""
    DIALING = "dialing"
    """An outgoing call is being set up (INVITE sent, maybe ringing at the other end)."""
    TALKING = "talking"
    HELD = "held"
    """We put the other party on hold."""
    ENDED = "ended"
    """The phone call is over; after-call work has not started yet (a moment, or never)."""
    ACW = "acw"
    """After-call work: the disposition form is open."""
    DONE = "done"
    """Nothing left to do for this call."""

    @property
    def live(self) -> bool:
        """Whether the phone call still exists (ringing, dialling, talking or held)."""
        return self in _LIVE

    @property
    def engaged(self) -> bool:
        """Whether the operator is busy with a call on the phone (everything live but an incoming ring)."""
        return self in _ENGAGED


_LIVE = frozenset({Phase.RINGING, Phase.DIALING, Phase.TALKING, Phase.HELD})
_ENGAGED = frozenset({Phase.DIALING, Phase.TALKING, Phase.HELD})


class Direction(StrEnum):
    """Who placed the call."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class TransferKind(StrEnum):
    """Blind: REFER and go. Attended: talk to the target first on a consultation call, then join."""

    BLIND = "blind"
    ATTENDED = "attended"


class TransferStatus(StrEnum):
    """How far a transfer got."""

    CONSULTING = "consulting"
    """Attended only: the consultation call is being set up or talking; nothing sent to the customer."""
    REQUESTED = "requested"
    """The REFER went out; waiting for the target to answer."""
    FAILED = "failed"
    """The target refused or never answered: the customer is still ours."""


@dataclass(frozen=True)
class Transfer:
    """A transfer of this call in progress (or failed: kept so the UI can say why)."""

    kind: TransferKind
    target: str
    status: TransferStatus
    consult_call_id: str = ""
    """Attended only: the engine id of the consultation call."""
    code: int = 0
    reason: str = ""
