"""Call outcomes from the PBX adapters: Asterisk ``app_queue`` caller events (AMI) and FreeSWITCH
``mod_callcenter`` member events (ESL) become :class:`~app.wire.calls.CallReportIn` reports, stored by
:class:`CallSink` like any ``POST /calls/outcomes`` (same merge rules, ``server.crud.calls``).

Asterisk (:class:`AmiCallTracker`), per caller ``Uniqueid``:

| event                                       | report                                          |
|---------------------------------------------|-------------------------------------------------|
| ``QueueCallerJoin``                          | remembered: caller, queue, dialled ``Exten``    |
| ``AgentConnect``                             | ``accepted`` (``MemberName``, ``HoldTime``)     |
| ``QueueCallerAbandon``                       | ``missed``/``abandoned`` (``HoldTime``)         |
| ``AgentRingNoAnswer``                        | remembered: an operator let it ring             |
| ``QueueCallerLeave`` with neither of those   | ``missed``/``rang_out`` after ``settle`` seconds |

``QueueCallerLeave`` comes *before* ``AgentConnect`` for an answered call (``app_queue`` takes the
caller out of the queue first), so a leave is only judged after a short wait: an ``AgentConnect`` or
``QueueCallerAbandon`` meanwhile decides instead.

FreeSWITCH (:func:`callcenter_report`): ``member-queue-end`` says it all: ``CC-Cause: Terminated`` is
an answered call, ``Cancel`` with ``CC-Cancel-Reason`` ``NONE``/``BREAK_OUT``/``EXIT_WITH_KEY`` the
caller leaving (abandoned), ``TIMEOUT`` ringing out, ``NO_AGENT_TIMEOUT`` nobody logged in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError

from app.wire.calls import CallOutcome, CallReportIn, MissedReason
from server.pbx.asterisk import PbxEvent

log = logging.getLogger("ringdesk.server.pbx.calls")

Report = Callable[[CallReportIn], None]
Later = Callable[[float, Callable[[], None]], object]
TRACKED_MAX = 10_000
"""Callers remembered at once; the oldest is forgotten past this (a PBX that never sends leaves)."""


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _report(send: Report, **fields: object) -> None:
    """Build and send a report; a PBX value the wire refuses (a caller ID that is no number) is
    dropped from the report rather than losing the call."""
    try:
        report = CallReportIn.model_validate(fields)
    except ValidationError:
        try:
            report = CallReportIn.model_validate({**fields, "caller": None, "dnis": None})
        except ValidationError as exc:
            log.warning("PBX call event not understood", extra={"event": "pbx.bad_call", "error": str(exc)})
            return
    send(report)


@dataclass
class _Caller:
    caller: str | None
    queue: str | None
    dnis: str | None
    joined: datetime
    rang: bool = False
    decided: bool = False
    left: datetime | None = None


@dataclass
class AmiCallTracker:
    """Asterisk caller events to reports (module notes). ``later(delay, fn)`` schedules the judgement
    of a leave (the running loop's ``call_later`` by default)."""

    send: Report
    settle: float = 2.0
    later: Later | None = None
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    callers: dict[str, _Caller] = field(default_factory=dict)

    def __call__(self, event: PbxEvent) -> None:
        uid = event.fields.get("Uniqueid")
        if not uid:
            return
        handler = getattr(self, f"_on_{event.kind}", None)
        if handler is not None:
            handler(uid, event)

    def _on_QueueCallerJoin(self, uid: str, event: PbxEvent) -> None:
        if len(self.callers) >= TRACKED_MAX:
            self.callers.pop(next(iter(self.callers)))
        fields = event.fields
        caller = fields.get("CallerIDNum")
        self.callers[uid] = _Caller(
            caller=caller if caller and caller.lower() not in ("<unknown>", "anonymous") else None,
            queue=event.queue,
            dnis=fields.get("Exten") or None,
            joined=self.clock(),
        )

    def _on_AgentRingNoAnswer(self, uid: str, event: PbxEvent) -> None:
        if (known := self.callers.get(uid)) is not None:
            known.rang = True

    def _on_AgentConnect(self, uid: str, event: PbxEvent) -> None:
        self._decide(
            uid,
            event,
            outcome=CallOutcome.ACCEPTED,
            operator=event.fields.get("MemberName") or None,
            wait_seconds=_seconds(event.fields.get("HoldTime")),
            answered_at=self.clock(),
        )

    def _on_QueueCallerAbandon(self, uid: str, event: PbxEvent) -> None:
        self._decide(
            uid,
            event,
            outcome=CallOutcome.MISSED,
            missed_reason=MissedReason.ABANDONED,
            wait_seconds=_seconds(event.fields.get("HoldTime")),
            ended_at=self.clock(),
        )

    def _on_QueueCallerLeave(self, uid: str, event: PbxEvent) -> None:
        known = self.callers.get(uid)
        if known is None or known.decided:
            self.callers.pop(uid, None)
            return
        known.left = self.clock()
        later = self.later or asyncio.get_running_loop().call_later
        later(self.settle, lambda: self._rang_out(uid, event))

    def _rang_out(self, uid: str, event: PbxEvent) -> None:
        known = self.callers.get(uid)
        if known is None or known.decided:
            self.callers.pop(uid, None)
            return
        left = known.left or self.clock()
        self._decide(
            uid,
            event,
            outcome=CallOutcome.MISSED,
            missed_reason=MissedReason.RANG_OUT,
            wait_seconds=(left - known.joined).total_seconds(),
            ended_at=left,
        )
        self.callers.pop(uid, None)

    def _decide(self, uid: str, event: PbxEvent, **fields: object) -> None:
        known = self.callers.get(uid)
        if known is not None:
            if known.decided:
                return
            known.decided = True
            fields |= {"caller": known.caller, "dnis": known.dnis, "arrived_at": known.joined}
        _report(self.send, call_id=uid, queue=event.queue, **fields)


CANCEL_REASONS = {
    "NONE": MissedReason.ABANDONED,
    "BREAK_OUT": MissedReason.ABANDONED,
    "EXIT_WITH_KEY": MissedReason.ABANDONED,
    "TIMEOUT": MissedReason.RANG_OUT,
    "NO_AGENT_TIMEOUT": MissedReason.NOBODY_LOGGED_IN,
}


def _epoch(value: str | None) -> datetime | None:
    seconds = _seconds(value)
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


def callcenter_report(headers: dict[str, str], send: Report) -> None:
    """One ``CUSTOM callcenter::info`` event (headers already URL-decoded) to a report, when it is a
    ``member-queue-end`` (module notes)."""
    if headers.get("CC-Action") != "member-queue-end":
        return
    call_id = headers.get("CC-Member-Session-UUID") or headers.get("CC-Member-UUID")
    if not call_id:
        return
    joined = _epoch(headers.get("CC-Member-Joined-Time"))
    answered = _epoch(headers.get("CC-Agent-Answered-Time"))
    leaving = _epoch(headers.get("CC-Member-Leaving-Time"))
    fields: dict[str, object] = {
        "call_id": call_id,
        "caller": headers.get("CC-Member-CID-Number") or None,
        "dnis": headers.get("Caller-Destination-Number") or None,
        "queue": (headers.get("CC-Queue") or "").split("@", 1)[0] or None,
        "arrived_at": joined,
    }
    until = answered or leaving
    if joined is not None and until is not None and until >= joined:
        fields["wait_seconds"] = (until - joined).total_seconds()
    if headers.get("CC-Cause") == "Terminated" and answered is not None:
        fields |= {"outcome": CallOutcome.ACCEPTED, "answered_at": answered}
    else:
        reason = CANCEL_REASONS.get(headers.get("CC-Cancel-Reason", "NONE"), MissedReason.ABANDONED)
        fields |= {"outcome": CallOutcome.MISSED, "missed_reason": reason, "ended_at": leaving}
    _report(send, **fields)


class CallSink:
    """Stores reports from a PBX source on a worker thread (the database is synchronous; the adapters
    run on the app's loop). Call :meth:`for_source` for the ``send`` of a tracker."""

    def __init__(self, store: Callable[[CallReportIn, str], None]) -> None:
        self.store = store
        self.pending: set[asyncio.Future[None]] = set()

    def for_source(self, source: str) -> Report:
        def send(report: CallReportIn) -> None:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(None, self._store, report, source)
            self.pending.add(future)
            future.add_done_callback(self.pending.discard)

        return send

    def _store(self, report: CallReportIn, source: str) -> None:
        try:
            self.store(report, source)
        except Exception:  # a database hiccup loses this report only, never the adapter
            log.exception("could not store a PBX call report", extra={"event": "pbx.call_store_failed"})

    async def drain(self) -> None:
        """Wait for the reports being stored (shutdown, tests)."""
        while self.pending:
            await asyncio.gather(*list(self.pending), return_exceptions=True)
