"""Call outcomes on the wire: what became of every inbound call, whoever reports it.

Every inbound call gets one :class:`CallOutcome`. Sources (the PBX adapters, the routing endpoint, a
desktop, any other PBX through ``POST /calls/outcomes``) report what they saw as a
:class:`CallReportIn`; the server merges every report of one ``call_id`` into one call
(:class:`CallOut`): a field a report leaves out keeps what an earlier report said, and ``accepted``
wins over ``missed`` whatever the order of arrival (a PBX may say "abandoned" for the ring group
while the desktop says it answered). A missed call becomes a callback task (``app.wire.tasks``).

Numbers are taken in any written form (``8 912 345-67-89``, ``sip:+7912...@pbx``) and stored as
E.164; a caller that is not a phone number is a 422, a withheld number is ``null``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from itertools import pairwise
from typing import Annotated

from app import phones
from app.wire.common import CallId, Code, UserName, UtcDatetime, WireModel
from app.wire.schema import AfterValidator, Field, StringConstraints, model_validator

DNIS_MAX = 64
"""A dialled number or line name as a PBX writes it (``+74951234567``, ``shop-line-2``)."""
WAIT_MAX_SECONDS = 24 * 3600


class CallOutcome(StrEnum):
    ACCEPTED = "accepted"
    """An operator answered."""
    NON_TARGET = "non_target"
    """The caller hung up before the greeting ended (under ``non_target_seconds`` of waiting)."""
    MISSED = "missed"
    """Nobody answered: see :class:`MissedReason`. Becomes a callback task."""


class MissedReason(StrEnum):
    ABANDONED = "abandoned"
    """The caller hung up while queued."""
    RANG_OUT = "rang_out"
    """Rang at every operator offered and nobody answered (or the queue timed out)."""
    OUT_OF_HOURS = "out_of_hours"
    NOBODY_LOGGED_IN = "nobody_logged_in"


def _phone(value: str) -> str:
    keys = phones.lookup_keys(value)
    if not keys:
        raise ValueError(f"{value[:40]!r} is not a phone number")
    return keys[0]


PhoneText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=phones.MAX_INPUT),
    AfterValidator(_phone),
]
"""A phone number in any written form (or a SIP/tel URI), normalised to E.164 on the way in."""
Dnis = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=DNIS_MAX)]


class CallReportIn(WireModel):
    """One source's view of one inbound call (any field it does not know is left out)."""

    call_id: CallId
    """The PBX's unique id or the SIP Call-ID: reports with the same one are the same call."""
    outcome: CallOutcome
    missed_reason: MissedReason | None = None
    caller: PhoneText | None = None
    """The caller's number; ``None`` when withheld (such a call creates no task)."""
    dnis: Dnis | None = None
    """The number or line the caller dialled."""
    queue: Code | None = None
    operator: UserName | None = None
    """Who answered (``accepted``), when the source knows."""
    arrived_at: UtcDatetime | None = None
    answered_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None
    wait_seconds: float | None = Field(default=None, ge=0, le=WAIT_MAX_SECONDS)
    """Seconds from arrival to answer or hang-up; derived from the times when left out."""

    @model_validator(mode="after")
    def _consistent(self) -> CallReportIn:
        if self.outcome is CallOutcome.MISSED and self.missed_reason is None:
            raise ValueError("a missed call needs its missed_reason")
        if self.outcome is not CallOutcome.MISSED and self.missed_reason is not None:
            raise ValueError("missed_reason is only for missed calls")
        moments: list[tuple[str, datetime | None]] = [
            ("arrived_at", self.arrived_at),
            ("answered_at", self.answered_at),
            ("ended_at", self.ended_at),
        ]
        present = [(name, at) for name, at in moments if at is not None]
        for (first, a), (then, b) in pairwise(present):
            if b is not None and a is not None and b < a:
                raise ValueError(f"{then} is before {first}")
        return self


class CallOut(WireModel):
    """One call after every report of it was merged."""

    id: int
    call_id: CallId
    outcome: CallOutcome
    missed_reason: MissedReason | None = None
    caller: str | None = None
    dnis: str | None = None
    queue: str | None = None
    operator: str | None = None
    arrived_at: UtcDatetime | None = None
    answered_at: UtcDatetime | None = None
    ended_at: UtcDatetime | None = None
    wait_seconds: float | None = None
    sources: list[str] = Field(default_factory=list)
    task_id: int | None = None
    """The callback task this (missed) call created or added an attempt to."""


WAITING_QUEUES_MAX = 500
WAITING_CALLERS_MAX = 10_000
"""Callers one queue of a snapshot may list (as many as an adapter's book keeps)."""


class WaitingCaller(WireModel):
    """One caller waiting in a queue now."""

    waited_seconds: float = Field(ge=0, le=WAIT_MAX_SECONDS)
    """How long the caller has waited so far, by the PBX's clock (a wait, not a time of day, so the
    two clocks need not agree)."""


class QueueWaitingIn(WireModel):
    """One queue's waiting callers now: the whole list (none: nobody waits)."""

    queue: Code
    callers: list[WaitingCaller] = Field(default_factory=list, max_length=WAITING_CALLERS_MAX)


class WaitingSnapshotIn(WireModel):
    """A generic PBX's callers waiting now (``PUT /calls/waiting``, ``docs/reports.md``): each queue
    named replaces what this source said of it before; queues not named keep theirs until they go
    stale. Post on every change and at least every third of ``pbx_waiting_stale_seconds``."""

    queues: list[QueueWaitingIn] = Field(min_length=1, max_length=WAITING_QUEUES_MAX)

    @model_validator(mode="after")
    def _distinct(self) -> WaitingSnapshotIn:
        names = [queue.queue for queue in self.queues]
        if len(set(names)) != len(names):
            raise ValueError("a queue is named twice")
        return self


__all__ = [
    "CallOut",
    "CallOutcome",
    "CallReportIn",
    "MissedReason",
    "PhoneText",
    "QueueWaitingIn",
    "WaitingCaller",
    "WaitingSnapshotIn",
]
