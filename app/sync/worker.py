"""The sync engine's own store work on one thread of its own, off the event loop's (the GUI's) thread.

Issue 15: a screen pop waited for local writes that nobody was waiting for. After every delivery the
pump marked the item delivered (a SQLite write), read the next one and rewrote the store's sidecar
file (``app.store.opening.note_outbox``); every lookup answer was written to the contact cache with an
fsync before the card was shown. On the desktop the loop's thread is the GUI thread, so each of these
held the card back by a few milliseconds (an fsync took 4-8 ms on a loaded machine), and the first
call after going ready paid for the status change's delivery on top of its own.

What runs here is bookkeeping whose timing does not matter to anyone on screen: reading the outbox's
next items, marking them delivered or failed, the sidecar, the cache of server answers. Saving a
record the operator made (``Outbox.add_*``) stays where it is, on the caller's thread: it returns only
once the record is on disk, because the UI says "saved" when it returns.

One thread, so the work keeps its order (a delivery is marked before the stream's next item is read),
and one owner of each thing: the store is still one connection behind its lock
(:class:`app.store.database.LocalStore`), which this thread takes like any other.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreWorker:
    """Runs store work in order on one thread: :meth:`run` to wait for the result from the loop,
    :meth:`later` for work nobody waits for (a failure is logged, never raised)."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ringdesk-store")

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` on the worker's thread; the caller waits without holding the loop.
        Cancelling the caller does not undo the work: it is finished all the same."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(function, *args))

    def later(self, function: Callable[..., object], *args: Any) -> None:
        """``function(*args)`` on the worker's thread, after what was handed to it before."""
        try:
            future = self._executor.submit(function, *args)
        except RuntimeError:  # shut down (the desktop is closing): do it here rather than drop it
            _guarded(function, *args)
            return
        future.add_done_callback(_log_failure)

    def settle(self) -> None:
        """Return once what was handed over before has been done (from a thread other than the
        worker's: tests, and whoever must read what was written)."""
        self._executor.submit(lambda: None).result()

    def close(self) -> None:
        """Finish what was handed over, then stop the thread (before the store is closed)."""
        self._executor.shutdown(wait=True)


def _guarded(function: Callable[..., object], *args: Any) -> None:
    try:
        function(*args)
    except Exception:
        log.exception("store work in the background failed")


def _log_failure(future: Future[object]) -> None:
    exc = future.exception()
    if exc is not None:
        log.error("store work in the background failed: %s", exc, exc_info=exc)
