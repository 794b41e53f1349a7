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
transaction and :func:`~server.chains.sending.record` stores its outcome, finishes the step and adds
the next one in one more. A worker killed between the send and the record leaves the step
``working``: when its lease runs out it is claimed again and the same message (same uid: the
e-mail's Message-ID, the HTTP provider's Idempotency-Key) is sent again, which the provider
de-duplicates; a Kannel SMS, which has no such key, waits for Kannel's report instead
(``server.chains.in_doubt``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from server.chains import compose
from server.chains.definition import MAX_STEPS, Chain, Step
from server.chains.policy import Policy
from server.chains.progress import Claimed, chain_of, fail, finish, held
from server.chains.reactions import reacted
from server.chains.sending import SendJob, job_of, send
from server.db import Database
from server.models import ChainMessage, ChainRun, ChainStep, Contact
from server.models.chains import STEP_DUE

log = logging.getLogger("ringdesk.server.chains")


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


def prepare(db: Database, claimed: Claimed, *, now: datetime, policy: Policy) -> SendJob | None:
    """Do a claimed step (module notes); the send to make, if it is a sending step."""
    with db.sessions() as session:
        step = held(session, claimed)
        if step is None:
            session.rollback()
            return None
        run = session.get(ChainRun, step.run_id, with_for_update=True)
        assert run is not None
        made = work(session, step, run, now=now, policy=policy)
        session.flush()
        job = job_of(*made, policy=policy) if made is not None else None
        session.commit()
        return job


def work(
    session: Session,
    step: ChainStep,
    run: ChainRun,
    *,
    now: datetime,
    policy: Policy,
    known: Mapping[int, ChainMessage] | None = None,
) -> tuple[ChainStep, ChainMessage] | None:
    """Do ``step`` in ``session``; for a sending step, the step and its message to send (flush, then
    :func:`~server.chains.sending.job_of`). ``known``: the steps' messages read already (a batch), by
    step id."""
    if run.state != "running":
        step.state, step.finished_at, step.lease_until = "cancelled", now, None
        return None
    chain = chain_of(session, run)
    if chain is None or step.step not in chain.by_id:
        fail(step, run, now, f"chain {run.chain_id} v{run.chain_version} has no step {step.step!r}")
        return None
    if known is not None:
        message = known.get(step.id)
    else:
        message = session.scalars(select(ChainMessage).where(ChainMessage.step_row_id == step.id)).first()
    if message is None:  # a retry of a send does not count as another step
        run.steps_taken += 1
    if run.steps_taken > MAX_STEPS:
        fail(step, run, now, f"more than {MAX_STEPS} steps: stopped")
        return None
    spec = chain.step(step.step)
    if spec.kind == "wait":
        finish(session, step, run, now, spec.next, due=now + timedelta(hours=spec.hours))
    elif spec.kind == "branch":
        went = spec.reacted if reacted(session, run, spec.reactions) else spec.otherwise
        finish(session, step, run, now, went)
    elif spec.kind == "stop":
        finish(session, step, run, now, None)
    elif spec.kind == "callback_task":
        _callback(session, step, run, chain=chain, spec=spec, now=now)
    else:
        return send(session, step, run, chain=chain, spec=spec, message=message, now=now, policy=policy)
    return None


def _callback(
    session: Session, step: ChainStep, run: ChainRun, *, chain: Chain, spec: Step, now: datetime
) -> None:
    from server.crud.tasks import create_callback

    contact = session.get(Contact, run.contact_id) if run.contact_id is not None else None
    if not run.phone:
        finish(session, step, run, now, spec.next, note="no phone number: no callback task")
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
    finish(session, step, run, now, spec.next, note=f"task {task.id}")
