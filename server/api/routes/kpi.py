"""``/kpi``: KPIs per operator, team and in total for a period, as JSON or CSV, and shift targets.

* ``GET /kpi``: the period is ``since``/``until`` (``until`` exclusive), or one calendar ``day``
  (default: today) in the time zone ``tz`` (default UTC): a Moscow team lead's "today" starts at
  00:00 Moscow time. Operators get their own row only (``operator`` may only name themselves); team
  leads their team; admins everyone, or one ``team``. ``format=csv`` answers ``text/csv`` (with
  ``encoding=cp1251`` for Russian Excel, see ``server.kpi.export``).
* ``PUT /kpi/targets``: a shift target (calls to handle per shift) for an operator or a team. Team
  leads set their own team's; admins any. Audited.
Definitions: ``docs/kpi.md``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, HTTPException, Query, Response, status
from fastapi.exceptions import RequestValidationError

from app.wire.common import Day, UserName, UtcDatetime
from app.wire.kpi import KpiReport, TargetIn
from server.api.deps import AuditDep, CurrentUser, LeadOrAdmin, SessionDep, TeamScope
from server.crud.users import get_team_by_name, get_user_by_name
from server.kpi import report
from server.kpi.export import Encoding, to_csv
from server.models import Role

router = APIRouter(prefix="/kpi", tags=["kpi"])

MAX_PERIOD = timedelta(days=62)
"""The longest period one request may cover (two months): longer reports go month by month."""


def _query_error(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", field), "type": "value_error", "msg": message}])


def _period(
    since: datetime | None, until: datetime | None, day: date | None, tz: str
) -> tuple[datetime, datetime]:
    if (since is None) != (until is None):
        raise _query_error("until", "give both since and until, or neither (then: one day)")
    if since is not None and until is not None:
        if day is not None:
            raise _query_error("day", "give either day or since and until")
        if until <= since:
            raise _query_error("until", "until must be after since")
        if until - since > MAX_PERIOD:
            raise _query_error("until", f"a report covers at most {MAX_PERIOD.days} days")
        return since, until
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise _query_error("tz", f"unknown time zone {tz!r} (an IANA name like Europe/Moscow)") from None
    local_day = day or datetime.now(zone).date()
    start = datetime.combine(local_day, time(), zone)
    end = datetime.combine(local_day + timedelta(days=1), time(), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


@router.get(
    "",
    responses={
        200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"},
        403: {"description": "operators: own KPIs only; team leads: own team only"},
        404: {"description": "no such operator or team"},
    },
)
def read_kpi(
    *,
    user: CurrentUser,
    session: SessionDep,
    operator: UserName | None = None,
    team: UserName | None = None,
    since: Annotated[UtcDatetime | None, Query()] = None,
    until: Annotated[UtcDatetime | None, Query()] = None,
    day: Day | None = None,
    tz: Annotated[str, Query(max_length=64)] = "UTC",
    format: Literal["json", "csv"] = "json",
    encoding: Encoding = "utf-8",
) -> Response:
    """KPIs for the period (module notes)."""
    start, end = _period(since, until, day, tz)
    scope = TeamScope.of(user)
    operator_id: int | None = None
    team_ids: frozenset[int] | None = None if scope.all_teams else scope.team_ids
    if user.role is Role.OPERATOR:
        if operator is not None and operator != user.name:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "operators see their own KPIs only")
        operator_id, team_ids = user.id, None
    elif operator is not None:
        row = get_user_by_name(session, name=operator)
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user is called {operator!r}")
        if not scope.allows(row.team_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads see their own team only")
        operator_id = row.id
    if team is not None:
        found = get_team_by_name(session, name=team)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no team is called {team!r}")
        if not scope.allows(found.id) and user.role is not Role.OPERATOR:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads see their own team only")
        if user.role is Role.OPERATOR and found.id != user.team_id:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "operators see their own KPIs only")
        if user.role is not Role.OPERATOR:
            team_ids = frozenset({found.id})
    result: KpiReport = report.build(
        session, team_ids=team_ids, operator_id=operator_id, since=start, until=end
    )
    if format == "csv":
        stamp = start.strftime("%Y%m%d")
        return Response(
            to_csv(result, encoding),
            media_type=f"text/csv; charset={'windows-1251' if encoding == 'cp1251' else 'utf-8'}",
            headers={"Content-Disposition": f'attachment; filename="kpi-{stamp}.csv"'},
        )
    return Response(result.model_dump_json(), media_type="application/json")


@router.put(
    "/targets",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        403: {"description": "team leads: own team only"},
        404: {"description": "no such user or team"},
    },
)
def put_target(body: TargetIn, user: LeadOrAdmin, session: SessionDep, audit: AuditDep) -> None:
    """Set (or clear) an operator's or a team's shift target."""
    scope = TeamScope.of(user)
    if (body.operator is None) == (body.team is None):
        raise RequestValidationError(
            [{"loc": ("body", "operator"), "type": "value_error", "msg": "name an operator or a team"}]
        )
    if body.operator is not None:
        target_user = get_user_by_name(session, name=body.operator)
        if target_user is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user is called {body.operator!r}")
        if not scope.allows(target_user.team_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads set their own team's targets only")
        target_user.shift_target = body.handled_per_shift
        what = f"user:{target_user.id}"
    else:
        assert body.team is not None
        found = get_team_by_name(session, name=body.team)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no team is called {body.team!r}")
        if not scope.allows(found.id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads set their own team's targets only")
        found.shift_target = body.handled_per_shift
        what = f"team:{found.id}"
    audit("kpi.target", target=what, details={"handled_per_shift": body.handled_per_shift})
    session.commit()
