"""Starting chains: called by the write paths inside their own transaction (a disposition stored,
an operator's result on a task), so a committed disposition always has its runs and a rolled-back
one never had any.

Each process keeps the active chains (a handful of documents) in memory, with a map from each
disposition code to the chains it may start (:class:`Active`): a disposition that no chain wants
costs no query at all, only a dictionary look-up (the disposition fast path stays its INSERT, the
report rollups and one COMMIT). The map is dropped when a chain is uploaded, disabled or enabled:
at once in the process that made the change (:func:`forget`), and in every other server process by
the :data:`CHAINS_MESSAGE` the change sends at commit (PostgreSQL ``NOTIFY`` through the status feed,
``server.api.broadcast``, as the disposition catalogue's cache is dropped). :data:`STALE_AFTER` is only the
safety net for a change nobody announced (an edit in ``psql``; the ``chain`` command on SQLite).

A disposition a chain does want costs a constant few statements per chain started: the run (its
number read in the same INSERT) and its first step; the contact is read only when a trigger looks
at its card (segment, fields).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from server.chains.definition import Chain, Trigger
from server.db import engine_key
from server.models import Call, ChainRun, ChainStep, Contact, ContactPhone, Task, utcnow

STALE_AFTER = 300.0
"""Seconds a process trusts its map when no announcement dropped it (see the module notes)."""
CHAINS_MESSAGE = "cache:chains"
"""The status feed's word for "the chains changed": dropped maps, never sent to a WebSocket."""
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Active:
    """The active chains of a database, and which of them each disposition code may start."""

    chains: tuple[Chain, ...]
    read_at: float = 0.0
    any_code: tuple[Chain, ...] = ()
    """The disposition chains whose trigger names no code (they may start on any)."""
    by_code: Mapping[str, tuple[Chain, ...]] = field(default_factory=dict)
    """Every code some disposition trigger names -> the chains it may start, in the chains' order."""

    @classmethod
    def of(cls, chains: tuple[Chain, ...], read_at: float) -> Active:
        on_disposition = [c for c in chains if c.trigger.on == "disposition"]
        codes = {code for c in on_disposition for code in c.trigger.codes}
        by_code = {
            code: tuple(c for c in on_disposition if not c.trigger.codes or code in c.trigger.codes)
            for code in codes
        }
        any_code = tuple(c for c in on_disposition if not c.trigger.codes)
        return cls(chains, read_at, any_code, by_code)

    def for_disposition(self, code: str) -> tuple[Chain, ...]:
        """The chains a disposition of ``code`` may start (its queue and contact still to be checked)."""
        return self.by_code.get(code, self.any_code)


class _Memory:
    """The process's maps by database, and how many times they were dropped (a map read while one
    was dropped is not kept: it may predate the change)."""

    def __init__(self) -> None:
        self.known: dict[str, Active] = {}
        self.generation = 0


_memory = _Memory()


def forget() -> None:
    """The chains changed: the next trigger in this process reads them again."""
    with _lock:
        _memory.known.clear()
        _memory.generation += 1


def _key(session: Session) -> str:
    return engine_key(session)


def known(session: Session) -> Active:
    """The active chains and their map, from the process's memory (read when it holds none)."""
    key = _key(session)
    entry = _memory.known.get(key)
    if entry is not None and time.monotonic() - entry.read_at < STALE_AFTER:
        return entry
    from server.chains.store import active_chains

    generation = _memory.generation
    entry = Active.of(tuple(active_chains(session)), time.monotonic())
    with _lock:
        if generation == _memory.generation:  # no change announced while we read
            _memory.known[key] = entry
    return entry


def active(session: Session) -> tuple[Chain, ...]:
    """The active chains, from the process's memory when it holds them."""
    return known(session).chains


def contact_value(contact: Contact, name: str) -> Any:
    """A card field by the name templates and triggers use (``city``, ``consent.sms``, ``custom.x``)."""
    head, _, rest = name.partition(".")
    if head == "custom":
        return (contact.custom_fields or {}).get(rest)
    if head == "consent":
        return getattr(contact, f"consent_{rest}", None)
    value: Any = getattr(contact, head, None)
    return getattr(value, "value", value)


def _fits(trigger: Trigger, *, code: str, queue: str | None, contact: Contact | None) -> bool:
    if trigger.codes and code not in trigger.codes:
        return False
    if trigger.queue is not None and trigger.queue != queue:
        return False
    if trigger.segment is not None and (contact is None or contact.segment != trigger.segment):
        return False
    return all(contact is not None and contact_value(contact, k) == v for k, v in trigger.fields)


def _start(
    session: Session,
    chains: Iterable[Chain],
    *,
    source: str,
    contact_id: int | None,
    phone: str | ColumnElement[Any] | None,
    data: Mapping[str, Any],
    now: datetime,
) -> int:
    """A run and its first step (due now) per chain; the number started. Flushed."""
    started = 0
    for chain in chains:
        run_id = session.scalar(
            insert(ChainRun)
            .values(
                chain_id=chain.id,
                chain_version=chain.version,
                source_key=f"{source}:{chain.id}",
                contact_id=contact_id,
                phone=phone,
                trigger=dict(data),
                state="running",
                steps_taken=0,
                started_at=now,
            )
            .returning(ChainRun.id)
        )
        session.execute(
            insert(ChainStep).values(run_id=run_id, step=chain.start, state="pending", due_at=now, attempts=0)
        )
        started += 1
    if started:
        session.info["chains.new_steps"] = True
    return started


def _phone(call_id: str | None, contact_id: int | None) -> ColumnElement[Any] | None:
    """The number a run writes to, read by the run's own INSERT: the call's caller, else the contact's
    first number."""
    choices: list[ColumnElement[Any]] = []
    if call_id:
        choices.append(select(Call.caller).where(Call.call_id == call_id).scalar_subquery())
    if contact_id is not None:
        first = (
            select(ContactPhone.e164)
            .where(ContactPhone.contact_id == contact_id)
            .order_by(ContactPhone.position)
            .limit(1)
        )
        choices.append(first.scalar_subquery())
    if not choices:
        return None
    return choices[0] if len(choices) == 1 else func.coalesce(*choices)


def _looks_at_card(trigger: Trigger) -> bool:
    return trigger.segment is not None or bool(trigger.fields)


def dispositions_stored(session: Session, rows: Iterable[tuple[Any, str]]) -> int:
    """Dispositions just stored (``(row, operator name)``, a row being a ``Disposition`` or the
    namespace the fast path answers from): start the chains whose trigger fits each."""
    chains = known(session)
    if not chains.by_code and not chains.any_code:
        return 0
    started = 0
    for row, operator in rows:
        wanting = chains.for_disposition(row.code)
        if not wanting:
            continue
        contact = None
        if row.contact_id is not None and any(_looks_at_card(c.trigger) for c in wanting):
            contact = session.get(Contact, row.contact_id)
        fitting = [c for c in wanting if _fits(c.trigger, code=row.code, queue=row.queue, contact=contact)]
        if not fitting:
            continue
        data = {
            "kind": "disposition",
            "code": row.code,
            "queue": row.queue,
            "comment": row.comment,
            "operator": operator,
            "call_id": row.call_id,
        }
        started += _start(
            session,
            fitting,
            source=f"disposition:{row.id}",
            contact_id=row.contact_id,
            phone=_phone(row.call_id, row.contact_id),
            data=data,
            now=utcnow(),
        )
    return started


def task_reported(session: Session, task: Task, outcome: str, operator: str) -> int:
    """An operator's result was stored on ``task`` (``done``, ``not_reached``, ``sent_only``)."""
    chains = [c for c in active(session) if c.trigger.on == "task_result"]
    if not chains:
        return 0
    contact = session.get(Contact, task.contact_id) if task.contact_id is not None else None
    fitting = [c for c in chains if _fits(c.trigger, code=outcome, queue=task.queue, contact=contact)]
    if not fitting:
        return 0
    data = {"kind": "task_result", "outcome": outcome, "queue": task.queue, "operator": operator}
    return _start(
        session,
        fitting,
        source=f"task:{task.id}:{task.calls_made}",
        contact_id=task.contact_id,
        phone=task.phone,
        data=data,
        now=utcnow(),
    )


def consent_changed(session: Session, contact: Contact, changed: Iterable[str]) -> int:
    """A card edit: a marketing consent withdrawn (*no*) stops the contact's marketing chains in
    flight at once (their pending steps are cancelled); a channel's consent withdrawn is checked by
    each step before it sends. The number of runs stopped."""
    if "consent" not in set(changed) or contact.consent_marketing is not False:
        return 0
    from server.chains.store import stop_runs

    marketing = [c.id for c in active(session) if c.marketing]
    if not marketing:
        return 0
    return stop_runs(
        session,
        ChainRun.contact_id == contact.id,
        ChainRun.chain_id.in_(marketing),
        reason="the client withdrew marketing consent",
    )
