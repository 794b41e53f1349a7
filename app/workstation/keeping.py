"""Dispositions are durable before anything says their call is done (issue 13, defect 10).

The operator's submit stores the disposition in the outbox first (:meth:`DispositionKeeper.keep`,
handed to :meth:`app.session.Calls.submit`), and only a stored one lets the call reach ``done``. When
the local store fails (disk full, a damaged file) the call stays in after-call work with the form as
typed, :class:`DispositionNotSaved` says why, and submitting again retries. Dispositions the system
makes by itself (an ACW timer, a missed call) are tried again every :data:`STORE_RETRY_S` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.refused import Refused
from app.wire.dispositions import DispositionIn
from app.workstation.held import HeldWrites
from app.workstation.hub import Hub
from app.workstation.notices import DispositionNotSaved, Problem
from app.workstation.ports import Outbox

log = logging.getLogger(__name__)

STORE_RETRY_S = 2.0
"""How soon a disposition the local store refused is tried again when nobody asks."""


class DispositionKeeper:
    """Stores dispositions in the outbox and remembers what is stored and what still is not."""

    def __init__(self, outbox: Outbox, hub: Hub, held: HeldWrites | None = None) -> None:
        self.outbox = outbox
        self._hub = hub
        self._held = held or HeldWrites(hub)
        self._kept: set[str] = set()
        """Calls whose disposition the outbox holds already (stored before the call was done)."""
        self._unsaved: list[DispositionIn] = []
        """Dispositions made by the system that the store refused: tried again."""
        self._failing = False

    @property
    def failing(self) -> bool:
        """Whether something waits for the store to work again (the coordinator wakes up to retry)."""
        return self._failing or bool(self._unsaved)

    def keep(self, disposition: DispositionIn) -> None:
        """Store ``disposition``; ``Refused(code="store")`` when the local store cannot. What the
        store holds back from earlier goes first (a draft written after its disposition would
        bring a finished call back)."""
        self._held.retry()
        try:
            self.outbox.put_disposition(disposition)
        except Exception as exc:
            log.exception("the disposition of %s could not be stored", disposition.call_id)
            self._held.failed(exc, f"the disposition of call {disposition.call_id}")
            raise Refused(
                f"the call result could not be saved on this computer: {exc}", code="store", key="store"
            ) from exc
        self._kept.add(disposition.call_id)
        self._held.succeeded()

    def finish(self, call_id: str, finish: Callable[[], object]) -> None:
        """Run the operator's ``finish`` (which calls :meth:`keep` first); a store failure is
        published for the form (:class:`DispositionNotSaved`) and raised."""
        try:
            finish()
        except Refused as exc:
            if exc.code == "store":
                self._failing = True
                self._hub.publish(DispositionNotSaved(call_id, exc.reason))
            raise
        self._failing = False

    def timers_failed(self, failures: list[Exception]) -> None:
        """ACW timers that ran out but whose dispositions could not be stored (the calls stay in
        ACW until a retry works)."""
        for failure in failures:
            self._hub.publish(Problem(str(failure), where="store"))
        self._failing = bool(failures)

    def stored(self, disposition: DispositionIn) -> bool:
        """Whether ``disposition`` of a call now done is in the outbox (stored now when the system
        made it without :meth:`keep`: a missed call); an unsaved one is kept for :meth:`retry`."""
        if disposition.call_id in self._kept:
            self._kept.discard(disposition.call_id)
            return True
        try:
            self.keep(disposition)
        except Refused as exc:
            self._hub.publish(Problem(exc.reason, where="store"))
            self._unsaved.append(disposition)
            return False
        self._kept.discard(disposition.call_id)
        return True

    def describe(self) -> list[str]:
        """The dispositions still waiting for the store, for the log on shut-down."""
        return [f"the disposition {d.model_dump_json()}" for d in self._unsaved]

    def retry(self) -> None:
        unsaved, self._unsaved = self._unsaved, []
        for disposition in unsaved:
            self.stored(disposition)
