"""The workstation's configuration: who works here and the contact centre's rules for calls and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.session.acw import AcwPolicy
from app.status.machine import StatusPolicy


@dataclass(frozen=True)
class WorkstationConfig:
    """``operator`` is the login every record carries; ``queue_header`` names the INVITE header the PBX
    puts the queue in (Asterisk: ``__SIPADDHEADER01=X-Queue: ${QUEUE}``)."""

    operator: str
    acw: AcwPolicy = field(default_factory=AcwPolicy)
    status: StatusPolicy = field(default_factory=StatusPolicy)
    queue_header: str = "X-Queue"
    lookup_outbound: bool = True
    """Also look up the contact for numbers the operator dials."""
