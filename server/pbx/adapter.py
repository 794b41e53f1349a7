"""The adapter interface every PBX integration implements, and the follower that feeds them.

Why a follower task rather than calling the PBX from the route: a status change must be stored and
answered even when the PBX is slow or down. The route hands the committed change over
(:meth:`QueueFollower.follow`, any thread); one task on the app's loop passes changes to each
adapter in the order they were stored, so a quick break/ready pair never reaches the queue reversed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from app.wire.statuses import NotReadyReason, OperatorStatus

T = TypeVar("T")

log = logging.getLogger("ringdesk.server.pbx")

BACKLOG = 10_000
"""Changes waiting for the adapters before new ones are dropped (logged): a PBX down for hours."""


@dataclass(frozen=True)
class QueueChange:
    """A stored status change, with what an adapter needs to act on it."""

    operator: str
    sip_uri: str | None
    queues: tuple[str, ...] | None
    """The operator's queues; ``None``: the adapter's default queues."""
    status: OperatorStatus
    reason: NotReadyReason | None
    at: datetime

    @property
    def extension(self) -> str | None:
        """The user part of the SIP URI (``1001`` of ``sip:1001@pbx``), or ``None`` without one."""
        if not self.sip_uri:
            return None
        rest = self.sip_uri.split(":", 1)[-1]
        return rest.split("@", 1)[0] if "@" in rest else None


class QueueAdapter(Protocol):
    """Moves an operator in the PBX's queues to match their status."""

    name: str

    async def start(self) -> None:
        """Connect (and keep reconnecting in the background); must not fail when the PBX is down."""

    async def stop(self) -> None: ...

    async def apply(self, change: QueueChange) -> None:
        """Make the PBX match ``change``; errors are the adapter's to log, not to raise."""


class QueueFollower:
    """Feeds committed status changes to the adapters, in order (module notes)."""

    def __init__(self, adapters: list[QueueAdapter]) -> None:
        self.adapters = adapters
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[QueueChange] | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def active(self) -> bool:
        return bool(self.adapters)

    async def start(self) -> None:
        if not self.adapters:
            return
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue(BACKLOG)
        for adapter in self.adapters:
            await adapter.start()
        self._task = asyncio.create_task(self._run(), name="ringdesk-queue-follower")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for adapter in self.adapters:
            await adapter.stop()
        self._loop = None

    def follow(self, change: QueueChange) -> None:
        """Queue ``change`` for the adapters; from any thread, after the change committed."""
        loop, queue = self._loop, self._queue
        if loop is None or queue is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: shutting down
            loop.call_soon_threadsafe(self._put, queue, change)

    def spies(self) -> list[Any]:
        """The adapters that can put a lead on an operator's call (``spy``: Asterisk's ChanSpy)."""
        return [spy for adapter in self.adapters if (spy := getattr(adapter, "spy", None)) is not None]

    def call(self, action: Coroutine[Any, Any, T], timeout_s: float = 10.0) -> T:
        """Run ``action`` on the adapters' loop from a request's thread and wait for its result
        (``ConnectionError`` when the adapters are not running)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            action.close()
            raise ConnectionError("the PBX adapters are not running")
        return asyncio.run_coroutine_threadsafe(action, loop).result(timeout_s)

    @staticmethod
    def _put(queue: asyncio.Queue[QueueChange], change: QueueChange) -> None:
        try:
            queue.put_nowait(change)
        except asyncio.QueueFull:
            log.error(
                "PBX adapters too far behind: a status change was not passed on",
                extra={"event": "pbx.backlog_full", "operator": change.operator},
            )

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            change = await self._queue.get()
            for adapter in self.adapters:
                try:
                    await adapter.apply(change)
                except Exception:  # an adapter bug must not stop the others or later changes
                    log.exception(
                        "PBX adapter failed", extra={"event": "pbx.adapter_failed", "adapter": adapter.name}
                    )
