"""The calls behind one figure of a report row (drill-down, ``GET /reports/calls/list``).

A figure is a sum of the facts the rollups were built from (``server.reports.maintain``), so the
calls behind it are the facts of the row's interval and group, in the asker's scope, whose measure
is not zero: for a counted figure (offered, missed, handled...) each fact adds 0 or 1, so the list
holds exactly as many entries as the figure says. Each fact is then joined to its raw rows (the
call, the disposition with its script answers, the operator's stored recording) for the lead to
open it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from app.wire.reports import DrillCall, DrillDown, DrillFigure, GroupBy, Interval
from server.models import Disposition, Team, User
from server.models.recordings import Recording
from server.models.reports import ReportFact
from server.models.tasks import Call
from server.reports.intervals import local_midnight
from server.reports.query import Scope

LIMIT = 5000
"""More calls than a lead reads in a list; the figure itself still says how many there are."""


def row_end(start: datetime, interval: Interval, zone: ZoneInfo) -> datetime:
    """Where the interval that starts at ``start`` (a UTC instant) ends."""
    if interval is Interval.QUARTER:
        return start + timedelta(minutes=15)
    if interval is Interval.HOUR:
        return start + timedelta(hours=1)
    day = start.astimezone(zone).date()
    if interval is Interval.DAY:
        return local_midnight(day + timedelta(days=1), zone)
    if interval is Interval.WEEK:
        return local_midnight(day + timedelta(days=7), zone)
    month = day.replace(day=1) + timedelta(days=32)
    return local_midnight(month.replace(day=1), zone)


def fact_scope(scope: Scope) -> ColumnElement[bool]:
    """The facts ``scope`` may see (``Scope.condition``'s twin on ``report_facts``)."""
    table = ReportFact.__table__
    if scope.team_ids is None:
        return true()
    unanswered = true() if scope.queues is None else table.c.queue.in_(sorted({"", *scope.queues}))
    return or_(table.c.team_id.in_(sorted(scope.team_ids)), and_(table.c.team_id == 0, unanswered))


def _group(session: Session, by: GroupBy, group: str | None) -> ColumnElement[bool] | None:
    """The facts of the row's group (the group as the report shows it); ``None``: no such group."""
    table = ReportFact.__table__
    if by is GroupBy.NONE:
        return true()
    if by is GroupBy.TEAM:
        if group is None:
            return table.c.team_id == 0
        team_id = session.scalar(select(Team.id).where(Team.name == group))
        return None if team_id is None else table.c.team_id == team_id
    if by is GroupBy.OPERATOR:
        if group is None:
            return table.c.operator_id == 0
        user_id = session.scalar(select(User.id).where(User.name == group))
        return None if user_id is None else table.c.operator_id == user_id
    column = {
        GroupBy.QUEUE: table.c.queue,
        GroupBy.DNIS: table.c.dnis,
        GroupBy.CODE: table.c.code,
        GroupBy.REQUEST_TYPE: table.c.request_type,
    }[by]
    return column == (group or "")


def calls_behind(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    by: GroupBy,
    group: str | None,
    figure: DrillFigure,
    scope: Scope,
    zone: ZoneInfo,
) -> DrillDown:
    """The facts of ``[since, until)`` in ``group`` with ``figure`` not zero, joined to their rows."""
    table = ReportFact.__table__
    answer = DrillDown(figure=figure, since=since.astimezone(zone), until=until.astimezone(zone), group=group)
    in_group = _group(session, by, group)
    if in_group is None:
        return answer
    facts = session.execute(
        select(
            table.c.call_id,
            table.c.disposition_id,
            table.c.operator_id,
            table.c.queue,
            table.c.dnis,
            table.c.code,
            table.c.talk_ms,
            table.c.hold_ms,
            table.c.acw_ms,
        )
        .where(
            table.c.bucket_start >= since,
            table.c.bucket_start < until,
            table.c[figure] > 0,
            in_group,
            fact_scope(scope),
        )
        .order_by(table.c.bucket_start, table.c.id)
        .limit(LIMIT)
    ).all()
    call_ids = sorted({fact.call_id for fact in facts})
    calls = {c.call_id: c for c in session.scalars(select(Call).where(Call.call_id.in_(call_ids)))}
    disposition_ids = sorted({fact.disposition_id for fact in facts if fact.disposition_id})
    dispositions = {
        d.id: d for d in session.scalars(select(Disposition).where(Disposition.id.in_(disposition_ids)))
    }
    names = {uid: name for uid, name in session.execute(select(User.id, User.name))}
    recordings = {
        (r.call_id, r.operator_id): r
        for r in session.scalars(
            select(Recording).where(
                Recording.call_id.in_(call_ids), Recording.stored.is_(True), Recording.purged_at.is_(None)
            )
        )
    }
    for fact in facts:
        call = calls.get(fact.call_id)
        disposition = dispositions.get(fact.disposition_id) if fact.disposition_id else None
        operator_id = fact.operator_id or (disposition.operator_id if disposition else 0)
        recording = recordings.get((fact.call_id, operator_id))
        if recording is None and not fact.disposition_id:
            recording = next((r for (cid, _), r in recordings.items() if cid == fact.call_id), None)
        handled = disposition is not None
        answer.calls.append(
            DrillCall(
                call_id=fact.call_id,
                disposition_id=fact.disposition_id,
                at=(
                    disposition.ring_at
                    if disposition
                    else (call.arrived_at or call.ended_at)
                    if call
                    else None
                ),
                caller=call.caller if call else None,
                outcome=call.outcome.value if call else None,
                queue=fact.queue or None,
                dnis=fact.dnis or None,
                operator=names.get(operator_id) or (call.operator if call else None),
                code=fact.code or None,
                talk_seconds=round(fact.talk_ms / 1000) if handled else None,
                hold_seconds=round(fact.hold_ms / 1000) if handled else None,
                acw_seconds=round(fact.acw_ms / 1000) if handled else None,
                comment=disposition.comment if disposition else "",
                script_answers=dict(disposition.script_answers or {}) if disposition else {},
                recording_id=recording.id if recording else None,
                recording_seconds=recording.seconds if recording else None,
            )
        )
    return answer
