"""The events webhooks carry, and the calls the write paths make to add them.

Each function here is called inside the transaction that makes the change (one line in the write
path), and adds, only when some endpoint wants that event type, the event row and one ``pending``
delivery per such endpoint. Commit: the event is there; rollback: it never was. An endpoint that is
paused still gets its deliveries recorded (sent when it is resumed); one deleted loses them.

Each process keeps the list of endpoints (a handful of rows) in memory: the delivery worker re-reads
it every ``webhook_poll_seconds`` and the admin API drops it when it changes one, so a change that
nobody subscribes to costs no query at all. An endpoint registered in another process (or with the
``webhook`` command) is seen within that poll: changes committed in that second may not reach it.
When some endpoint wants the event, the endpoints are read again in the transaction (under a share
lock), and the event's JSON is built.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.db import engine_key
from server.models import Call, Contact, Task, WebhookDelivery, WebhookEndpoint, WebhookEvent, utcnow


class EventType(StrEnum):
    CALL_STARTED = "call.started"
    """The first report of an inbound call reached the server (from any source)."""
    CALL_ENDED = "call.ended"
    """The call's end is known, with its outcome (accepted, non_target, missed and why)."""
    DISPOSITION_STORED = "disposition.stored"
    """An operator's result of a call was stored (once per disposition, replays add nothing)."""
    TASK_DONE = "task.done"
    """An operator's result closed a task: done, sent_only, or expired after the last attempt."""
    CONTACT_CHANGED = "contact.changed"
    """A contact was created or edited over the API."""


_wakers: list[Callable[[], None]] = []


def on_new_deliveries(waker: Callable[[], None]) -> None:
    """Call ``waker`` after a transaction that added deliveries commits (the worker of this process
    starts at once instead of at its next poll)."""
    _wakers.append(waker)


_NEW = "webhooks.new_deliveries"


@sa_event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if session.info.pop(_NEW, False):
        for waker in list(_wakers):
            waker()


@sa_event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_NEW, None)


Endpoints = tuple[tuple[int, bool, tuple[str, ...]], ...]
"""``(id, active, event types)`` of every endpoint."""

#: How long a process trusts its list of endpoints when nothing refreshed it (a command-line tool,
#: a server whose worker stalled). In a server the delivery worker re-reads it every poll.
STALE_AFTER = 30.0
_known: dict[str, tuple[float, Endpoints]] = {}


def read_endpoints(session: Session, *, lock: bool = False) -> Endpoints:
    """Every endpoint, read now (``lock``: ``FOR SHARE`` on PostgreSQL, so one being deleted waits
    for this transaction); the process's list is replaced by what was read."""
    query = select(WebhookEndpoint.id, WebhookEndpoint.active, WebhookEndpoint.events).order_by(
        WebhookEndpoint.id
    )
    if lock:
        query = query.with_for_update(read=True)
    rows = tuple((id_, active, tuple(events or ())) for id_, active, events in session.execute(query))
    remember(session, rows)
    return rows


def remember(session: Session, rows: Endpoints) -> None:
    _known[_key(session)] = (time.monotonic(), rows)


def forget(session: Session) -> None:
    """The endpoints changed in this process: the next event reads them again."""
    _known.pop(_key(session), None)


def known_endpoints(session: Session) -> Endpoints:
    """The process's list when fresh enough, else read now."""
    known = _known.get(_key(session))
    if known is not None and time.monotonic() - known[0] < STALE_AFTER:
        return known[1]
    return read_endpoints(session)


def _key(session: Session) -> str:
    return engine_key(session)


def _subscribers(session: Session, event: EventType) -> list[int]:
    """The endpoints that want ``event``. Without a query when the process's list says nobody does
    (the disposition fast path stays one INSERT and one COMMIT while webhooks are unused); else read
    again under a share lock, so an endpoint deleted meanwhile is not given a delivery."""
    if not any(event.value in events for _, _, events in known_endpoints(session)):
        return []
    return [id_ for id_, _, events in read_endpoints(session, lock=True) if event.value in events]


def emit(session: Session, event: EventType, build: Callable[[], Sequence[dict[str, Any]]]) -> None:
    """Add events of type ``event`` (``build()``: the ``data`` of each, called only when some
    endpoint subscribes) and their deliveries, in ``session``'s transaction; flushed."""
    endpoints = _subscribers(session, event)
    if not endpoints:
        return
    payloads = build()
    if not payloads:
        return
    now = utcnow()
    events = [
        {"uid": uuid.uuid4(), "type": event.value, "data": data, "occurred_at": now} for data in payloads
    ]
    ids = session.scalars(
        insert(WebhookEvent).returning(WebhookEvent.id, sort_by_parameter_order=True), events
    ).all()
    session.execute(
        insert(WebhookDelivery),
        [
            {
                "uid": uuid.uuid4(),
                "event_id": event_id,
                "endpoint_id": endpoint_id,
                "state": "pending",
                "attempts": 0,
                "next_at": now,
                "created_at": now,
            }
            for event_id in ids
            for endpoint_id in endpoints
        ],
    )
    session.info[_NEW] = True


def _json_time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


# --- the write paths' calls -----------------------------------------------------------------------


def dispositions_stored(session: Session, rows: Iterable[tuple[Any, str]]) -> None:
    """Dispositions just stored: ``(row, operator name)`` pairs, a row being a ``Disposition`` or
    the namespace the fast path answers from."""
    from server.crud.dispositions import disposition_out

    items = list(rows)
    emit(
        session,
        EventType.DISPOSITION_STORED,
        lambda: [disposition_out(row, name).model_dump(mode="json") for row, name in items],
    )


def call_data(call: Call) -> dict[str, Any]:
    from server.crud.calls import call_out

    return call_out(call).model_dump(mode="json")


def call_recorded(session: Session, call: Call, *, fresh: bool, had_end: bool) -> None:
    """A report merged into ``call``: ``call.started`` on its first report, ``call.ended`` when its
    end became known with this one (``fresh``/``had_end``: what the row was before the merge)."""
    if fresh:
        emit(session, EventType.CALL_STARTED, lambda: [call_data(call)])
    if not had_end and call.ended_at is not None:
        emit(session, EventType.CALL_ENDED, lambda: [call_data(call)])


def task_reported(session: Session, task: Task) -> None:
    """An operator's result was stored on ``task``: ``task.done`` when that closed it."""
    if task.state.closed:
        from server.crud.tasks import out

        emit(session, EventType.TASK_DONE, lambda: [out(session, task).model_dump(mode="json")])


def contact_changed(session: Session, contact: Contact, changed: Iterable[str], *, created: bool) -> None:
    """A contact was created, or ``changed`` names the fields an edit really changed (none: no event)."""
    fields = sorted(changed)
    if not created and not fields:
        return
    from server.api.schemas.contacts import contact_out

    emit(
        session,
        EventType.CONTACT_CHANGED,
        lambda: [
            {"created": created, "changed": fields, "contact": contact_out(contact).model_dump(mode="json")}
        ],
    )
