"""Demo calls of today (``seed-demo --calls-today``, used by ``ringdesk demo --lead``): so the Team
window's dashboard a lead opens shows a working day so far (calls offered, answered in time or late,
non-target, missed and waiting for a callback, AHT), not an empty queue table.

The calls go in through the same code as a PBX's reports (``server.crud.calls.record``: the report
rollups, the callback tasks of missed calls) and the answered ones get their operators' dispositions
(talk and after-call work, for AHT and each operator's handled calls), so every figure on the dashboard
is the server's own. They are spread from local midnight (this computer's zone: the demo's desktop
runs here and asks for its own today) up to a minute ago, at most the last :data:`SPAN`. Idempotent:
a call of today already stored is left alone; another day adds that day's.

Waiting callers are not seeded: a PBX's snapshot ages out within a minute by design
(``server.pbx.reported``), so the lead demo's simulated PBX (``ui.demo_team``) posts them live.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.wire.calls import CallOutcome, CallReportIn, MissedReason
from app.wire.dispositions import DispositionIn
from server.crud import calls as crud_calls
from server.crud.dispositions import disposition_values, request_hash, store_new
from server.crud.users import get_user_by_name
from server.models import Call, utcnow
from server.reports import maintain as reports
from server.settings import Settings

DEMO_QUEUES = ("lens", "shop", "finance")
"""The demo callers' queues (``server.seed_content.DEMO_CALLERS``)."""
SPAN = timedelta(hours=8)
CALLS = 60
CODES = {"lens": ("sale", "send_info", "sale", "wrong_number"), "shop": ("new_order", "order_status")}
_NAMESPACE = uuid.UUID("9d4b8c07-3f6e-4a31-8f4e-6c1d2a7b5e90")


def seed_demo_today(
    session: Session, settings: Settings, *, operators: list[str], now: datetime | None = None
) -> int:
    """Add today's demo calls that are missing, answered by ``operators`` (caller commits); the
    count added."""
    now = now or utcnow()
    local = now.astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight, local - SPAN)
    span = max(0.0, (local - start).total_seconds() - 60)
    day = local.strftime("%Y%m%d")
    ids = [f"demo-today-{day}-{n:02d}" for n in range(CALLS)]
    stored = set(session.scalars(select(Call.call_id).where(Call.call_id.in_(ids))))
    people = [
        user for user in (get_user_by_name(session, name=name) for name in operators) if user is not None
    ]
    chance = random.Random(int(day))
    added: list[str] = []
    dispositions = []
    for n, call_id in enumerate(ids):
        arrived = start + timedelta(seconds=span * (n + chance.random()) / CALLS)
        queue = chance.choice(DEMO_QUEUES)
        caller = f"+7916{chance.randrange(10_000_000):07d}"
        roll = chance.random()
        speed = chance.random()  # most answered within N (20 s), some late: a service level near 80 %
        longest = 14 if speed < 0.7 else 35 if speed < 0.9 else 90
        wait = round(chance.uniform(2, longest), 1)
        if roll < 0.16 or not people:
            # hung up within the greeting or gave up in the queue (a wait the PBX knows), or rang out
            abandoned = roll < 0.1 or not people
            if abandoned:
                wait = round(chance.uniform(1, settings.non_target_seconds), 1) if roll < 0.06 else wait + 20
            report = CallReportIn(
                call_id=call_id,
                outcome=CallOutcome.MISSED,
                missed_reason=MissedReason.ABANDONED if abandoned else MissedReason.RANG_OUT,
                caller=caller,
                queue=queue,
                arrived_at=arrived,
                ended_at=arrived + timedelta(seconds=wait if abandoned else 60),
                wait_seconds=wait if abandoned else None,
            )
        else:
            operator = chance.choice(people)
            answered = arrived + timedelta(seconds=wait)
            ended = answered + timedelta(seconds=chance.uniform(60, 420))
            report = CallReportIn(
                call_id=call_id,
                outcome=CallOutcome.ACCEPTED,
                caller=caller,
                queue=queue,
                operator=operator.name,
                arrived_at=arrived,
                answered_at=answered,
                ended_at=ended,
            )
            body = DispositionIn(
                call_id=call_id,
                operator=operator.name,
                queue=queue,
                ring_at=answered - timedelta(seconds=3),
                answer_at=answered,
                end_at=ended,
                acw_end_at=ended + timedelta(seconds=chance.uniform(10, 60)),
                code=chance.choice(CODES.get(queue, ("sale", "send_info"))),
            )
            if call_id not in stored:
                dispositions.append(
                    disposition_values(
                        key=uuid.uuid5(_NAMESPACE, call_id),
                        body=body,
                        operator_id=operator.id,
                        body_hash=request_hash(body),
                    )
                )
        if call_id in stored or report.arrived_at is None or report.arrived_at > now:
            continue
        crud_calls.record(
            session,
            report,
            source="demo-pbx",
            non_target_seconds=settings.non_target_seconds,
            service_level=settings.service_level_for,
        )
        added.append(call_id)
    store_new(session, dispositions)
    reports.refresh(session, added)  # the dispositions' handling figures, in the same transaction
    return len(added)
