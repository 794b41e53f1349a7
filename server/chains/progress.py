"""Where a chain run goes after a step: the next steps added, the run ended or failed.

Shared by the three places that finish steps: working a claimed step (:mod:`server.chains.steps`),
recording a send's outcome (:mod:`server.chains.sending`) and settling an SMS in doubt
(:mod:`server.chains.in_doubt`). Everything here works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.chains.definition import MAX_STEPS, Chain, build
from server.models import ChainDefinition, ChainRun, ChainStep

ERROR_MAX = 500
"""The longest reason or error kept on a step, run or message."""


@dataclass(frozen=True)
class Claimed:
    """A step a worker claimed: its id and the attempt the claim counted (the claim's token)."""

    id: int
    attempt: int


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


def held(session: Session, claimed: Claimed) -> ChainStep | None:
    """The step if this claim still owns it (a lease that ran out may have been claimed again)."""
    step = session.scalars(select(ChainStep).where(ChainStep.id == claimed.id).with_for_update()).first()
    if step is None or step.state != "working" or step.attempts != claimed.attempt:
        return None
    return step


def finish(
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


def fail(step: ChainStep, run: ChainRun, now: datetime, reason: str) -> None:
    step.state, step.finished_at, step.lease_until, step.last_error = "failed", now, None, reason[:ERROR_MAX]
    end_run(run, "failed", now, reason)
