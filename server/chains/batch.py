"""The chain worker's database work a batch at a time: one transaction for every claimed step of a
batch (a few queries read the steps, runs, messages and contacts together), one for their sends'
outcomes. What :mod:`server.chains.steps` does per step, without a commit and five round trips per
step: what lets two workers clear 10,000 chains due at once within a minute (``bench/server_chains.py``).

A batch that fails as a whole (a bug, a constraint) is done again one step at a time, each in its own
transaction, so one bad step cannot hold the others: that one fails with the error in its run.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, Table, any_, bindparam, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from server.chains import progress, sending, steps
from server.chains.policy import Policy
from server.chains.progress import Claimed
from server.chains.sending import SendJob
from server.db import Database
from server.messaging.base import Sent
from server.models import ChainMessage, ChainRun, ChainStep, Contact

log = logging.getLogger("ringdesk.server.chains")


def among(session: Session, column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids`` for an id column. On PostgreSQL ``column = ANY(:array)``: one parameter, so
    the statement's text is the same whatever the batch's size (psycopg converts it once and
    PostgreSQL prepares it; a 100-item ``IN`` list was parsed afresh each time, a fifth of the
    worker's CPU); elsewhere the ``IN`` list."""
    values = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        return cast(ColumnElement[bool], column == any_(bindparam(None, values, type_=ARRAY(BigInteger))))
    return cast(ColumnElement[bool], column.in_(values))


def _locked(session: Session, wanted: dict[int, int]) -> tuple[list[ChainStep], dict[int, ChainRun]]:
    """The steps still held by these claims (id -> attempt), and their runs, locked, in id order
    (every worker locks in the same order: no deadlock between two batches)."""
    rows = session.scalars(
        select(ChainStep).where(among(session, ChainStep.id, wanted)).order_by(ChainStep.id).with_for_update()
    ).all()
    held = [s for s in rows if s.state == "working" and s.attempts == wanted[s.id]]
    runs = {
        run.id: run
        for run in session.scalars(
            select(ChainRun)
            .where(among(session, ChainRun.id, {s.run_id for s in held}))
            .order_by(ChainRun.id)
            .with_for_update()
        )
    }
    return held, runs


def prepare_many(db: Database, claimed: Sequence[Claimed], *, now: datetime, policy: Policy) -> list[SendJob]:
    """Do the claimed steps (``steps.prepare`` for each, in one transaction); the sends to make."""
    if not claimed:
        return []
    try:
        with db.sessions() as session:
            held, runs = _locked(session, {c.id: c.attempt for c in claimed})
            messages = {
                m.step_row_id: m
                for m in session.scalars(
                    select(ChainMessage).where(among(session, ChainMessage.step_row_id, [s.id for s in held]))
                )
            }
            contact_ids = {r.contact_id for r in runs.values() if r.contact_id is not None}
            if contact_ids:  # into the identity map: the steps' session.get() finds them there
                session.scalars(select(Contact).where(among(session, Contact.id, contact_ids))).all()
            made = [
                work
                for step in held
                if (
                    work := steps.work(
                        session, step, runs[step.run_id], now=now, policy=policy, known=messages
                    )
                )
            ]
            session.flush()
            made_jobs = [sending.job_of(step, message, policy=policy) for step, message in made]
            session.commit()
            return made_jobs
    except Exception:
        log.exception("chain batch failed: one step at a time", extra={"event": "chains.batch_failed"})
    jobs: list[SendJob] = []
    for one in claimed:
        try:
            job = steps.prepare(db, one, now=now, policy=policy)
        except Exception as exc:  # this step's own fault: its run fails saying why
            log.exception("chain step failed", extra={"event": "chains.step_crashed", "step": one.id})
            _give_up(db, one, now, f"internal error: {type(exc).__name__}: {exc}")
            continue
        if job is not None:
            jobs.append(job)
    return jobs


def _give_up(db: Database, claimed: Claimed, now: datetime, reason: str) -> None:
    try:
        with db.sessions() as session:
            held, runs = _locked(session, {claimed.id: claimed.attempt})
            for step in held:
                progress.fail(step, runs[step.run_id], now, reason)
            session.commit()
    except SQLAlchemyError:  # the lease runs out and the step is tried again
        log.exception("chain step could not be failed", extra={"event": "chains.fail_failed"})


Outcome = tuple[SendJob, Sent, str]
"""A send, its outcome, the provider's name."""


def record_many(
    db: Database, outcomes: Sequence[Outcome], *, now: datetime, policy: Policy, rng: random.Random
) -> dict[int, str]:
    """Store the sends' outcomes (``sending.record`` for each, in one transaction); the message state
    by step id (``superseded`` for a step this claim no longer holds)."""
    if not outcomes:
        return {}
    try:
        with db.sessions() as session:
            accepted = [outcome for outcome in outcomes if outcome[1].ok]
            states = _record_accepted(session, accepted, now=now) if accepted else {}
            others = [outcome for outcome in outcomes if not outcome[1].ok]
            if others:
                states.update(_record_each(session, others, now=now, policy=policy, rng=rng))
            session.commit()
            return states
    except Exception:
        log.exception("chain records failed: one at a time", extra={"event": "chains.batch_failed"})
    states = {}
    for job, sent, provider in outcomes:
        try:
            states[job.step_id] = sending.record(
                db, job, sent, provider=provider, now=now, policy=policy, rng=rng
            )
        except SQLAlchemyError:  # the lease runs out and the send is made again (same uid)
            log.exception("chain record failed", extra={"event": "chains.record_failed"})
    return states


_STEPS = cast(Table, ChainStep.__table__)
_RUNS = cast(Table, ChainRun.__table__)
_MESSAGES = cast(Table, ChainMessage.__table__)


def _record_accepted(session: Session, outcomes: Sequence[Outcome], *, now: datetime) -> dict[int, str]:
    """The sends the providers accepted (nearly all of them), in a few statements for the whole
    batch, not an ORM flush per row: the steps are locked in one ``SELECT ... FOR UPDATE``, those
    this claim still holds (``working`` and the claim's attempt) marked done in one ``UPDATE``, their
    runs read locked in one ``SELECT``, the messages updated in one ``executemany``, the next steps
    inserted in another, the runs that ended updated per ``steps_taken`` increment (one or two
    statements). The same changes :func:`sending.apply_outcome` makes one step at a time."""
    conn = session.connection()
    wanted = {job.step_id: job.attempt for job, _, _ in outcomes}
    locked = conn.execute(  # every worker locks in id order: no deadlock between two batches
        select(_STEPS.c.id, _STEPS.c.attempts, _STEPS.c.state)
        .where(among(session, _STEPS.c.id, wanted))
        .order_by(_STEPS.c.id)
        .with_for_update()
    ).all()
    mine = [row.id for row in locked if row.state == "working" and row.attempts == wanted[row.id]]
    held = (
        {
            row.id: row
            for row in conn.execute(
                update(_STEPS)
                .where(among(session, _STEPS.c.id, mine))
                .values(state="done", finished_at=now, lease_until=None)
                .returning(_STEPS.c.id, _STEPS.c.run_id, _STEPS.c.step)
            )
        }
        if mine
        else {}
    )
    states = {job.step_id: "sent" if job.step_id in held else "superseded" for job, _, _ in outcomes}
    if not held:
        return states
    runs = {
        row.id: row
        for row in conn.execute(
            select(_RUNS.c.id, _RUNS.c.chain_id, _RUNS.c.chain_version, _RUNS.c.state, _RUNS.c.steps_taken)
            .where(among(session, _RUNS.c.id, {row.run_id for row in held.values()}))
            .order_by(_RUNS.c.id)
            .with_for_update()
        )
    }
    conn.execute(
        update(_MESSAGES)
        .where(_MESSAGES.c.id == bindparam("m_id"))
        .values(
            attempts=_MESSAGES.c.attempts + 1,
            provider=bindparam("m_provider"),
            state=case((_MESSAGES.c.state == "queued", "sent"), else_=_MESSAGES.c.state),
            provider_ref=func.coalesce(bindparam("m_ref"), _MESSAGES.c.provider_ref),
            sent_at=now,
            last_error=None,
            handed_at=None,  # recorded: no longer in doubt (server.chains.in_doubt.recorded)
        ),
        [
            {"m_id": job.message_id, "m_provider": provider, "m_ref": sent.ref}
            for job, sent, provider in outcomes
            if job.step_id in held
        ],
    )
    new_steps: list[dict[str, object]] = []
    ended: dict[int, list[int]] = {}
    going: dict[int, list[int]] = {}
    for step in held.values():
        run = runs[step.run_id]
        if run.state != "running":
            continue  # stopped while the message was out: nothing follows it
        chain = progress.chain_by_key(session, run.chain_id, run.chain_version)
        if chain is None:
            continue
        nxt = chain.step(step.step).next
        follow = progress.following(chain, nxt, taken=run.steps_taken, now=now, due=now)
        new_steps += [
            {
                "run_id": run.id,
                "step": name,
                "state": state,
                "due_at": due,
                "attempts": 0,
                "created_at": now,
                "finished_at": now if state == "done" else None,
            }
            for name, state, due in follow.rows
        ]
        (ended if follow.ended else going).setdefault(follow.taken, []).append(run.id)
    if new_steps:
        conn.execute(insert(_STEPS), new_steps)
    for taken, ids in ended.items():
        conn.execute(
            update(_RUNS)
            .where(among(session, _RUNS.c.id, ids))
            .values(state="done", ended_at=now, steps_taken=_RUNS.c.steps_taken + taken)
        )
    for taken, ids in going.items():
        if taken:
            conn.execute(
                update(_RUNS)
                .where(among(session, _RUNS.c.id, ids))
                .values(steps_taken=_RUNS.c.steps_taken + taken)
            )
    return states


def _record_each(
    session: Session, outcomes: Sequence[Outcome], *, now: datetime, policy: Policy, rng: random.Random
) -> dict[int, str]:
    """The sends that failed (a retry later, or a failed run): :func:`sending.apply_outcome` each."""
    held, runs = _locked(session, {job.step_id: job.attempt for job, _, _ in outcomes})
    by_step = {s.id: s for s in held}
    messages = {
        m.id: m
        for m in session.scalars(
            select(ChainMessage)
            .where(among(session, ChainMessage.id, [job.message_id for job, _, _ in outcomes]))
            .order_by(ChainMessage.id)
            .with_for_update()
        )
    }
    states: dict[int, str] = {}
    for job, sent, provider in outcomes:
        step = by_step.get(job.step_id)
        if step is None:
            states[job.step_id] = "superseded"
            continue
        states[job.step_id] = sending.apply_outcome(
            session, step, runs[step.run_id], messages[job.message_id], sent,
            provider=provider, now=now, policy=policy, rng=rng,
        )  # fmt: skip
    return states
