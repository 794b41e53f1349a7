"""Call sessions: one immutable :class:`CallSession` per conversation, and :class:`Calls` for the rules
that span calls. No Qt, no SIP stack, no clock: see ``docs/workstation-core.md``."""

from app.session.acw import ACW_MAX_S, AcwMode, AcwPolicy
from app.session.call import CallSession, Draft
from app.session.calls import Calls
from app.session.phase import Direction, Phase, Transfer, TransferKind, TransferStatus

__all__ = [
    "ACW_MAX_S",
    "AcwMode",
    "AcwPolicy",
    "CallSession",
    "Calls",
    "Direction",
    "Draft",
    "Phase",
    "Transfer",
    "TransferKind",
    "TransferStatus",
]
