"""The delivery worker: an asyncio task in every server process that posts due deliveries.

**Claiming** (:func:`claim`) is one short transaction: for each active endpoint with a free slot in
this process, the due deliveries (``pending`` and due, or ``delivering`` whose lease ran out: a
worker that died) are picked with ``SELECT ... FOR UPDATE SKIP LOCKED``, as the task queue does
(``server.crud.task_queue``), and marked ``delivering`` with a lease, the attempt counted. Another
worker process skips the rows locked by a claim in progress and, once it committed, no longer sees
them as due: each delivery is sent by one worker at a time. On SQLite every transaction is ``BEGIN
IMMEDIATE`` (``server.db``) and there is one process, so claims simply take turns.

**Sending** happens outside any transaction, so a slow receiver holds no database lock. The whole
attempt is bounded by ``webhook_timeout_seconds``; a process sends at most ``webhook_concurrency``
at once and at most ``webhook_endpoint_concurrency`` to one endpoint, so a receiver that hangs
occupies its own few slots and nobody else's. Redirects are not followed (they could lead to an
address the URL check refused); anything but a 2xx is a failed attempt.

**Recording** the outcome is a second short transaction, guarded by the attempt number (a lease that
ran out meanwhile and was claimed again is left to its new owner). A failed attempt is due again
after an exponential delay with jitter (:func:`backoff`); after ``webhook_max_attempts`` attempts
the delivery is ``failed`` and stays in the log for an admin to replay. The lease is the timeout
plus a margin, so it only runs out when the process died or stalled: the delivery is then sent again
with the same ``Ringdesk-Delivery`` id, which is why receivers de-duplicate on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

import app as ringdesk
from server.db import Database
from server.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, utcnow
from server.models.webhooks import DUE
from server.settings import Settings
from server.webhooks import events
from server.webhooks.signing import signature
from server.webhooks.urls import Address, BadWebhookUrl, allowed_hosts, check_url, own_addresses

log = logging.getLogger("ringdesk.server.webhooks")

#: What a lease adds to the timeout: a worker that is alive records its outcome well within it.
LEASE_MARGIN = timedelta(seconds=30)
ERROR_MAX = 500


@dataclass(frozen=True)
class Policy:
    timeout: float
    max_attempts: int
    retry_base: float
    retry_max: float
    concurrency: int
    per_endpoint: int
    poll: float

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            timeout=settings.webhook_timeout_seconds,
            max_attempts=settings.webhook_max_attempts,
            retry_base=settings.webhook_retry_base_seconds,
            retry_max=settings.webhook_retry_max_seconds,
            concurrency=settings.webhook_concurrency,
            per_endpoint=settings.webhook_endpoint_concurrency,
            poll=settings.webhook_poll_seconds,
        )


def backoff(attempts: int, policy: Policy, rng: random.Random) -> float:
    """Seconds until the next attempt after ``attempts`` failed ones: the base doubled per attempt,
    at most ``retry_max``, times a random 0.8-1.2 (receivers that failed together do not all come
    back at the same second). With the defaults (60 s, 8 h, 12 attempts) the last attempt is about
    a day after the first."""
    delay: float = min(policy.retry_max, policy.retry_base * 2.0 ** max(0, attempts - 1))
    return delay * rng.uniform(0.8, 1.2)


@dataclass(frozen=True)
class Job:
    """One claimed attempt: everything needed to send it without the database."""

    id: int
    uid: uuid.UUID
    attempt: int
    endpoint_id: int
    url: str
    secret: str
    event_type: str
    body: bytes


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def body_of(event: WebhookEvent) -> bytes:
    """The JSON posted: the event's id, type, time and data (docs/integrations.md)."""
    envelope: dict[str, Any] = {
        "id": str(event.uid),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": event.data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def claim(db: Database, *, free: dict[int, int], total: int, policy: Policy, now: datetime) -> list[Job]:
    """Claim up to ``total`` due deliveries, at most ``free.get(endpoint, per_endpoint)`` per
    endpoint (module notes); committed."""
    jobs: list[Job] = []
    until = now + timedelta(seconds=policy.timeout) + LEASE_MARGIN
    due = or_(
        and_(WebhookDelivery.state == "pending", WebhookDelivery.next_at <= now),
        and_(WebhookDelivery.state == "delivering", WebhookDelivery.lease_until <= now),
    )
    with db.sessions() as session:
        endpoints = session.execute(
            select(WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.secret)
            .where(WebhookEndpoint.active.is_(True))
            .order_by(WebhookEndpoint.id)
        ).all()
        for endpoint_id, url, secret in endpoints:
            room = min(free.get(endpoint_id, policy.per_endpoint), total - len(jobs))
            if room <= 0:
                continue
            ids = session.scalars(
                select(WebhookDelivery.id)
                .where(WebhookDelivery.endpoint_id == endpoint_id, DUE, due)
                .order_by(WebhookDelivery.next_at, WebhookDelivery.id)
                .limit(room)
                .with_for_update(skip_locked=True)
            ).all()
            if not ids:
                continue
            claimed = session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_(ids))
                .values(
                    state="delivering",
                    attempts=WebhookDelivery.attempts + 1,
                    lease_until=until,
                    last_attempt_at=now,
                )
                .returning(
                    WebhookDelivery.id,
                    WebhookDelivery.uid,
                    WebhookDelivery.attempts,
                    WebhookDelivery.event_id,
                )
            ).all()
            event_rows = session.scalars(
                select(WebhookEvent).where(WebhookEvent.id.in_({row.event_id for row in claimed}))
            )
            by_id = {event.id: event for event in event_rows}
            for row in sorted(claimed, key=lambda r: r.id):
                event = by_id[row.event_id]
                jobs.append(
                    Job(row.id, row.uid, row.attempts, endpoint_id, url, secret, event.type, body_of(event))
                )
        session.commit()
    return jobs


def record(db: Database, job: Job, outcome: Outcome, *, policy: Policy, rng: random.Random) -> str:
    """Store an attempt's outcome (module notes); the delivery's new state, or ``superseded`` when
    its lease had run out and another claim owns it now (this outcome is then dropped)."""
    now = utcnow()
    values: dict[str, Any] = {
        "last_status": outcome.status,
        "last_error": outcome.error[:ERROR_MAX] if outcome.error else None,
        "last_duration_ms": outcome.duration_ms,
        "lease_until": None,
    }
    if outcome.ok:
        values.update(state="delivered", delivered_at=now)
    elif job.attempt >= policy.max_attempts:
        values.update(state="failed")
    else:
        values.update(state="pending", next_at=now + timedelta(seconds=backoff(job.attempt, policy, rng)))
    with db.sessions() as session:
        done = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == job.id,
                WebhookDelivery.state == "delivering",
                WebhookDelivery.attempts == job.attempt,
            )
            .values(**values)
        )
        session.commit()
    if not done.rowcount:  # type: ignore[attr-defined]
        return "superseded"  # the lease ran out meanwhile and the delivery was claimed again
    return str(values["state"])


class DeliveryWorker:
    """The per-process worker (module notes). ``start()`` in the app's lifespan, ``stop()`` at its end."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = Policy.of(settings)
        self._url = settings.database_url
        self.db: Database | None = None
        self._endpoints: events.Endpoints = ()
        self._read_at = -math.inf
        self._allowed = allowed_hosts(settings.webhook_allowed_hosts)
        self._listen_host = settings.host
        self._own: frozenset[Address] = frozenset()
        self._transport = transport
        self._rng = random.Random()
        self._busy: dict[int, int] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._starts = 0
        """Lifespans running the worker now: an app whose lifespan is entered again while it runs
        (a second TestClient on it) keeps the one worker, on the loop that started it."""

    def wake(self) -> None:
        """Look for due deliveries now (thread-safe: called after a commit in a worker thread)."""
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        """Start the worker, on an engine of its own: its queries neither take the requests'
        connections nor show among their statements."""
        self._starts += 1
        if self._starts > 1:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()  # an event binds to the loop that first waits on it
        self.db = Database.connect(self._url)
        self._own = await run_in_threadpool(own_addresses, self._listen_host)
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            timeout=httpx.Timeout(self.policy.timeout),
            limits=httpx.Limits(max_connections=self.policy.concurrency, max_keepalive_connections=8),
            headers={"User-Agent": f"ringdesk-webhooks/{ringdesk.__version__}"},
            trust_env=False,
        )
        events.on_new_deliveries(self.wake)
        self._task = asyncio.create_task(self._run(), name="webhook-delivery")

    async def stop(self) -> None:
        """Stop claiming and sending. Deliveries cut off mid-send stay ``delivering`` until their
        lease runs out, then any worker sends them again (same delivery id)."""
        self._starts = max(0, self._starts - 1)
        if self._starts > 0:
            return
        with contextlib.suppress(ValueError):
            events._wakers.remove(self.wake)
        loop = asyncio.get_running_loop()  # a task of a loop already closed can only be forgotten
        tasks = [t for t in (self._task, *self._sending) if t is not None and t.get_loop() is loop]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._sending.clear()
        if self._client is not None:
            await self._client.aclose()
        if self.db is not None:
            self.db.dispose()

    def _refresh(self) -> events.Endpoints:
        """Re-read the endpoints, for this process's list too (``server.webhooks.events``)."""
        assert self.db is not None
        with self.db.sessions() as session:
            return events.read_endpoints(session)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                jobs, room = await self._claim()
            except Exception:  # the worker must outlive any one failure: log it, try again later
                log.exception("webhook worker step failed", extra={"event": "webhooks.worker_failed"})
                jobs, room = [], 0
            for job in jobs:
                self._busy[job.endpoint_id] = self._busy.get(job.endpoint_id, 0) + 1
                task = asyncio.create_task(self._deliver(job), name=f"webhook-{job.id}")
                self._sending.add(task)
            if jobs and len(jobs) == room:
                continue  # full: more may be due; the next claim waits for a slot below
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.policy.poll):
                    await self._wake.wait()

    async def _claim(self) -> tuple[list[Job], int]:
        """Due deliveries for the free slots, once the endpoints were re-read (at most once a poll);
        no claim at all while no endpoint is active."""
        if time.monotonic() - self._read_at >= self.policy.poll:
            self._endpoints = await run_in_threadpool(self._refresh)
            self._read_at = time.monotonic()
        room = self.policy.concurrency - len(self._sending)
        if room <= 0 or not any(active for _, active, _ in self._endpoints):
            return [], room
        free = {endpoint: self.policy.per_endpoint - n for endpoint, n in self._busy.items()}
        assert self.db is not None
        jobs = await run_in_threadpool(
            claim, self.db, free=free, total=room, policy=self.policy, now=utcnow()
        )
        return jobs, room

    async def _deliver(self, job: Job) -> None:
        assert self.db is not None
        try:
            outcome = await self.send(job)
            state = await run_in_threadpool(record, self.db, job, outcome, policy=self.policy, rng=self._rng)
            log.info(
                "webhook delivery attempt",
                extra={
                    "event": "webhooks.attempt",
                    "delivery": str(job.uid),
                    "endpoint": job.endpoint_id,
                    "attempt": job.attempt,
                    "status": outcome.status,
                    "error": outcome.error,
                    "ms": outcome.duration_ms,
                    "state": state,
                },
            )
        except SQLAlchemyError as exc:  # the lease runs out and the attempt is made again
            log.warning("webhook record failed", extra={"event": "webhooks.record_failed", "error": str(exc)})
        finally:
            self._busy[job.endpoint_id] -= 1
            if not self._busy[job.endpoint_id]:
                del self._busy[job.endpoint_id]
            current = asyncio.current_task()
            if current is not None:
                self._sending.discard(current)
            self._wake.set()

    async def send(self, job: Job) -> Outcome:
        """One attempt: the URL checked again, the body signed and posted within the timeout."""
        assert self._client is not None
        started = time.monotonic()

        def took() -> int:
            return round((time.monotonic() - started) * 1000)

        try:
            await run_in_threadpool(check_url, job.url, allowed=self._allowed, own=self._own)
        except BadWebhookUrl as exc:
            return Outcome(None, f"refused: {exc}", took())
        headers = {
            "Content-Type": "application/json",
            "Ringdesk-Event": job.event_type,
            "Ringdesk-Delivery": str(job.uid),
            "Ringdesk-Attempt": str(job.attempt),
            "Ringdesk-Signature": signature(job.secret, int(time.time()), job.body),
        }
        try:
            async with asyncio.timeout(self.policy.timeout):
                async with self._client.stream(
                    "POST", job.url, content=job.body, headers=headers
                ) as response:
                    return Outcome(response.status_code, _error_of(response), took())
        except TimeoutError:
            return Outcome(None, f"no answer within {self.policy.timeout:g} s", took())
        except httpx.HTTPError as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, took())


def _error_of(response: httpx.Response) -> str | None:
    if 200 <= response.status_code < 300:
        return None
    if 300 <= response.status_code < 400:
        return f"HTTP {response.status_code}: redirects are not followed (register the final URL)"
    return f"HTTP {response.status_code} {response.reason_phrase}".strip()
