"""Demo history: past calls with the demo contacts and their results, so the first screen pop of
``ringdesk demo`` already shows what a card is for (the last calls with coloured results, an open
callback), not an empty list.

Recorded by the demo's *other* operators (never ``operator1``, who the demo logs in and the tests drive),
at times relative to the seeding, newest last. Idempotent like the rest of the seed: a past call is
identified by its call id, and one already stored is left alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.wire.dispositions import DispositionIn
from server.crud.contacts import find_by_phone
from server.crud.dispositions import disposition_values, request_hash, store_new
from server.crud.users import get_user_by_name
from server.models import Disposition, utcnow

_NAMESPACE = uuid.UUID("6f3c1f9e-5f43-4a53-9d0a-2f1c3b7d9e10")


@dataclass(frozen=True)
class PastCall:
    """One past call: whose number, how many days ago, who took it, in which queue, with what result."""

    phone: str
    days_ago: int
    operator: str
    queue: str
    code: str
    comment: str = ""
    callback_in_days: int | None = None
    """A callback promised for that many days after the seeding, at 12:00 UTC (15:00 in Moscow)."""


DEMO_HISTORY: tuple[PastCall, ...] = (
    PastCall("+79131234567", 41, "operator2", "lens", "sale", "Заказал линзы на 3 месяца"),
    PastCall("+79131234567", 12, "support1", "shop", "order_status", "Спрашивал про доставку заказа"),
    PastCall("+79131234567", 3, "operator2", "lens", "interested", "Интересуется однодневными линзами"),
    PastCall("+74951234567", 20, "operator2", "shop", "no_answer"),
    PastCall("+74951234567", 9, "support1", "shop", "new_order", "Заказ A-778120"),
    PastCall(
        "+74951234567", 1, "operator2", "lens", "callback", "Перезвонить после 15:00", callback_in_days=1
    ),
    PastCall("+78122345678", 30, "operator2", "lens", "send_info", "Прайс-лист на почту"),
    PastCall("+78122345678", 6, "operator2", "lens", "refused", "Закупки заморожены до весны"),
)


def seed_demo_history(session: Session, *, now: datetime | None = None) -> int:
    """Add the past calls of :data:`DEMO_HISTORY` that are missing (caller commits); the count added."""
    now = now or utcnow()
    wanted = {_call_id(past): past for past in DEMO_HISTORY}
    stored = set(session.scalars(select(Disposition.call_id).where(Disposition.call_id.in_(list(wanted)))))
    rows = []
    for call_id, past in wanted.items():
        contact = find_by_phone(session, e164s=[past.phone])
        operator = get_user_by_name(session, name=past.operator)
        if call_id in stored or contact is None or operator is None:
            continue
        ring = (now - timedelta(days=past.days_ago)).replace(hour=9, minute=30, second=0, microsecond=0)
        ring += timedelta(minutes=(past.days_ago * 97) % 480)  # spread over the working day
        callback = None
        if past.callback_in_days is not None:
            callback = datetime.combine(
                (now + timedelta(days=past.callback_in_days)).date(), time(12), now.tzinfo
            )
        answered = past.code != "no_answer"
        body = DispositionIn(
            call_id=call_id,
            operator=past.operator,
            contact_id=contact.id,
            queue=past.queue,
            ring_at=ring,
            answer_at=ring + timedelta(seconds=6) if answered else None,
            end_at=ring + timedelta(seconds=190 if answered else 30),
            acw_end_at=ring + timedelta(seconds=215 if answered else 40),
            code=past.code,
            comment=past.comment,
            callback_at=callback,
        )
        key = uuid.uuid5(_NAMESPACE, call_id)
        rows.append(
            disposition_values(key=key, body=body, operator_id=operator.id, body_hash=request_hash(body))
        )
    store_new(session, rows)
    return len(rows)


def _call_id(past: PastCall) -> str:
    return f"demo-history-{past.phone[1:]}-{past.days_ago}"
