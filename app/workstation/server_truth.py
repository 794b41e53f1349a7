"""The desk and the server never disagree silently (issue 13): what the server refuses is undone on
the desk, and what the server changes (the catalogue) reaches the desk while it runs.

* :func:`follow_refusals`: a status change the server refused for good (a 4xx, parked in the outbox)
  goes to :meth:`Workstation.status_refused`, which puts the status back to the choice before it,
  tells the server, and publishes :class:`~app.workstation.notices.StatusRefused` for the operator.
* :class:`CatalogueFollower`: reads the catalogue again when the server says it changed (``/me/live``
  pushes ``{"kind": "catalogue"}``) or when the feed (re)connects and may have missed it, and hands
  a changed one to :meth:`Workstation.update_catalogue`. A read answered from the local cache (the
  server is down) is not news and is ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from app.store.schema import OutboxKind
from app.sync.items import OutboxItem
from app.wire.dispositions import Catalogue
from app.wire.statuses import StatusChangeIn
from app.workstation.coordinator import Workstation

log = logging.getLogger(__name__)


class ParkedItems(Protocol):
    """Where refused items are announced (:meth:`app.sync.outbox.Outbox.subscribe_parked`)."""

    def subscribe_parked(
        self, listener: Callable[[OutboxItem, str, int | None], None]
    ) -> Callable[[], None]: ...


def follow_refusals(workstation: Workstation, outbox: ParkedItems) -> Callable[[], None]:
    """Undo and explain every status change of this operator the server refuses; returns the
    function that stops it. Runs on the pump's thread, which in the desktop is the event loop's."""

    def parked(item: OutboxItem, reason: str, _status: int | None) -> None:
        if item.kind is not OutboxKind.STATUS:
            return
        try:
            change = StatusChangeIn.model_validate_json(item.payload)
        except ValueError:
            log.warning("a refused status item %s is unreadable", item.key)
            return
        if change.operator == workstation.config.operator:
            workstation.status_refused(change, reason)

    return outbox.subscribe_parked(parked)


class CatalogueFollower:
    """Keeps the workstation's catalogue the server's (see the module notes)."""

    def __init__(
        self,
        workstation: Workstation,
        fetch: Callable[[], Awaitable[tuple[Catalogue | None, bool]]],
        *,
        quiet: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """``fetch`` answers the catalogue and whether it came from the local cache; ``quiet`` returns
        once no call pops (:class:`~app.session.popping.PopWatch`): a read at start or after a push
        waits for the card of a call ringing now (issue 15)."""
        self.workstation = workstation
        self._fetch = fetch
        self._quiet = quiet
        self._task: asyncio.Task[None] | None = None
        self._again = False

    def stale(self) -> None:
        """The catalogue may have changed: read it again (once more after a read under way)."""
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._refresh(), name="catalogue")

    async def wait(self) -> None:
        """Until the read under way (if any) is over (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _refresh(self) -> None:
        while True:
            self._again = False
            if self._quiet is not None:
                await self._quiet()
            try:
                catalogue, from_cache = await self._fetch()
            except Exception as exc:  # the next push or reconnection tries again
                log.warning("catalogue not read again: %s", exc)
                return
            if catalogue is not None and not from_cache:
                self.workstation.update_catalogue(catalogue)
            if not self._again:
                return

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
