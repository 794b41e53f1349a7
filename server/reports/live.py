"""Today's figures per queue for the Team window's dashboard and wallboard (``GET /reports/live``).

Offered, accepted, non-target, missed and AHT are the call report's (the rollups, grouped by queue
for today); the rest is read from today's raw calls, a small indexed read: the abandoned calls, the
missed calls not called back yet (their facts), and the service level, the share of calls answered
within the queue's N seconds of arriving (``Settings.service_level_for``) among the calls offered
less the non-target ones. Calls waiting now and the longest wait are the PBX adapters' (the callers
waiting in each queue with their join times, ``server.pbx.waiting``) and those a PBX without an
adapter posted (``server.pbx.reported``), added up, computed at ``now``: a queue with callers waiting
and no call ended today yet has a row too. Without a PBX reporting (an adapter's connection down, a
posted snapshot gone stale) ``waiting`` is ``None`` and the desktop says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from app.wire.calls import CallOutcome, MissedReason
from app.wire.reports import GroupBy, LiveQueue, LiveReport
from server.models.reports import ReportFact
from server.models.tasks import Call
from server.pbx import reported
from server.pbx.waiting import QueueWaiting, WaitingBoard
from server.reports import query
from server.reports.drill import fact_scope
from server.reports.intervals import local_midnight
from server.settings import Settings


def _ratio(top: int, bottom: int) -> float | None:
    return round(top / bottom, 4) if bottom else None


def build(
    session: Session,
    *,
    settings: Settings,
    zone: ZoneInfo,
    scope: query.Scope,
    now: datetime,
    waiting: WaitingBoard | None = None,
) -> LiveReport:
    """Today (in ``zone``) per queue, for what ``scope`` may see; ``waiting``: the PBX's callers."""
    day = now.astimezone(zone).date()
    since, until = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    report = query.build(
        session, since=since, until=until, interval=None, by=GroupBy.QUEUE, zone=zone, scope=scope
    )
    queues: dict[str, LiveQueue] = {}
    for row in report.rows:
        key = row.group or ""
        queues[key] = LiveQueue(
            queue=row.group,
            offered=row.offered,
            accepted=row.accepted,
            non_target=row.non_target,
            missed=row.missed,
            aht_seconds=row.aht_seconds,
            service_seconds=settings.service_level_for(row.group),
        )
    visible: ColumnElement[bool] = true()
    if scope.team_ids is not None and scope.queues is not None:
        visible = or_(Call.queue.is_(None), Call.queue.in_(sorted(scope.queues)))
    calls = session.execute(
        select(Call.queue, Call.outcome, Call.missed_reason, Call.wait_seconds, Call.service_seconds).where(
            Call.arrived_at >= since, Call.arrived_at < until, visible
        )
    )
    for queue, outcome, reason, wait, stored_n in calls:
        entry = queues.get(queue or "")
        if entry is None:
            continue  # not in the asker's scope (another team's answered call)
        # the N it was reported under (none stored: not in time, as in the rollups), read from the
        # raw calls apart from the rollups (tests/server/test_reports_agreement.py compares the two)
        if outcome is CallOutcome.ACCEPTED and wait is not None and stored_n is not None and wait <= stored_n:
            entry.answered_in_time += 1
        if outcome is CallOutcome.MISSED and reason is MissedReason.ABANDONED:
            entry.abandoned += 1
    facts = ReportFact.__table__
    open_missed = session.execute(
        select(facts.c.queue).where(
            facts.c.bucket_start >= since,
            facts.c.bucket_start < until,
            facts.c.missed > 0,
            facts.c.called_back == 0,
            fact_scope(scope),
        )
    )
    for (queue,) in open_missed:
        if (entry := queues.get(queue or "")) is not None:
            entry.missed_open += 1
    total = LiveQueue(
        queue=None, service_seconds=settings.service_level_seconds, aht_seconds=report.total.aht_seconds
    )
    posted = reported.read(session, now=now, stale=settings.pbx_waiting_stale_seconds)
    adapters = waiting is not None and waiting.configured
    if adapters or posted.configured:
        figures = reported.combined(waiting.figures(now) if waiting is not None else {}, posted.queues)
        _add_waiting(queues, total, figures, scope=scope, settings=settings)
    for entry in queues.values():
        entry.service_level = _ratio(entry.answered_in_time, entry.offered - entry.non_target)
        for name in (
            "offered",
            "accepted",
            "non_target",
            "missed",
            "abandoned",
            "missed_open",
            "answered_in_time",
        ):
            setattr(total, name, getattr(total, name) + getattr(entry, name))
    total.service_level = _ratio(total.answered_in_time, total.offered - total.non_target)
    return LiveReport(
        day=day,
        time_zone=zone.key,
        queues=sorted(queues.values(), key=lambda q: q.queue or ""),
        total=total,
        pbx_configured=adapters or posted.configured,
        pbx_connected=(waiting is not None and waiting.connected) or posted.connected,
    )


def _add_waiting(
    queues: dict[str, LiveQueue],
    total: LiveQueue,
    waiting: dict[str, QueueWaiting],
    *,
    scope: query.Scope,
    settings: Settings,
) -> None:
    """The PBX's callers per queue the asker may see (a team lead: the queues their operators answer),
    and over all of them on ``total`` (unknown when no queue is known)."""
    for name, figures in waiting.items():
        if scope.queues is not None and name not in scope.queues:
            continue
        entry = queues.get(name)
        if entry is None:
            entry = queues[name] = LiveQueue(queue=name, service_seconds=settings.service_level_for(name))
        entry.waiting, entry.longest_wait_seconds = figures.waiting, figures.longest_wait_seconds
    known = [q for q in queues.values() if q.waiting is not None]
    if known:
        total.waiting = sum(q.waiting or 0 for q in known)
        total.longest_wait_seconds = max(q.longest_wait_seconds or 0.0 for q in known)
