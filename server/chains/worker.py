"""The chain worker: an asyncio task that claims due steps and works them (:mod:`server.chains.steps`
and :mod:`server.chains.batch` for the database side). It runs in processes of its own under
``serve`` on PostgreSQL (:mod:`server.chains.process`: why), else in each server process's lifespan.

It claims up to ``chain_batch`` due steps at a time, works at most ``chain_concurrency`` at once
(each step's database work in the thread pool, each send on the loop or, for SMTP, in a thread),
and looks again as soon as a slot frees up, when a transaction that started runs commits in this
process, or every ``chain_poll_seconds`` (steps made by other processes, waits that ran out). A
provider that is down costs its own attempts only: a failed send puts the step back with a backoff
(the chain waits), and other steps go on.

Why ``SKIP LOCKED`` and not a job-queue library: the task queue and the webhook worker already claim
this way (``server.crud.task_queue``, ``server.webhooks.delivery``); PostgreSQL job-queue libraries
(procrastinate, pgqueuer) bring their own schema and worker process and do not run on SQLite, which
ringdesk supports single-process. A step is a row with a lease: the database is the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from server.chains import batch, steps
from server.chains.clock import Clock, SystemClock
from server.chains.policy import Policy
from server.chains.progress import Claimed
from server.chains.sending import SendJob
from server.db import Database
from server.messaging.base import NotConfigured, Provider, Sent
from server.settings import Settings

log = logging.getLogger("ringdesk.server.chains")
T = TypeVar("T")
DB_THREADS = 2
"""Threads of a worker's database work: its own, not the request handlers' pool (a burst of chains
never takes a request's thread), and few (each batch is one transaction; two keep the database busy
while the other's rows are built)."""
_listeners: list[Callable[[], None]] = []

_NEW = "chains.new_steps"
"""``session.info`` flag the trigger sets: wake this process's worker after the commit."""


def providers_of(settings: Settings) -> dict[str, Provider]:
    """The configured provider of each channel (:class:`NotConfigured` for one without)."""
    from server.messaging.http_sms import HttpSmsProvider
    from server.messaging.kannel import KannelProvider
    from server.messaging.smtp import SmtpProvider

    email: Provider = (
        SmtpProvider(settings)
        if settings.smtp_host
        else NotConfigured("smtp", "e-mail is not configured (smtp_host)")
    )
    sms: Provider
    if settings.sms_provider == "kannel":
        sms = KannelProvider(settings)
    elif settings.sms_provider == "http":
        sms = HttpSmsProvider(settings)
    else:
        sms = NotConfigured("none", "SMS is not configured (sms_provider)")
    return {"email": email, "sms": sms}


class ChainWorker:
    """The per-process worker (module notes). ``start()`` in the lifespan, ``stop()`` at its end."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        providers: Mapping[str, Provider] | None = None,
    ) -> None:
        self.settings = settings
        self.policy = Policy.of(settings)
        self.clock: Clock = clock or SystemClock()
        self._providers = dict(providers) if providers is not None else None
        self.providers: dict[str, Provider] = {}
        self.db: Database | None = None
        self._rng = random.Random()
        self._working: set[asyncio.Task[None]] = set()
        self._in_flight = 0
        """Claimed steps not yet finished (at most ``chain_concurrency``)."""
        self._sending = asyncio.Semaphore(settings.chain_send_concurrency)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._starts = 0

    def wake(self) -> None:
        """Look for due steps now (thread-safe: called after a commit in a worker thread)."""
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._starts += 1
        if self._starts > 1:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._sending = asyncio.Semaphore(self.settings.chain_send_concurrency)
        self.db = Database.connect(self.settings.database_url)
        self._executor = ThreadPoolExecutor(DB_THREADS, thread_name_prefix="chain-db")
        self.providers = self._providers if self._providers is not None else providers_of(self.settings)
        _listeners.append(self.wake)
        self._task = asyncio.create_task(self._run(), name="chain-worker")

    async def stop(self) -> None:
        """Stop claiming. Steps cut off mid-work stay ``working`` until their lease runs out, then
        any worker takes them again (a send: with the same message uid)."""
        self._starts = max(0, self._starts - 1)
        if self._starts > 0:
            return
        with contextlib.suppress(ValueError):
            _listeners.remove(self.wake)
        loop = asyncio.get_running_loop()
        tasks = [t for t in (self._task, *self._working) if t is not None and t.get_loop() is loop]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._working.clear()
        self._in_flight = 0
        if self._providers is None:
            for provider in self.providers.values():
                closer = getattr(provider, "aclose", None)
                if closer is not None:
                    await closer()
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self.db is not None:
            self.db.dispose()

    async def _in_thread(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in the worker's own database threads."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, partial(fn, *args, **kwargs))

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            room = min(self.settings.chain_batch, self.settings.chain_concurrency - self._in_flight)
            claimed: list[Claimed] = []
            if room > 0:
                try:
                    assert self.db is not None
                    claimed = await self._in_thread(
                        steps.claim, self.db, now=self.clock.now(), limit=room, policy=self.policy
                    )
                except Exception:  # the worker must outlive any one failure: log it, try again later
                    log.exception("chain worker claim failed", extra={"event": "chains.claim_failed"})
            if claimed:
                self._in_flight += len(claimed)
                task = asyncio.create_task(self._batch(claimed), name=f"chain-steps-{claimed[0].id}")
                self._working.add(task)
                task.add_done_callback(self._done)
            if claimed and len(claimed) == room:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.chain_poll_seconds):
                    await self._wake.wait()

    def _done(self, task: asyncio.Task[None]) -> None:
        self._working.discard(task)
        self._wake.set()

    async def _send(self, job: SendJob) -> batch.Outcome:
        provider = self.providers[job.outgoing.channel]
        async with self._sending:
            try:
                sent = await provider.send(job.outgoing)
            except Exception as exc:  # a provider's bug must not lose the step: it is retried
                log.exception("chain send failed", extra={"event": "chains.send_crashed"})
                sent = Sent.failed(f"{type(exc).__name__}: {exc}")
        return job, sent, provider.name

    async def _batch(self, claimed: list[Claimed]) -> None:
        """Work a claimed batch: its steps in one transaction, the sends together (at most
        ``chain_send_concurrency`` at once per process), their outcomes in one more."""
        assert self.db is not None
        try:
            jobs = await self._in_thread(
                batch.prepare_many, self.db, claimed, now=self.clock.now(), policy=self.policy
            )
            outcomes = await asyncio.gather(*(self._send(job) for job in jobs))
            states = await self._in_thread(
                batch.record_many, self.db, outcomes, now=self.clock.now(), policy=self.policy, rng=self._rng
            )
            for job, sent, _ in outcomes:
                log.info(
                    "chain message attempt",
                    extra={
                        "event": "chains.send",
                        "message": str(job.outgoing.uid),
                        "channel": job.outgoing.channel,
                        "attempt": job.attempt,
                        "ok": sent.ok,
                        "error": sent.error,
                        "state": states.get(job.step_id),
                    },
                )
        except Exception as exc:  # the leases run out and the steps are worked again
            log.warning("chain steps failed", extra={"event": "chains.step_failed", "error": str(exc)})
        finally:
            self._in_flight -= len(claimed)


@sa_event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if session.info.pop(_NEW, False):
        for waker in list(_listeners):
            waker()


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_NEW, None)
