"""The operator's own call log, kept as calls happen: every customer call this workstation rings,
answers or places goes into the local store (:class:`app.store.calls.CallLog`) with its times, number,
queue and contact, so "recent calls" (the dial pad's history) survives a restart and works offline.

It listens to the hub like any other subscriber and writes only when something the log keeps changed
(ringing, answered, ended, the contact found), not on every mute or DTMF digit. Consultation legs of a
transfer are not the operator's calls with a customer and are left out, as on the desk.

A line is written by ``keep`` (in the desktop the sync engine's store thread, ``SyncService.worker``)
and without an fsync: the first line of a call is written as it rings, and the screen pop must not
wait for the disk (issue 15: 4-8 ms an fsync on a loaded machine, twice per pop). A power cut may
undo the last lines; the log is a convenience, never the record of a call (the outbox is).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.store.calls import CallLog, CallRecord
from app.workstation.hub import Hub, Unsubscribe
from app.workstation.notices import CallChanged

log = logging.getLogger(__name__)


def record_of(session: CallSession) -> CallRecord:
    """What the log keeps of a call."""
    return CallRecord(
        call_id=session.record_id,
        ring_at=session.ring_at,
        direction=Direction(session.direction).value,
        remote=session.number or None,
        queue=session.queue,
        contact_id=session.contact_id,
        answer_at=session.answer_at,
        end_at=session.end_at,
    )


class CallJournal:
    """Writes each customer call's progress to the local call log."""

    def __init__(
        self,
        calls: CallLog,
        hub: Hub,
        *,
        keep: Callable[[Callable[[], object]], object] = lambda write: write(),
    ) -> None:
        self.calls = calls
        self._keep = keep
        self._written: dict[str, CallRecord] = {}
        self._unsubscribe: Unsubscribe = hub.on(CallChanged, self._on_call)

    def close(self) -> None:
        self._unsubscribe()

    def _on_call(self, notice: CallChanged) -> None:
        session = notice.session
        if session.consult_for:
            return
        record = record_of(session)
        if self._written.get(record.call_id) != record:
            self._keep(functools.partial(self._write, record))
            self._written[record.call_id] = record
        if session.phase is Phase.DONE:
            self._written.pop(record.call_id, None)

    def _write(self, record: CallRecord) -> None:
        try:
            self.calls.record(record, durable=False)
        except Exception:  # the log is a convenience: a full disk must not stop the call
            log.exception("the local call log could not be written")
