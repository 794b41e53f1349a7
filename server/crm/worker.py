"""The CRM service of a server process: the worker that sends ``crm_jobs`` to the CRM, and the
adapter the screen pop asks (:mod:`server.crm.lookup`).

**Claiming** is one short transaction, as for webhooks (``server.webhooks.delivery``): due jobs
(``pending`` and due, or ``working`` whose lease ran out: a process that died) are picked one at a
time with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marked ``working`` with a lease, the attempt
counted.

**Sending** happens outside any transaction, one job at a time per process (the portal's rate
allows two requests a second anyway). A job's steps are sent in order and each one the CRM
acknowledged is written to ``progress`` at once, guarded by the attempt number, so a step that
succeeded is not sent again when a later one fails: a call is registered once and finished once.
A call job: register (``call_started``) unless the CRM's call id is known; finish
(``call_finished``, with the recording's link when it is known) once the call's end is known;
attach the recording (``attach_recording``) when its link came after the finish. A contact job:
look the number up in the CRM, and create the contact there only when it has none.

**Recording** the outcome: all known facts sent -> ``done`` (a call not ended yet: ``waiting``);
facts merged meanwhile (``revision`` moved) -> ``pending`` again at once. A failure ->
``pending`` after an exponential delay with jitter, ``failed`` after ``crm_max_attempts``; the CRM
refusing the request itself (:class:`~server.crm.contract.CrmRefused`) -> ``failed`` at once
(sending it again would be refused again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from starlette.concurrency import run_in_threadpool

from server.crm import connection as connections
from server.crm import outbox
from server.crm.connection import Connection
from server.crm.contract import (
    CallDirection,
    CallFacts,
    CallResult,
    CrmAdapter,
    CrmError,
    CrmRefused,
    NewContact,
)
from server.db import Database
from server.models import CrmJob, utcnow
from server.settings import Settings

log = logging.getLogger("ringdesk.server.crm")
LEASE_STEPS = 8
"""A lease covers this many requests at the timeout, plus a margin (a job makes two or three)."""
ERROR_MAX = 500
BATCH = 1
"""Jobs claimed at once: one, since they are sent one after another and each lease starts at its
claim (a job claimed with others would wait its turn while its lease ran out, and another process
could take it meanwhile). At 2 requests a second the claim's query costs nothing that matters."""


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    key: str
    attempt: int
    revision: int
    data: dict[str, Any]
    progress: dict[str, Any]


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def call_facts(key: str, data: dict[str, Any]) -> CallFacts:
    return CallFacts(
        call_id=key,
        phone=str(data.get("phone") or ""),
        direction=CallDirection(data.get("direction") or CallDirection.INBOUND.value),
        operator=data.get("operator"),
        started_at=_time(data.get("started_at")),
        answered_at=_time(data.get("answered_at")),
        ended_at=_time(data.get("ended_at")),
        result=CallResult(data["result"]) if data.get("result") else None,
        queue=data.get("queue"),
        line=data.get("line"),
    )


class CrmService:
    """The per-process CRM worker and adapter holder (module notes)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._url = settings.database_url
        self.db: Database | None = None
        self.connection: Connection | None = None
        self.adapter: CrmAdapter | None = None
        self._rng = random.Random()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._starts = 0

    # ----- lifetime ------------------------------------------------------------------------------

    def wake(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def start(self) -> None:
        self._starts += 1
        if self._starts > 1:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self.db = Database.connect(self._url)
        await self.refresh()
        outbox.on_new_jobs(self.wake)
        self._task = asyncio.create_task(self._run(), name="crm-worker")

    async def stop(self) -> None:
        self._starts = max(0, self._starts - 1)
        if self._starts > 0:
            return
        outbox.forget_waker(self.wake)
        task, self._task = self._task, None
        if task is not None and task.get_loop() is asyncio.get_running_loop():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self._close_adapter()
        if self.db is not None:
            self.db.dispose()

    async def _close_adapter(self) -> None:
        adapter, self.adapter = self.adapter, None
        if adapter is not None:
            with contextlib.suppress(Exception):
                await adapter.aclose()

    async def refresh(self) -> None:
        """Re-read the connection; a changed one gets a new adapter."""
        assert self.db is not None

        def read() -> Connection | None:
            assert self.db is not None
            with self.db.sessions() as session:
                return connections.read(session)

        connection = await run_in_threadpool(read)
        if connection != self.connection:
            await self._close_adapter()
            self.connection = connection
            if connection is not None:
                self.adapter = connections.adapter_for(connection, self.settings)

    # ----- the loop ------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            busy = False
            try:
                await self.refresh()
                busy = await self.work_once()
            except Exception:  # the worker outlives any one failure
                log.exception("crm worker step failed", extra={"event": "crm.worker_failed"})
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.crm_poll_seconds):
                    await self._wake.wait()

    async def work_once(self) -> bool:
        """Claim due jobs and send them; whether any were claimed."""
        connection, adapter = self.connection, self.adapter
        if connection is None or adapter is None:
            return False
        jobs = await run_in_threadpool(self._claim, connection.kind)
        for job in jobs:
            await self._send(job, connection, adapter)
        return bool(jobs)

    def _claim(self, crm: str) -> list[Claimed]:
        assert self.db is not None
        now = utcnow()
        lease = timedelta(seconds=self.settings.crm_timeout_seconds * LEASE_STEPS + 30)
        due = or_(
            and_(CrmJob.state == "pending", CrmJob.next_at <= now),
            and_(CrmJob.state == "working", CrmJob.lease_until <= now),
        )
        with self.db.sessions() as session:
            ids = session.scalars(
                select(CrmJob.id)
                .where(CrmJob.crm == crm, due)
                .order_by(CrmJob.next_at, CrmJob.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            ).all()
            if not ids:
                return []
            rows = session.execute(
                update(CrmJob)
                .where(CrmJob.id.in_(ids))
                .values(state="working", attempts=CrmJob.attempts + 1, lease_until=now + lease)
                .returning(
                    CrmJob.id,
                    CrmJob.kind,
                    CrmJob.key,
                    CrmJob.attempts,
                    CrmJob.revision,
                    CrmJob.data,
                    CrmJob.progress,
                )
            ).all()
            session.commit()
        return sorted(
            (
                Claimed(r.id, r.kind, r.key, r.attempts, r.revision, dict(r.data), dict(r.progress))
                for r in rows
            ),
            key=lambda c: c.id,
        )

    def _write(self, job: Claimed, *, same_revision: bool = False, **values: Any) -> bool:
        """Update the claimed job, unless its lease ran out and another claim owns it now
        (``same_revision``: and no fact was merged since it was claimed)."""
        assert self.db is not None
        guard = [CrmJob.id == job.id, CrmJob.state == "working", CrmJob.attempts == job.attempt]
        if same_revision:
            guard.append(CrmJob.revision == job.revision)
        with self.db.sessions() as session:
            done = session.execute(update(CrmJob).where(*guard).values(**values))
            session.commit()
        return bool(done.rowcount)  # type: ignore[attr-defined]

    async def _progress(self, job: Claimed, **step: Any) -> None:
        job.progress.update(step)
        await run_in_threadpool(self._write, job, progress=dict(job.progress))

    async def _send(self, job: Claimed, connection: Connection, adapter: CrmAdapter) -> None:
        try:
            if job.kind == outbox.CALL:
                finished = await self._send_call(job, connection, adapter)
            else:
                finished = await self._send_contact(job, adapter)
        except Exception as exc:  # any failure counts as an attempt: bounded, never a job stuck working
            if not isinstance(exc, CrmError | TimeoutError):
                log.exception("crm job raised", extra={"event": "crm.job_error", "job": job.id})
            await run_in_threadpool(self._failed, job, exc)
            return
        await run_in_threadpool(self._succeeded, job, finished)

    async def _send_call(self, job: Claimed, connection: Connection, adapter: CrmAdapter) -> bool:
        facts = call_facts(job.key, job.data)
        timeout = self.settings.crm_timeout_seconds
        crm_call_id = job.progress.get("crm_call_id")
        if not crm_call_id:
            async with asyncio.timeout(timeout * 2):
                crm_call_id = await adapter.call_started(facts)
            await self._progress(job, crm_call_id=crm_call_id)
            self._log(job, "registered")
        if facts.ended_at is None or facts.result is None:
            return False
        link = connection.recording_link(job.data.get("recording_id"), job.key)
        if not job.progress.get("finished"):
            async with asyncio.timeout(timeout * 2):
                await adapter.call_finished(crm_call_id, facts, link)
            await self._progress(job, finished=True, recording=link)
            self._log(job, "finished")
        elif link and job.progress.get("recording") != link:
            async with asyncio.timeout(timeout * 2):
                await adapter.attach_recording(crm_call_id, facts, link)
            await self._progress(job, recording=link)
            self._log(job, "recording attached")
        return True

    async def _send_contact(self, job: Claimed, adapter: CrmAdapter) -> bool:
        if job.progress.get("crm_contact_id"):
            return True
        phones = tuple(job.data.get("phones") or ())
        timeout = self.settings.crm_timeout_seconds * 2
        for phone in phones:
            async with asyncio.timeout(timeout):
                found = await adapter.lookup_by_phone(phone)
            if found is not None:
                await self._progress(job, crm_contact_id=found.external_id, created=False)
                return True
        async with asyncio.timeout(timeout):
            new_id = await adapter.create_contact(
                NewContact(name=str(job.data.get("name") or ""), phones=phones, email=job.data.get("email"))
            )
        await self._progress(job, crm_contact_id=new_id, created=True)
        self._log(job, "contact created")
        return True

    def _succeeded(self, job: Claimed, finished: bool) -> None:
        """Done (or waiting for the call's end), unless facts were merged meanwhile: then due again now."""
        settled = "done" if finished else "waiting"
        values: dict[str, Any] = {"next_at": utcnow(), "lease_until": None, "last_error": None}
        if not self._write(job, same_revision=True, state=settled, **values) and self._write(
            job, state="pending", **values
        ):
            self.wake()

    def _failed(self, job: Claimed, exc: BaseException) -> None:
        if isinstance(exc, CrmError):
            error = str(exc)
        elif isinstance(exc, TimeoutError):
            error = "no answer in time"
        else:
            error = f"unexpected error: {type(exc).__name__}"
        settings = self.settings
        values: dict[str, Any] = {"lease_until": None, "last_error": error[:ERROR_MAX]}
        if isinstance(exc, CrmRefused) or job.attempt >= settings.crm_max_attempts:
            values["state"] = "failed"
        else:
            delay = min(
                settings.crm_retry_max_seconds, settings.crm_retry_base_seconds * 2.0 ** (job.attempt - 1)
            )
            values.update(
                state="pending", next_at=utcnow() + timedelta(seconds=delay * self._rng.uniform(0.8, 1.2))
            )
        self._write(job, **values)
        log.warning(
            "crm job attempt failed",
            extra={
                "event": "crm.failed",
                "job": job.id,
                "kind": job.kind,
                "attempt": job.attempt,
                "error": error,
                "state": values["state"],
            },
        )

    def _log(self, job: Claimed, what: str) -> None:
        log.info("crm " + what, extra={"event": "crm.step", "job": job.id, "kind": job.kind})
