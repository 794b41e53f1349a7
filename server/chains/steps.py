"""The chain worker's database work: claiming due steps, doing a step, recording a send.

**Claiming** (:func:`claim`) is one statement: the due steps (``pending`` and due, or ``working``
whose lease ran out: a worker that died) are picked with ``SELECT ... FOR UPDATE SKIP LOCKED`` and
marked ``working`` with a lease, the attempt counted, as the task queue and the webhook worker do.
Another worker process skips the rows a claim in progress holds and, once it committed, no longer
sees them as due: each step is worked by one worker at a time. On SQLite every transaction is
``BEGIN IMMEDIATE`` (``server.db``) and there is one process, so claims take turns.

**A step** (:func:`prepare`) is one transaction guarded by the attempt number: a wait, a branch, a
callback task or a stop is done and the next step added in it, exactly once. A sending step makes
its message row (with its uid) and commits *before* anything is sent; the send happens outside any
transaction and :func:`record` stores its outcome, finishes the step and adds the next one in one
more. A worker killed between the send and the record leaves the step ``working``: when its lease
runs out it is claimed again and the same message (same uid: the e-mail's Message-ID, the HTTP
provider's Idempotency-Key) is sent again, which the provider de-duplicates; a Kannel SMS, which
has no such key, waits for Kannel's report instead (``server.chains.in_doubt``).
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from server.chains import compose, in_doubt
from server.chains.definition import MAX_STEPS, Chain, Step, build
from server.chains.policy import Policy, backoff
from server.chains.reactions import reacted
from server.db import Database
from server.messaging.base import Outgoing, Sent, report_url
from server.models import (
    ChainDefinition,
    ChainMessage,
    ChainRun,
    ChainStep,
    Contact,
)
from server.models.chains import STEP_DUE

log = logging.getLogger("ringdesk.server.chains")
ERROR_MAX = 500


@dataclass(frozen=True)
class Claimed:
    id: int
    attempt: int


@dataclass(frozen=True)
class SendJob:
    step_id: int
    attempt: int
    message_id: int
    provider: str
    outgoing: Outgoing


def claim(db: Database, *, now: datetime, limit: int, policy: Policy) -> list[Claimed]:
    """Claim up to ``limit`` due steps, oldest first (module notes); committed."""
    due = or_(
        and_(ChainStep.state == "pending", ChainStep.due_at <= now),
        and_(ChainStep.state == "working", ChainStep.lease_until <= now),
    )
    with db.sessions() as session:
        ids = (
            select(ChainStep.id)
            .where(STEP_DUE, due)
            .order_by(ChainStep.due_at, ChainStep.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        rows = session.execute(
            update(ChainStep)
            .where(ChainStep.id.in_(ids))
            .values(state="working", attempts=ChainStep.attempts + 1, lease_until=now + policy.lease)
            .returning(ChainStep.id, ChainStep.attempts)
        ).all()
        session.commit()
    return sorted((Claimed(row.id, row.attempts) for row in rows), key=lambda c: c.id)


def chain_of(session: Session, run: ChainRun) -> Chain | None:
    """The run's chain version, read and built once per transaction (a batch of steps reads each
    chain once)."""
    return chain_by_key(session, run.chain_id, run.chain_version)


def chain_by_key(session: Session, chain_id: str, version: int) -> Chain | None:
    known: dict[tuple[str, int], Chain | None] = session.info.setdefault("chains.definitions", {})
    key = (chain_id, version)
    if key not in known:
        row = session.get(ChainDefinition, key)
        known[key] = build(row.document) if row is not None else None
    return known[key]


INLINE_MAX = 4
"""Steps at most done in the transaction of the step before them (:func:`following`)."""


@dataclass(frozen=True)
class Following:
    """What follows a finished step: the step rows to add (name, state, due), whether the run
    ended, and how many steps were worked on the way (added to ``steps_taken``)."""

    rows: list[tuple[str, str, datetime]]
    ended: bool
    taken: int


def following(chain: Chain | None, nxt: str | None, *, taken: int, now: datetime, due: datetime) -> Following:
    """The steps after a finished one. A ``stop``, or a ``wait``, that is due at once is done right
    here, in the transaction that finished the step before it (a row ``done``, the run ended or the
    step after the wait added), not claimed again by a worker: the same rows and the same outcome,
    one claim, lock and commit less per run (what a chain of "SMS, stop" costs half of). Any other
    step is added ``pending`` for a worker; so is one past :data:`MAX_STEPS` (it fails the run)."""
    rows: list[tuple[str, str, datetime]] = []
    worked = 0
    while nxt is not None:
        spec = chain.by_id.get(nxt) if chain is not None else None
        inline = (
            spec is not None
            and spec.kind in ("stop", "wait")
            and due <= now
            and worked < INLINE_MAX
            and taken + worked + 1 <= MAX_STEPS
        )
        if not inline:
            rows.append((nxt, "pending", due))
            return Following(rows, False, worked)
        assert spec is not None
        rows.append((nxt, "done", now))
        worked += 1
        if spec.kind == "stop":
            return Following(rows, True, worked)
        nxt, due = spec.next, now + timedelta(hours=spec.hours)
    return Following(rows, True, worked)


def _held(session: Session, claimed: Claimed) -> ChainStep | None:
    """The step if this claim still owns it (a lease that ran out may have been claimed again)."""
    step = session.scalars(select(ChainStep).where(ChainStep.id == claimed.id).with_for_update()).first()
    if step is None or step.state != "working" or step.attempts != claimed.attempt:
        return None
    return step


def _finish(
    session: Session,
    step: ChainStep,
    run: ChainRun,
    now: datetime,
    nxt: str | None,
    *,
    due: datetime | None = None,
    note: str | None = None,
) -> None:
    """Mark ``step`` done and add ``nxt`` (``None``: the run is done; a stop or a wait due at once
    is done here too: :func:`following`)."""
    step.state, step.finished_at, step.lease_until = "done", now, None
    if note:
        step.last_error = note[:ERROR_MAX]
    follow = following(chain_of(session, run), nxt, taken=run.steps_taken, now=now, due=due or now)
    for name, state, at in follow.rows:
        done = state == "done"
        session.add(
            ChainStep(
                run_id=run.id,
                step=name,
                state=state,
                due_at=at,
                attempts=0,
                finished_at=now if done else None,
            )
        )
    run.steps_taken += follow.taken
    if follow.ended:
        end_run(run, "done", now, None)


def end_run(run: ChainRun, state: str, now: datetime, reason: str | None) -> None:
    run.state, run.ended_at = state, now
    if reason:
        run.reason = reason[:ERROR_MAX]


def _fail(step: ChainStep, run: ChainRun, now: datetime, reason: str) -> None:
    step.state, step.finished_at, step.lease_until, step.last_error = "failed", now, None, reason[:ERROR_MAX]
    end_run(run, "failed", now, reason)


def prepare(db: Database, claimed: Claimed, *, now: datetime, policy: Policy) -> SendJob | None:
    """Do a claimed step (module notes); the send to make, if it is a sending step."""
    with db.sessions() as session:
        step = _held(session, claimed)
        if step is None:
            session.rollback()
            return None
        run = session.get(ChainRun, step.run_id, with_for_update=True)
        assert run is not None
        made = _work(session, step, run, now=now, policy=policy)
        session.flush()
        job = job_of(*made, policy=policy) if made is not None else None
        session.commit()
        return job


def _work(
    session: Session,
    step: ChainStep,
    run: ChainRun,
    *,
    now: datetime,
    policy: Policy,
    known: Mapping[int, ChainMessage] | None = None,
) -> tuple[ChainStep, ChainMessage] | None:
    """Do ``step`` in ``session``; for a sending step, the step and its message to send (flush,
    then :func:`job_of`). ``known``: the steps' messages read already (a batch), by step id."""
    if run.state != "running":
        step.state, step.finished_at, step.lease_until = "cancelled", now, None
        return None
    chain = chain_of(session, run)
    if chain is None or step.step not in chain.by_id:
        _fail(step, run, now, f"chain {run.chain_id} v{run.chain_version} has no step {step.step!r}")
        return None
    if known is not None:
        message = known.get(step.id)
    else:
        message = session.scalars(select(ChainMessage).where(ChainMessage.step_row_id == step.id)).first()
    if message is None:  # a retry of a send does not count as another step
        run.steps_taken += 1
    if run.steps_taken > MAX_STEPS:
        _fail(step, run, now, f"more than {MAX_STEPS} steps: stopped")
        return None
    spec = chain.step(step.step)
    if spec.kind == "wait":
        _finish(session, step, run, now, spec.next, due=now + timedelta(hours=spec.hours))
    elif spec.kind == "branch":
        went = spec.reacted if reacted(session, run, spec.reactions) else spec.otherwise
        _finish(session, step, run, now, went)
    elif spec.kind == "stop":
        _finish(session, step, run, now, None)
    elif spec.kind == "callback_task":
        _callback(session, step, run, chain=chain, spec=spec, now=now)
    else:
        return _send(session, step, run, chain=chain, spec=spec, message=message, now=now, policy=policy)
    return None


def _callback(
    session: Session, step: ChainStep, run: ChainRun, *, chain: Chain, spec: Step, now: datetime
) -> None:
    from server.crud.tasks import create_callback

    contact = session.get(Contact, run.contact_id) if run.contact_id is not None else None
    if not run.phone:
        _finish(session, step, run, now, spec.next, note="no phone number: no callback task")
        return
    try:
        text = (
            compose.fill(spec.text, compose.template_data(chain, run, contact)) if spec.text else chain.name
        )
    except compose.Incomplete as exc:
        text = f"{chain.name} ({exc})"
    task = create_callback(
        session,
        phone=run.phone,
        due_at=now + timedelta(hours=spec.hours),
        owner=None,
        team_id=None,
        contact_id=run.contact_id,
        queue=(run.trigger or {}).get("queue"),
        text=text[:2000],
        disposition_id=None,
    )
    _finish(session, step, run, now, spec.next, note=f"task {task.id}")


def _send(
    session: Session,
    step: ChainStep,
    run: ChainRun,
    *,
    chain: Chain,
    spec: Step,
    message: ChainMessage | None,
    now: datetime,
    policy: Policy,
) -> tuple[ChainStep, ChainMessage] | None:
    contact = session.get(Contact, run.contact_id) if run.contact_id is not None else None
    if message is None:
        choice = compose.choose(chain, spec, run, contact)
        if choice.stop_run:
            step.state, step.finished_at, step.lease_until = "cancelled", now, None
            end_run(run, "stopped", now, choice.skipped)
            return None
        if choice.channel is None:
            _skipped(session, step, run, spec, why=choice.skipped or "not allowed", now=now)
            _finish(session, step, run, now, spec.next, note=choice.skipped)
            return None
    else:
        choice = compose.Choice(message.channel, message.recipient)
        if in_doubt.settle(session, step, run, spec, message, now=now, policy=policy):
            return None
        if chain.marketing and contact is not None and contact.consent_marketing is False:
            step.state, step.finished_at, step.lease_until = "cancelled", now, None
            message.state, message.last_error = "skipped", "the client withdrew marketing consent"
            end_run(run, "stopped", now, "the client withdrew marketing consent")
            return None
    if choice.channel == "sms":
        opens = compose.next_open(compose.client_zone(contact, run.phone, policy.default_zone), now)
        if opens is not None:  # night in the client's zone: wait for the morning, no attempt spent
            step.state, step.due_at, step.lease_until = "pending", opens, None
            step.attempts -= 1
            return None
    if message is None:
        data = compose.template_data(chain, run, contact)
        try:
            if choice.channel == "email":
                assert spec.email is not None
                subject: str | None = compose.fill(spec.email.subject, data)
                body = compose.fill(spec.email.body, data)
            else:
                assert spec.sms is not None
                subject, body = None, compose.fill(spec.sms.text, data)
        except compose.Incomplete as exc:
            reason = f"step {spec.id!r}: {exc}"
            _fail(step, run, now, reason)
            return None
        assert choice.channel is not None and choice.recipient is not None
        message = ChainMessage(
            uid=uuid.uuid4(),
            run_id=run.id,
            step_row_id=step.id,
            contact_id=run.contact_id,
            channel=choice.channel,
            provider="",
            recipient=choice.recipient,
            subject=subject,
            body=body,
            state="queued",
            attempts=0,
            created_at=now,
        )
        session.add(message)
    if message.state != "queued":  # sent before and recorded: only the step was left (cannot happen
        _finish(session, step, run, now, spec.next)  # with one transaction, kept as a guard)
        return None
    in_doubt.handed(message, now)
    return step, message


def job_of(step: ChainStep, message: ChainMessage, *, policy: Policy) -> SendJob:
    """What the send needs, without the database (the message flushed: it has its id)."""
    outgoing = Outgoing(
        uid=message.uid,
        channel="email" if message.channel == "email" else "sms",
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        report_url=report_url(policy.public_url, policy.secret, message.uid),
    )
    return SendJob(step.id, step.attempts, message.id, message.provider, outgoing)


def _skipped(
    session: Session, step: ChainStep, run: ChainRun, spec: Step, *, why: str, now: datetime
) -> None:
    """A message the card's consents or data kept from being sent: in the history, with why."""
    channel = "sms" if spec.kind == "sms" or (spec.email is None) else "email"
    session.add(
        ChainMessage(
            uid=uuid.uuid4(),
            run_id=run.id,
            step_row_id=step.id,
            contact_id=run.contact_id,
            channel=channel,
            provider="",
            recipient="",
            subject=None,
            body="",
            state="skipped",
            attempts=0,
            last_error=why[:ERROR_MAX],
            created_at=now,
        )
    )


def record(
    db: Database,
    job: SendJob,
    sent: Sent,
    *,
    provider: str,
    now: datetime,
    policy: Policy,
    rng: random.Random,
) -> str:
    """Store a send's outcome (module notes): the message's state, or ``superseded`` when this claim
    no longer owns the step (its lease ran out and another worker has it)."""
    with db.sessions() as session:
        step = _held(session, Claimed(job.step_id, job.attempt))
        if step is None:
            session.rollback()
            return "superseded"
        run = session.get(ChainRun, step.run_id, with_for_update=True)
        message = session.get(ChainMessage, job.message_id, with_for_update=True)
        assert run is not None and message is not None
        state = apply_outcome(
            session, step, run, message, sent, provider=provider, now=now, policy=policy, rng=rng
        )
        session.commit()
    return state


def apply_outcome(
    session: Session,
    step: ChainStep,
    run: ChainRun,
    message: ChainMessage,
    sent: Sent,
    *,
    provider: str,
    now: datetime,
    policy: Policy,
    rng: random.Random,
) -> str:
    """A send's outcome on its (held, locked) step, run and message; the message's state."""
    message.attempts += 1
    message.provider = provider
    in_doubt.recorded(message)
    if sent.ok:
        if message.state == "queued":  # a delivery report may have come first
            message.state = "sent"
        message.provider_ref = sent.ref or message.provider_ref
        message.sent_at, message.last_error = now, None
        chain = chain_of(session, run)
        nxt = chain.step(step.step).next if chain is not None else None
        if run.state == "running" and chain is not None:
            _finish(session, step, run, now, nxt)
        else:
            step.state, step.finished_at, step.lease_until = "done", now, None
    else:
        message.last_error = sent.error
        if sent.permanent or step.attempts >= policy.max_attempts:
            message.state = "failed"
            tries = f"after {step.attempts} attempts" if not sent.permanent else "refused"
            _fail(step, run, now, f"{message.channel} {tries}: {sent.error}")
        else:
            step.state, step.lease_until = "pending", None
            step.due_at = now + timedelta(seconds=backoff(step.attempts, policy, rng))
            step.last_error = (sent.error or "")[:ERROR_MAX]
    return message.state
