"""Starting chains: called by the write paths inside their own transaction (a disposition stored,
an operator's result on a task), so a committed disposition always has its runs and a rolled-back
one never had any.

Each process keeps the active chains (a handful of documents) in memory for :data:`STALE_AFTER`
seconds, and the admin API drops the list when it changes one: a disposition that no chain wants
costs no query at all (the disposition fast path stays one INSERT and one COMMIT). A chain uploaded
in another process is seen within those seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.chains.definition import Chain, Trigger
from server.models import Call, ChainRun, ChainStep, Contact, ContactPhone, Task, utcnow

STALE_AFTER = 5.0
_lock = threading.Lock()
_known: dict[str, tuple[float, tuple[Chain, ...]]] = {}


def forget() -> None:
    """The chains changed in this process: the next trigger reads them again."""
    with _lock:
        _known.clear()


def _key(session: Session) -> str:
    return str(session.get_bind().engine.url)


def active(session: Session) -> tuple[Chain, ...]:
    """The active chains, from the process's list when fresh enough."""
    key = _key(session)
    with _lock:
        known = _known.get(key)
    if known is not None and time.monotonic() - known[0] < STALE_AFTER:
        return known[1]
    from server.chains.store import active_chains

    chains = tuple(active_chains(session))
    with _lock:
        _known[key] = (time.monotonic(), chains)
    return chains


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
    phone: str | None,
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


def _phone(session: Session, call_id: str | None, contact_id: int | None) -> str | None:
    phone = session.scalar(select(Call.caller).where(Call.call_id == call_id)) if call_id else None
    if phone is None and contact_id is not None:
        phone = session.scalar(
            select(ContactPhone.e164)
            .where(ContactPhone.contact_id == contact_id)
            .order_by(ContactPhone.position)
        )
    return phone


def dispositions_stored(session: Session, rows: Iterable[tuple[Any, str]]) -> int:
    """Dispositions just stored (``(row, operator name)``, a row being a ``Disposition`` or the
    namespace the fast path answers from): start the chains whose trigger fits each."""
    chains = [c for c in active(session) if c.trigger.on == "disposition"]
    if not chains:
        return 0
    started = 0
    for row, operator in rows:
        if not any(not c.trigger.codes or row.code in c.trigger.codes for c in chains):
            continue
        contact = session.get(Contact, row.contact_id) if row.contact_id is not None else None
        fitting = [c for c in chains if _fits(c.trigger, code=row.code, queue=row.queue, contact=contact)]
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
            phone=_phone(session, row.call_id, row.contact_id),
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
