"""The sync pump: an asyncio task that empties the outbox into the server, and never gives up.

* One worker per stream (``disposition:<operator>``, ``status:<operator>``, ``contact:<id>``), at
  most :attr:`SyncPump.max_streams` at once: items of a stream go one after another in saved order;
  streams do not wait for each other.
* A failure that may pass (network, timeout, 5xx, 429, malformed answer) is retried with
  exponential backoff and full jitter (tenacity), never sooner than a ``Retry-After``: hundreds of
  desktops coming back after an outage spread out instead of stampeding the server. Operator PCs
  may stay offline for days, so an outage has no attempt limit. :meth:`SyncPump.kick` cuts the current
  wait short (the UI's "retry now", the OS saying the network is back).
* A refusal (a 4xx that retrying cannot fix) parks the item and the stream goes on with the next.
* A record the server keeps failing on while it is up (an HTTP 500 that is not a gateway's 502, 503
  or 504) is a *poison* record: after :data:`POISON_ATTEMPTS` such answers in a row, if the server's
  health check says it is up with its database, it is parked too, with the reason, so one bad record
  cannot hold up an operator's stream forever (a server failing on everything, its database down,
  fails its health check too: that is an outage, and the record is retried). A batch that
  fails so is halved (:data:`SPLIT_AFTER` answers in a row) until the record is alone; good records
  of the halves go on. An outage (no answer, timeouts, 502/503/504, 429) never parks anything.
* A login the server no longer accepts pauses every stream until :meth:`SyncPump.logged_in`.
* Its own reads and bookkeeping of the store (the next items, delivered, a failed attempt) run on the
  sync engine's store thread (:class:`app.sync.worker.StoreWorker`), not on the loop's thread, which in
  the desktop is the GUI's: a delivery never holds up a screen pop (issue 15). Parking stays on the
  loop's thread, where its listeners undo what the item changed on screen.
* While a call pops (its card waits for the caller's contact), what can wait does (``quiet``: the
  core's :class:`~app.session.popping.PopWatch`): a call's report, a disposition, a contact edit or a
  task's result is sent after the card is shown, not beside its lookup on the server and on the GUI
  thread (issue 15). A status change never waits: the PBX routes calls by it.
* At start-up the pump simply finds what is pending: an item being sent when the process died is
  still pending and is sent again; the server recognises its ``Idempotency-Key``.
* tenacity is imported by the first delivery, not with this module: the desktop loads the pump at
  start and has nothing to send until the operator's status is reported, after its window is shown
  (issue 15: ~11 ms of CPU off the cold start; the desktop's warm-up imports it off the GUI thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from app.client.errors import ApiError, LoginRequiredError, TransientError, UntrustedServerError
from app.store.schema import OutboxKind
from app.sync.deliver import Delivered, Deliverer, Outcome, Refused
from app.sync.items import OutboxCounts, OutboxItem
from app.sync.outbox import Outbox
from app.sync.status import SyncMonitor
from app.sync.worker import StoreWorker

if TYPE_CHECKING:
    from tenacity import RetryCallState

log = logging.getLogger("ringdesk.sync")
POISON_ATTEMPTS = 8
"""Server failures in a row on one record before it is parked: with the default backoff (0.5 s
doubling, capped at 15 s) about a minute of trying. A proxy or server failing at random (8 % of
answers in ``tests/sync/test_hostile.py``) fails one record eight times in a row once in 10^9."""
SPLIT_AFTER = 2
"""Server failures in a row on a batch before it is halved to find the record the server fails on."""


def server_fault(status: int | None) -> bool:
    """Whether an answer says the server itself failed on this request (a 500, a 501...), as opposed
    to an outage: no answer, or a gateway or an overloaded server (502, 503, 504) that fails every
    record alike."""
    return status is not None and status >= 500 and status not in (502, 503, 504)


class _Faults:
    """Counts a request's server faults in a row (tenacity's ``stop``): ``limit`` of them stop the
    retrying, any other failure starts the count again."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_a_row = 0

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, TransientError) and server_fault(exc.status):
            self.in_a_row += 1
        else:
            self.in_a_row = 0
        return self.in_a_row >= self.limit


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff between attempts: a random wait in ``[0, min(cap, initial * 2**n)]`` (full jitter),
    at least the server's ``Retry-After`` (plus up to a second of jitter) when it sent one."""

    initial: float = 0.5
    cap: float = 15.0

    def wait(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        # The exponent is capped: after a thousand attempts (days offline) 2**n no longer fits a float.
        backoff = rng.uniform(0, min(self.cap, self.initial * 2.0 ** min(max(attempt - 1, 0), 64)))
        if retry_after is not None:
            return max(backoff, retry_after + rng.uniform(0, 1))
        return backoff


class SyncPump:
    """Run with ``await pump.run()`` in the application's event loop (qasync in the desktop)."""

    def __init__(
        self,
        outbox: Outbox,
        deliverer: Deliverer,
        monitor: SyncMonitor,
        *,
        policy: RetryPolicy | None = None,
        max_streams: int = 4,
        rng: random.Random | None = None,
        worker: StoreWorker | None = None,
        quiet: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.outbox = outbox
        self.quiet = quiet
        """Returns once no call pops (``None``: never wait); status changes do not ask it."""
        self.worker = worker or StoreWorker()
        """Where the pump's store work runs (the service's, shared with its cache writes)."""
        self.monitor = monitor
        self.max_streams = max_streams
        self._deliverer = deliverer
        self._policy = policy or RetryPolicy()
        self._rng = rng or random.Random()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._kicked = asyncio.Event()
        self._login = asyncio.Event()
        self._login.set()
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._limits: dict[str, int] = {}
        """Streams whose batches are being halved to find a poison record: the current batch size."""
        self._last_pending = outbox.counts().pending

    # ------------------------------------------------------------------ control (any thread)
    def kick(self) -> None:
        """Try again now instead of at the end of the current backoff."""
        self._call(self._do_kick)

    def logged_in(self) -> None:
        """The operator logged in again: resume sending."""
        self.monitor.update(login_required=False)
        self._call(self._login.set)
        self.kick()

    # ------------------------------------------------------------------ running
    async def run(self) -> None:
        """Send until cancelled. Cancelling leaves unsent items pending for the next run."""
        self._loop = asyncio.get_running_loop()
        unsubscribe = self.outbox.subscribe(self._counts_changed)
        try:
            while True:
                self._wake.clear()
                self._start_workers(await self.worker.run(self.outbox.pending_streams))
                await self._wake.wait()
        finally:
            unsubscribe()
            workers = list(self._workers.values())
            for task in workers:
                task.cancel()
            for task in workers:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def until_empty(self) -> None:
        """Return once nothing is pending (parked items do not count)."""
        empty = asyncio.Event()
        loop = asyncio.get_running_loop()

        def check(counts: OutboxCounts) -> None:
            if counts.pending == 0:
                loop.call_soon_threadsafe(empty.set)

        unsubscribe = self.outbox.subscribe(check)
        try:
            check(self.outbox.counts())
            await empty.wait()
        finally:
            unsubscribe()

    def _start_workers(self, streams: list[str]) -> None:
        for stream in streams:
            # a status stream (one per operator) is started even when every slot is taken: the others
            # may be waiting for a pop to end (``quiet``), and a status change never waits
            if len(self._workers) >= self.max_streams and not stream.startswith("status:"):
                continue
            if stream not in self._workers:
                task = asyncio.create_task(self._worker(stream), name=f"sync:{stream}")
                self._workers[stream] = task
                task.add_done_callback(functools.partial(self._worker_done, stream))

    def _worker_done(self, stream: str, _task: asyncio.Task[None]) -> None:
        self._workers.pop(stream, None)
        self._wake.set()

    async def _worker(self, stream: str) -> None:
        while True:
            try:
                if not await self._send_next(stream):
                    return
            except Exception:
                # A bug or a local disk problem, not the server: say so, wait, and carry on; the
                # item is still pending, so nothing is lost by trying again later.
                log.exception("sync of %s failed unexpectedly", stream)
                await self._sleep(self._policy.cap)

    async def _send_next(self, stream: str) -> bool:
        """Deliver (or park) the next item(s) of ``stream``; ``False`` when there was none."""
        head = await self.worker.run(self._next, stream, self._limits.get(stream))
        if not head:
            return False
        batch = head
        if self.quiet is not None and batch[0].kind is not OutboxKind.STATUS:
            await self.quiet()  # the card of a call ringing now first (see the module docstring)
        full = self._deliverer.batch_size(batch[0].kind)
        outcomes = await self._deliver(batch)
        if outcomes is None:  # the server keeps failing on this batch: look for the record in halves
            self._limits[stream] = max(1, len(batch) // 2)
            return True
        if stream in self._limits:  # back to full batches, doubling, once the poison is behind
            grown = self._limits.pop(stream) * 2
            if grown < full:
                self._limits[stream] = grown
        answered = list(zip(batch, outcomes, strict=False))
        delivered = [(item, outcome) for item, outcome in answered if isinstance(outcome, Delivered)]
        if delivered:
            await self.worker.run(self._mark_delivered, delivered)
        for item, outcome in answered:
            if not isinstance(outcome, Delivered):  # on the loop's thread: its listeners undo on screen
                self.outbox.mark_parked(item, outcome.reason, outcome.http_status)
        return True

    def _mark_delivered(self, delivered: list[tuple[OutboxItem, Delivered]]) -> None:
        for item, outcome in delivered:
            self.outbox.mark_delivered(item, outcome.server_ref, outcome.contact)

    def _next(self, stream: str, limit: int | None) -> list[OutboxItem]:
        """The next batch of ``stream`` (on the store thread): its head, and as many of the same kind
        after it as a batch takes (fewer while a poison record is being looked for)."""
        head = self.outbox.head(stream)
        if not head:
            return head
        full = self._deliverer.batch_size(head[0].kind)
        size = min(full, limit or full)
        if size <= 1:
            return head
        same = [i for i in self.outbox.head(stream, size) if i.kind is head[0].kind]
        return Deliverer.take(same, size)

    async def _deliver(self, batch: Sequence[OutboxItem]) -> list[Outcome] | None:
        """The outcome of each item; ``None`` when the server keeps failing on a batch of several
        (halve it), a :class:`Refused` for a single record it keeps failing on (a poison record)."""
        from tenacity import AsyncRetrying, retry_if_exception_type  # (the module docstring says why)

        while True:
            await self._login.wait()
            faults = _Faults(SPLIT_AFTER if len(batch) > 1 else POISON_ATTEMPTS)
            try:
                retrying = AsyncRetrying(
                    retry=retry_if_exception_type(TransientError),
                    wait=self._wait,
                    stop=faults,
                    sleep=self._sleep,
                    before_sleep=functools.partial(self._failed, batch[0]),
                    reraise=True,
                )
                async for attempt in retrying:
                    with attempt:
                        outcomes = await self._deliverer.deliver(batch)
                if self.monitor.status.online is False:
                    log.info("the server accepts deliveries again")
                self.monitor.update(online=True, last_error=None, untrusted=False, retry_at=None)
                return outcomes
            except TransientError as exc:  # only when ``faults`` stopped the retrying
                if not await self._deliverer.healthy():  # failing on everything: an outage
                    log.warning("the server fails and says it is not healthy: retrying, parking nothing")
                    self.worker.later(self.outbox.note_attempt, batch[0].id, str(exc), exc.status)
                    await self._sleep(self._policy.cap)
                    continue
                if len(batch) > 1:
                    log.warning("the server keeps failing on a batch of %d: halving it", len(batch))
                    return None
                log.warning("the server failed on %s %d times in a row: parked", batch[0].key, faults.limit)
                reason = f"the server failed on this record {faults.limit} times in a row ({exc})"
                return [Refused(reason, exc.status)]
            except LoginRequiredError as exc:
                self._login.clear()
                self.worker.later(self.outbox.note_attempt, batch[0].id, f"login required: {exc}", exc.status)
                self.monitor.update(login_required=True, online=True, last_error=str(exc), retry_at=None)

    # ------------------------------------------------------------------ retry plumbing
    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        retry_after = exc.retry_after if isinstance(exc, TransientError) else None
        return self._policy.wait(state.attempt_number, retry_after, self._rng)

    def _failed(self, item: OutboxItem, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        error = str(exc) if exc is not None else "failed"
        status = exc.status if isinstance(exc, ApiError) else None
        self.worker.later(self.outbox.note_attempt, item.id, error, status)
        if self.monitor.status.online is not False:
            log.warning("cannot deliver to the server, will retry: %s", error)
        wait = state.upcoming_sleep
        self.monitor.update(
            online=False,
            last_error=error,
            untrusted=isinstance(exc, UntrustedServerError),
            retry_at=datetime.now(UTC) + timedelta(seconds=wait),
        )

    async def _sleep(self, seconds: float) -> None:
        kicked = self._kicked
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(kicked.wait(), seconds)

    def _do_kick(self) -> None:
        kicked, self._kicked = self._kicked, asyncio.Event()
        kicked.set()

    def _counts_changed(self, counts: OutboxCounts) -> None:
        grew = counts.pending > self._last_pending
        self._last_pending = counts.pending
        if grew:  # something new to send: maybe a new stream (deliveries alone need no rescan)
            self._call(self._wake.set)

    def _call(self, function: Callable[[], object]) -> None:
        loop = self._loop
        if loop is None:
            return
        try:
            if loop is asyncio.get_running_loop():
                function()
                return
        except RuntimeError:
            pass
        loop.call_soon_threadsafe(function)
