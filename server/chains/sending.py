"""A sending step: its message made and committed before the send, and the send's outcome recorded.

:func:`send` makes the message row (with its uid) in the step's transaction, or settles a message an
earlier attempt left (``server.chains.in_doubt``); the worker sends outside any transaction
(:class:`SendJob` carries what the send needs) and :func:`record` stores the outcome, finishing the
step and adding the next one, or scheduling a retry, in one more transaction (:mod:`server.chains.steps`
has the whole story).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from server.chains import compose, in_doubt
from server.chains.definition import Chain, Step
from server.chains.policy import Policy, backoff
from server.chains.progress import ERROR_MAX, Claimed, chain_of, end_run, fail, finish, held
from server.db import Database
from server.messaging.base import Outgoing, Sent, report_url
from server.models import ChainMessage, ChainRun, ChainStep, Contact


@dataclass(frozen=True)
class SendJob:
    """A send to make outside any transaction, and the claim it belongs to (to record its outcome)."""

    step_id: int
    attempt: int
    message_id: int
    provider: str
    outgoing: Outgoing


def send(
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
            skipped(session, step, run, spec, why=choice.skipped or "not allowed", now=now)
            finish(session, step, run, now, spec.next, note=choice.skipped)
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
            fail(step, run, now, reason)
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
        finish(session, step, run, now, spec.next)  # with one transaction, kept as a guard)
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


def skipped(session: Session, step: ChainStep, run: ChainRun, spec: Step, *, why: str, now: datetime) -> None:
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
        step = held(session, Claimed(job.step_id, job.attempt))
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
            finish(session, step, run, now, nxt)
        else:
            step.state, step.finished_at, step.lease_until = "done", now, None
    else:
        message.last_error = sent.error
        if sent.permanent or step.attempts >= policy.max_attempts:
            message.state = "failed"
            tries = f"after {step.attempts} attempts" if not sent.permanent else "refused"
            fail(step, run, now, f"{message.channel} {tries}: {sent.error}")
        else:
            step.state, step.lease_until = "pending", None
            step.due_at = now + timedelta(seconds=backoff(step.attempts, policy, rng))
            step.last_error = (sent.error or "")[:ERROR_MAX]
    return message.state
