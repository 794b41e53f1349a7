"""Writes the local store refused, held in memory and written again, in order, once it works (issue 14).

A full disk or a read-only store used to make saving a status change raise inside the handling of a
phone event, which stopped the desktop's reader of phone events for good. Now every write the
workstation makes goes through :class:`HeldWrites`: when the store refuses one it is kept here, the
operator is told at once (:class:`StoreFailing`, with the kind of fault so the window can say what to
do), and the workstation tries again every :data:`RETRY_S` seconds and after every input. Held writes
go to the store in the order they were made (a status change never overtakes an earlier one); once
all are written :class:`StoreSaved` says so. Nothing is dropped: on shut-down whatever is still held
is named in the log (:meth:`HeldWrites.describe`).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable

from app.store.faults import StoreFault, fault_of
from app.workstation.hub import Hub
from app.workstation.notices import StoreFailing, StoreSaved

log = logging.getLogger(__name__)

RETRY_S = 2.0
"""How soon held writes are tried again when nothing else happens."""


class HeldWrites:
    """Runs writes against the store; keeps the refused ones (and every later one) until they succeed."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._held: dict[str, tuple[str, Callable[[], object]]] = {}
        self._ids = itertools.count(1)
        self._fault: StoreFault | None = None
        self._failed_since_saved = 0

    @property
    def holding(self) -> bool:
        """Whether anything waits for the store (the workstation wakes up to retry)."""
        return bool(self._held) or self._fault is not None

    @property
    def fault(self) -> StoreFault | None:
        """The store's current fault (``None``: it works)."""
        return self._fault

    def write(self, what: str, write: Callable[[], object], *, key: str | None = None) -> bool:
        """Run ``write`` now, or hold it behind the writes already held; whether it is written.
        ``key``: a later write with the same key replaces a held one (a draft: only the newest
        counts). ``what`` names it in the log if it is never written."""
        key = key or f"#{next(self._ids)}"
        self._held[key] = (what, write)
        self.retry()
        return key not in self._held

    def retry(self) -> None:
        """Write what is held, oldest first, stopping at the first refusal."""
        while self._held:
            key, (what, write) = next(iter(self._held.items()))
            try:
                write()
            except Exception as exc:
                self.failed(exc, what)
                return
            self._held.pop(key, None)
            self._failed_since_saved += 1 if self._fault is not None else 0
        if self._fault is not None and not self._held:
            self.succeeded()

    def failed(self, exc: BaseException, what: str) -> None:
        """The store refused a write (here, or one the caller keeps itself, such as a disposition)."""
        fault = fault_of(exc)
        if fault is not self._fault:
            log.error("the local store refused to save %s (%s): %s", what, fault.value, exc)
            self._fault = fault
            self._hub.publish(StoreFailing(fault, str(exc), len(self._held)))

    def succeeded(self) -> None:
        """A write went through: if the store was failing and nothing is held any more, say so."""
        if self._fault is None or self._held:
            return
        written, self._failed_since_saved = self._failed_since_saved, 0
        self._fault = None
        log.info("the local store works again: %d held record(s) written", written)
        self._hub.publish(StoreSaved(written))

    def describe(self) -> list[str]:
        """What is still held, for the log on shut-down."""
        return [what for what, _ in self._held.values()]
