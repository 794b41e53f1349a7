"""The events webhooks carry, and the calls the write paths make to add them.

Each function here is called inside the transaction that makes the change (one line in the write
path), and adds, only when some endpoint wants that event type, the event row and one ``pending``
delivery per such endpoint. Commit: the event is there; rollback: it never was. An endpoint that is
paused still gets its deliveries recorded (sent when it is resumed); one deleted loses them.

Finding the endpoints is one query on a table of a handful of rows; the event's JSON is built only
when someone wants it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

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


def _subscribers(session: Session, event: EventType) -> list[int]:
    rows = session.execute(select(WebhookEndpoint.id, WebhookEndpoint.events)).all()
    return [endpoint_id for endpoint_id, events in rows if event.value in (events or ())]


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
