"""Which operator takes the next call of a queue, and their reservation (``GET /routing/next``).

:func:`offer_next` picks and reserves in one transaction, with one ``SELECT`` and one ``UPDATE``:

* PostgreSQL: the pick is ``SELECT ... ORDER BY ... LIMIT 1 FOR UPDATE OF operator_current_status
  SKIP LOCKED``. A request that meets a row another request is offering skips it and takes the next
  operator instead of waiting; a row offered and committed since the statement's snapshot is checked
  again when locked (READ COMMITTED re-evaluates the ``WHERE`` on the newest version), so it is
  reserved by then and left out. Two requests, in one worker or in several, never get the same
  operator while another is free. The price: an operator whose status row is being written at that
  instant (``POST /statuses`` holds it until its commit) is skipped too, and the answer may be the
  next operator or 404 where a wait of a few milliseconds would have found them.
* SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (``server.db``), so the pick and the
  reservation run under the database's single write lock and requests take turns.

An operator is reserved while ``offered_at`` is younger than ``hold`` (``routing_offer_seconds``)
and ``offered_change_id`` is still their current ``change_id``: any status change that becomes
current (``on_call`` when they pick up, ``ready`` again after the call, a break) ends it at once,
with no write here. A change stored late that does not become current (an offline desktop catching
up) leaves it alone.

Order: ready before back of queue, then longest idle first, where an operator offered a call in
their current status counts as idle since that offer. So an operator who let a call ring out goes
behind everyone who was already waiting when the reservation runs out, and the PBX asking again
for that call gets someone else.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from server.models import NotReadyReason, OperatorCurrentStatus, OperatorStatus, Role, User


def answers_queue(queue: str, dialect: str) -> ColumnElement[bool]:
    """Operators whose ``queues`` name ``queue``, or who have no list (SQL NULL or JSON ``null``:
    every queue)."""
    if dialect == "postgresql":
        queues = type_coerce(User.queues, JSONB)
        return or_(User.queues.is_(None), func.jsonb_typeof(queues) == "null", queues.has_key(queue))
    names = func.json_each(User.queues).table_valued("value")
    return or_(
        User.queues.is_(None),
        func.json_type(User.queues) == "null",
        select(names.c.value).where(names.c.value == queue).exists(),
    )


def offer_next(session: Session, *, queue: str, now: datetime, hold: timedelta) -> str | None:
    """Reserve the operator to offer the next call of ``queue`` to and return their SIP URI; None
    when nobody is free. Flushed, not committed: commit at once, the row stays locked until then."""
    current = OperatorCurrentStatus
    offered_in_this_status = and_(
        current.offered_at.is_not(None), current.offered_change_id.is_not_distinct_from(current.change_id)
    )
    not_reserved = or_(~offered_in_this_status, current.offered_at <= now - hold)
    idle_since = case((offered_in_this_status, current.offered_at), else_=current.since)
    pick = (
        select(current.operator_id, User.sip_uri)
        .join(User, User.id == current.operator_id)
        .outerjoin(NotReadyReason, NotReadyReason.code == current.reason_code)
        .where(
            User.role == Role.OPERATOR,
            User.active.is_(True),
            User.sip_uri.is_not(None),
            or_(
                current.status == OperatorStatus.READY,
                and_(current.status == OperatorStatus.NOT_READY, NotReadyReason.routable.is_(True)),
            ),
            answers_queue(queue, session.get_bind().dialect.name),
            not_reserved,
        )
        .order_by(case((current.status == OperatorStatus.READY, 0), else_=1), idle_since, User.id)
        .limit(1)
        .with_for_update(of=current, skip_locked=True)
    )
    row = session.execute(pick).first()
    if row is None:
        return None
    session.execute(
        update(current)
        .where(current.operator_id == row.operator_id)
        .values(offered_at=now, offered_change_id=current.change_id)
        .execution_options(synchronize_session=False)
    )
    sip_uri: str = row.sip_uri
    return sip_uri
