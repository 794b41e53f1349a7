"""The desktop as a call-outcome source (``docs/tasks.md``): every inbound call that rang at this
desktop is reported to the server once it ends, through the outbox (``OutboxKind.CALL_REPORT``,
``POST /calls/desktop``), so it arrives exactly once also after the server was away or the desktop
was restarted.

What it reports, in the server's words:

* the caller gave up while it rang here (``cancelled``): ``missed``/``abandoned``;
* the operator rejected it, or it ended otherwise unanswered: ``missed``/``rang_out``;
* the operator answered it: ``accepted`` by this operator. This matters as much: a call that rang
  unanswered at one desktop and was answered at the next is one accepted call, not a missed one.
  An answered call is reported twice: at the answer (accepted, no end yet: the server then knows
  the call in progress, which a team lead's supervision grant names, ``docs/quality.md``), and when
  it ends; the server merges both by ``call_id``.

The call is named by its SIP Call-ID (``CallSession.record_id``, what a PBX or Kamailio logs), so the
server merges it with the other sources' reports of the same call. The desktop does not know when the
caller reached the centre, so it gives no arrival time; but an unanswered call says how long it rang
here (``wait_seconds``, ring to end): the caller waited at least that long. Without it the server
filed every caller who gave up, even after a second, as missed with a callback task; with it the
non-target rule (hung up within the greeting) applies where no PBX reports the wait. The server takes
it as a lower bound, never shortening a PBX's queue wait (``server.crud.calls``). An answered call
gives none: its wait to the answer runs from the arrival, the PBX's to say. A report the local store
cannot take is logged and dropped: the PBX remains the main source, and a call report must never
stand in the way of the call itself.
"""

from __future__ import annotations

import logging
from collections import deque

from app.session.call import CallSession
from app.session.phase import Direction
from app.sync.outbox import Outbox
from app.telephony.events import EndCause
from app.wire.calls import CallOutcome, CallReportIn, MissedReason
from app.wire.schema import ValidationError
from app.workstation.hub import Hub, Unsubscribe
from app.workstation.notices import CallChanged

log = logging.getLogger(__name__)

REMEMBERED = 256
"""Calls already reported, kept so each is reported once (a call's later notices are ACW's)."""


def report_of(session: CallSession) -> CallReportIn | None:
    """What to tell the server about an ended inbound call (``None``: nothing, e.g. a consultation)."""
    if session.direction is not Direction.INBOUND or session.is_consultation or session.end_at is None:
        return None
    fields: dict[str, object] = {
        "call_id": session.record_id,
        "caller": session.number or None,
        "queue": session.queue,
        "ended_at": session.end_at,
    }
    if session.answered:
        fields |= {
            "outcome": CallOutcome.ACCEPTED,
            "operator": session.operator,
            "answered_at": session.answer_at,
        }
    else:
        cancelled = session.end_cause is EndCause.CANCELLED
        reason = MissedReason.ABANDONED if cancelled else MissedReason.RANG_OUT
        rang = max(0.0, (session.end_at - session.ring_at).total_seconds())
        fields |= {"outcome": CallOutcome.MISSED, "missed_reason": reason, "wait_seconds": round(rang, 1)}
    try:
        return CallReportIn.model_validate(fields)
    except ValidationError:  # withheld or not a phone number: still reported, without the number
        return CallReportIn.model_validate(fields | {"caller": None})


def live_report_of(session: CallSession) -> CallReportIn | None:
    """What to tell the server when an inbound call is answered: accepted by this operator, not ended."""
    if session.direction is not Direction.INBOUND or session.is_consultation:
        return None
    if not session.answered or session.end_at is not None:
        return None
    fields: dict[str, object] = {
        "call_id": session.record_id,
        "queue": session.queue,
        "outcome": CallOutcome.ACCEPTED,
        "operator": session.operator,
        "answered_at": session.answer_at,
    }
    return CallReportIn.model_validate(fields)


class CallOutcomeReporter:
    """Subscribes to the workstation's hub and queues one report per ended inbound call."""

    def __init__(self, hub: Hub, outbox: Outbox) -> None:
        self._outbox = outbox
        self._reported: deque[str] = deque(maxlen=REMEMBERED)
        self._live: deque[str] = deque(maxlen=REMEMBERED)
        self._unsubscribe: Unsubscribe = hub.on(CallChanged, self._on_call)

    def close(self) -> None:
        self._unsubscribe()

    def _on_call(self, notice: CallChanged) -> None:
        session = notice.session
        if session.call_id in self._reported:
            return
        if session.call_id not in self._live:
            live = live_report_of(session)
            if live is not None:
                self._live.append(session.call_id)
                self._queue(live)
                return
        report = report_of(session)
        if report is None:
            return
        self._reported.append(session.call_id)
        self._queue(report)

    def _queue(self, report: CallReportIn) -> None:
        try:
            self._outbox.add_call_report(report)
        except Exception:  # the store failing: logged, never raised into the call's handling
            log.exception("the call's outcome was not queued: %s", report.call_id)
