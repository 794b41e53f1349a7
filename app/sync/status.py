"""The sync state the UI shows: the offline banner with its count, parked items, "log in again".

:class:`SyncMonitor` merges the outbox counts with what the pump learns about the server and calls
its listeners with a new immutable :class:`SyncStatus` whenever anything in it changes. Listeners run
on the thread of the change (the pump's event loop, or the thread that saved a record); a Qt UI
re-emits through a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from app.sync.items import OutboxCounts
from app.sync.outbox import Outbox


@dataclass(frozen=True)
class SyncStatus:
    pending: int = 0
    """Saved here, not yet confirmed by the server."""
    parked: int = 0
    """Refused by the server for good; each needs the operator (see ``Outbox.parked()``)."""
    online: bool | None = None
    """Whether the last exchange with the server worked (``None``: none yet)."""
    login_required: bool = False
    """The server no longer accepts the login: nothing is sent until the operator logs in."""
    last_error: str | None = None
    untrusted: bool = False
    """The last failure was the server's certificate, refused on this computer: waiting will not mend
    it, IT must (deploy the centre's CA, or name it in ``server_ca_file``)."""
    retry_at: datetime | None = None
    """When the pump tries again after a failure (``None``: not waiting)."""

    @property
    def offline(self) -> bool:
        """Show the banner: the server cannot be reached (or will not accept the login)."""
        return self.online is False or self.login_required


class SyncMonitor:
    """The current :class:`SyncStatus` and its listeners."""

    def __init__(self, outbox: Outbox) -> None:
        counts = outbox.counts()
        self._status = SyncStatus(pending=counts.pending, parked=counts.parked)
        self._lock = threading.Lock()
        self._listeners: list[Callable[[SyncStatus], None]] = []
        outbox.subscribe(self._counts_changed)

    @property
    def status(self) -> SyncStatus:
        return self._status

    def subscribe(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Call ``listener`` with every new status; returns the function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def update(self, **changes: object) -> None:
        """Change some fields of the status (the pump's side)."""
        self._set(lambda s: replace(s, **changes))  # type: ignore[arg-type]

    def _counts_changed(self, counts: OutboxCounts) -> None:
        self._set(lambda s: replace(s, pending=counts.pending, parked=counts.parked))

    def _set(self, change: Callable[[SyncStatus], SyncStatus]) -> None:
        with self._lock:
            new = change(self._status)
            if new == self._status:
                return
            self._status, listeners = new, list(self._listeners)
        for listener in listeners:
            listener(new)
