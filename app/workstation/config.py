"""The workstation's configuration: who works here and the contact centre's rules for calls and statuses."""

from __future__ import annotations

import logging
from collections.abc import Mapping
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
    caller_ids: Mapping[str, str] = field(default_factory=dict)
    """Queue -> the number an outbound call for that queue presents (``sip.caller_ids``): a task's
    call, or a dial for a contact of that queue. Queues not listed present the account's own."""
    caller_id_header: str = "P-Asserted-Identity"
    """The INVITE header the caller ID travels in (``<tel:+7...>``); the PBX or trunk presents it."""

    def caller_id_headers(self, queue: str | None) -> tuple[tuple[str, str], ...]:
        """The headers of an outbound call for ``queue`` (none when the queue has no caller ID)."""
        number = self.caller_ids.get(queue) if queue else None
        return ((self.caller_id_header, f"<tel:{number}>"),) if number else ()


def parse_caller_ids(text: str) -> dict[str, str]:
    """``sales=+74951234567, support=+7495...`` (the ``calls.caller_ids`` setting) as queue -> number.

    A pair without ``=`` or with an empty side is a typo in IT's configuration: refused with
    ``ValueError`` naming it, rather than silently presenting the wrong number."""
    pairs: dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        queue, sep, number = (x.strip() for x in part.partition("="))
        if not sep or not queue or not number or any(c.isspace() or c in "<>" for c in number):
            raise ValueError(f"not a queue=number pair: {part!r}")
        pairs[queue] = number
    return pairs


def caller_ids_of(text: str) -> dict[str, str]:
    """The setting for the desktop: a typo is logged and no caller ID is sent (the account's own is
    presented), instead of the desktop refusing to start over it."""
    try:
        return parse_caller_ids(text)
    except ValueError as exc:
        logging.getLogger(__name__).error("calls.caller_ids ignored: %s", exc)
        return {}
