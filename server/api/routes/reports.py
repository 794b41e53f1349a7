"""``/reports``: historical reports from the rollups (``docs/reports.md``), as JSON, CSV or XLSX.

* ``GET /reports/calls``: figures per ``interval`` (15min, hour, day, week, month; none: the whole
  period) and group (``by``: queue, team, operator, dnis, code, none), for the local days
  ``from``..``to`` (inclusive; default today) in the centre's zone (``tz``, default the zone of the
  task rules' working hours).
* ``GET /reports/operators``: per-operator figures over the period with each team's median.
* ``GET /reports/live``: today so far per queue (service level with each queue's N, abandoned,
  missed not called back yet, AHT) for the Team window's dashboard and wallboard.
* ``GET /reports/calls/list``: the calls behind one counted figure of one row of the call report
  (drill-down: as many entries as the figure says), with what the lead needs to open them.
* ``GET /reports/calls/card?call_id=``: one of those calls opened: the contact card, the
  dispositions with their script answers, the recordings (404 for a call outside the asker's scope).

Team leads see their team (and the calls nobody answered in the queues their operators answer);
admins everyone; operators get 403. ``format=csv`` (``encoding=utf-8`` with a BOM, or ``cp1251``
with ``;`` for Russian Excel) or ``format=xlsx`` answer a file.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from app.wire.common import CallId, Day
from app.wire.reports import (
    CallCard,
    DrillDown,
    DrillFigure,
    GroupBy,
    Interval,
    LiveReport,
    OperatorReport,
    Report,
)
from server.api.context import get_context
from server.api.deps import LeadOrAdmin, SessionDep, SettingsDep, TeamScope
from server.crud import task_rules
from server.crud.team_missed import team_queues
from server.kpi.export import Encoding
from server.reports import card, drill, export, live, query
from server.reports.intervals import local_midnight

router = APIRouter(prefix="/reports", tags=["reports"])

MAX_DAYS = 400
"""The longest period one request may cover (a year and a bit: year-on-year by month)."""
MAX_QUARTER_DAYS = 62
"""15-minute rows over more than two months are not a report anyone reads."""

_FILES = {
    200: {
        "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        "description": "JSON, or a CSV / XLSX file with format=csv / xlsx",
    },
    403: {"description": "operators; team leads asking for another team"},
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _error(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", field), "type": "value_error", "msg": message}])


def _zone(session: Session, tz: str | None) -> ZoneInfo:
    name = tz or task_rules.load(session).hours.time_zone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _error("tz", f"unknown time zone {name!r} (an IANA name like Europe/Moscow)") from None


def _period(
    first: date | None, last: date | None, zone: ZoneInfo, interval: Interval | None
) -> tuple[datetime, datetime]:
    today = datetime.now(zone).date()
    first = first or last or today
    last = last or first
    if last < first:
        raise _error("to", "to must not be before from")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise _error("to", f"a report covers at most {MAX_DAYS} days")
    if interval is Interval.QUARTER and days > MAX_QUARTER_DAYS:
        raise _error("interval", f"15-minute rows cover at most {MAX_QUARTER_DAYS} days")
    return local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone)


def _scope(session: Session, user: LeadOrAdmin) -> query.Scope:
    scope = TeamScope.of(user)
    if scope.all_teams:
        return query.Scope()
    queues = team_queues(session, scope.team_ids)
    return query.Scope(team_ids=scope.team_ids, queues=frozenset(queues) if queues is not None else None)


def _answer(result: Report | OperatorReport, name: str, format: str, encoding: Encoding) -> Response:
    stamp = result.since.strftime("%Y%m%d")
    if format == "csv":
        return Response(
            export.to_csv(result, encoding),
            media_type=f"text/csv; charset={'windows-1251' if encoding == 'cp1251' else 'utf-8'}",
            headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"'},
        )
    if format == "xlsx":
        return Response(
            export.to_xlsx(result, name),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.xlsx"'},
        )
    return Response(result.model_dump_json(), media_type="application/json")


Format = Literal["json", "csv", "xlsx"]


@router.get("/calls", responses=_FILES)  # type: ignore[arg-type]
def read_calls_report(
    *,
    user: LeadOrAdmin,
    session: SessionDep,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    interval: Interval | None = Interval.DAY,
    by: GroupBy = GroupBy.NONE,
    whole: Annotated[bool, Query(description="one row per group for the whole period")] = False,
    format: Format = "json",
    encoding: Encoding = "utf-8",
) -> Response:
    """The call report (module notes)."""
    zone = _zone(session, tz)
    step = None if whole else interval
    since, until = _period(first, last, zone, step)
    result = query.build(
        session, since=since, until=until, interval=step, by=by, zone=zone, scope=_scope(session, user)
    )
    return _answer(result, f"calls-{by.value}", format, encoding)


@router.get("/operators", responses=_FILES)  # type: ignore[arg-type]
def read_operators_report(
    *,
    user: LeadOrAdmin,
    session: SessionDep,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    format: Format = "json",
    encoding: Encoding = "utf-8",
) -> Response:
    """Per-operator analytics with the team's median (module notes)."""
    zone = _zone(session, tz)
    since, until = _period(first, last, zone, None)
    result = query.build_operators(session, since=since, until=until, zone=zone, scope=_scope(session, user))
    return _answer(result, "operators", format, encoding)


@router.get("/calls/list", response_model=DrillDown)
def read_calls_behind(
    *,
    user: LeadOrAdmin,
    session: SessionDep,
    figure: DrillFigure,
    first: Annotated[Day | None, Query(alias="from")] = None,
    last: Annotated[Day | None, Query(alias="to")] = None,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    interval: Interval | None = Interval.DAY,
    by: GroupBy = GroupBy.NONE,
    whole: bool = False,
    start: Annotated[
        datetime | None, Query(description="the row's interval start, as the report gave it")
    ] = None,
    group: Annotated[
        str | None, Query(max_length=200, description="the row's group, as the report gave it")
    ] = None,
) -> DrillDown:
    """The calls behind ``figure`` of the row (``start``, ``group``) of the report with these
    parameters: the row's interval within the period (the whole period without ``start``)."""
    zone = _zone(session, tz)
    step = None if whole else interval
    since, until = _period(first, last, zone, step)
    if start is not None:
        if step is None:
            raise _error("start", "a whole-period report has no interval starts")
        if start.tzinfo is None:
            raise _error("start", "start needs its offset (as the report gave it)")
        row_since = start.astimezone(since.tzinfo)
        since, until = max(since, row_since), min(until, drill.row_end(row_since, step, zone))
    return drill.calls_behind(
        session,
        since=since,
        until=until,
        by=by,
        group=group,
        figure=figure,
        scope=_scope(session, user),
        zone=zone,
    )


@router.get("/calls/card", response_model=CallCard, responses={404: {"description": "no such call in scope"}})
def read_call_card(
    *, user: LeadOrAdmin, session: SessionDep, call_id: Annotated[CallId, Query()]
) -> CallCard:
    """One call opened from a drill-down (module notes; ``server.reports.card``)."""
    found = card.call_card(session, call_id, _scope(session, user))
    if found is None:
        raise HTTPException(status_code=404, detail="no such call")
    return found


@router.get("/live", response_model=LiveReport)
def read_live(
    *,
    request: Request,
    user: LeadOrAdmin,
    session: SessionDep,
    settings: SettingsDep,
    tz: Annotated[str | None, Query(max_length=64)] = None,
) -> LiveReport:
    """Today so far per queue (module notes; ``server.reports.live``)."""
    zone = _zone(session, tz)
    return live.build(
        session,
        settings=settings,
        zone=zone,
        scope=_scope(session, user),
        now=datetime.now(zone),
        waiting=get_context(request).waiting,
    )
