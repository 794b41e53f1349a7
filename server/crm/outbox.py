"""What the write paths call, in their own transaction, so the CRM learns every call and contact
(``crm_jobs``, ``server.models.crm``): a CRM that is down loses nothing, a change rolled back
sends nothing.

Each hook costs no query while no CRM is configured (``server.crm.connection.configured``). With one,
it merges the new facts into the job of that call (or contact), inserting it when new, and makes it
due now. The worker (:mod:`server.crm.worker`) sends what the CRM does not have yet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.wire.calls import CallOutcome
from server.crm import connection as connections
from server.crm.contract import CallDirection, CallResult
from server.models import Call, Contact, CrmJob, Recording, utcnow

CALL, CONTACT = "call", "contact"

_wakers: list[Callable[[], None]] = []
_NEW = "crm.new_jobs"


def on_new_jobs(waker: Callable[[], None]) -> None:
    """Call ``waker`` after a transaction that made jobs due commits."""
    _wakers.append(waker)


def forget_waker(waker: Callable[[], None]) -> None:
    if waker in _wakers:
        _wakers.remove(waker)


@sa_event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if session.info.pop(_NEW, False):
        for waker in list(_wakers):
            waker()


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_NEW, None)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _merge(session: Session, crm: str, kind: str, key: str, facts: dict[str, Any], *, create: bool) -> None:
    """Merge ``facts`` (``None`` values leave what is known) into the job, due now; a missing job is
    inserted only when ``create``."""
    now = utcnow()
    if create:
        insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        session.execute(
            insert(CrmJob)
            .values(
                crm=crm,
                kind=kind,
                key=key,
                data={},
                progress={},
                revision=0,
                state="pending",
                attempts=0,
                next_at=now,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["crm", "kind", "key"])
        )
    job = session.scalars(
        select(CrmJob)
        .where(CrmJob.crm == crm, CrmJob.kind == kind, CrmJob.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if job is None:
        return
    data = dict(job.data)
    data.update({k: v for k, v in facts.items() if v is not None})
    if data == job.data and job.revision > 0:
        return
    job.data = data
    job.revision += 1
    if job.state in ("waiting", "done", "failed"):
        if job.state == "failed":
            job.attempts = 0  # new facts: a fresh set of attempts
        job.state, job.next_at = "pending", now
    session.flush()
    session.info[_NEW] = True


def _result(call: Call) -> str | None:
    if call.ended_at is None:
        return None
    if call.outcome is CallOutcome.ACCEPTED:
        return CallResult.ANSWERED.value
    if call.outcome is CallOutcome.NON_TARGET:
        return CallResult.DECLINED.value
    return CallResult.MISSED.value


def call_recorded(session: Session, call: Call) -> None:
    """A report merged into ``call`` (``server.crud.calls.record``)."""
    connection = connections.configured(session)
    if connection is None or not call.caller:
        return
    facts = {
        "phone": call.caller,
        "line": call.dnis,
        "queue": call.queue,
        "operator": call.operator,
        "started_at": _iso(call.arrived_at or call.answered_at or call.ended_at),
        "answered_at": _iso(call.answered_at),
        "ended_at": _iso(call.ended_at),
        "result": _result(call),
    }
    _merge(session, connection.kind, CALL, call.call_id, facts, create=True)


def dispositions_stored(session: Session, rows: Iterable[tuple[Any, str]]) -> None:
    """Dispositions stored: their operator and times complete a call the CRM is told about (an
    inbound call's disposition for a call no report told the server about adds nothing). An
    outbound call's disposition (``direction`` and the number dialled, from the desktop) is how the
    server learns of the calls operators place: it makes the call's job, registered with the
    outgoing type and finished at once (and its recording attached like an inbound call's)."""
    connection = connections.configured(session)
    if connection is None:
        return
    for row, operator in rows:
        answered = getattr(row, "answer_at", None)
        facts = {
            "operator": operator,
            "answered_at": _iso(answered),
            "ended_at": _iso(getattr(row, "end_at", None)),
            "result": (CallResult.ANSWERED if answered is not None else CallResult.MISSED).value,
        }
        outbound = getattr(row, "direction", None) == CallDirection.OUTBOUND.value
        number = getattr(row, "number", None)
        if outbound and number:  # a call the operator placed: the disposition is all the server hears
            facts |= {
                "phone": number,
                "direction": CallDirection.OUTBOUND.value,
                "queue": getattr(row, "queue", None),
                "started_at": _iso(getattr(row, "ring_at", None)),
            }
        _merge(session, connection.kind, CALL, str(row.call_id), facts, create=outbound and bool(number))


def recording_stored(session: Session, recording: Recording) -> None:
    """A call's recording arrived whole: its link goes to the CRM with the call (or after it)."""
    connection = connections.configured(session)
    if connection is None or not connection.recording_url:
        return
    _merge(session, connection.kind, CALL, recording.call_id, {"recording_id": recording.id}, create=False)


def contact_created(session: Session, contact: Contact) -> None:
    """A contact created in ringdesk: the CRM gets it too, unless it has that number already."""
    connection = connections.configured(session)
    if connection is None:
        return
    facts = {
        "name": contact.name,
        "phones": [p.e164 for p in contact.phones],
        "email": contact.email,
    }
    _merge(session, connection.kind, CONTACT, str(contact.id), facts, create=True)
