"""``/team``: the team board's missed-call figures (``docs/tasks.md``, "The team board").

* ``GET /team/missed?tz=Europe/Moscow`` (team leads, admins): the lead's team's missed calls not
  yet called back, when the oldest was missed, and today's callback SLA ("today" in ``tz``, the
  lead's zone, as the KPIs count it). A lead sees their own team's; an admin every team's.

Reassigning and cancelling a task are ``POST /tasks/{id}/reassign`` and ``/cancel``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError

from app.wire.team_tasks import MissedSummary
from server.api.context import get_context
from server.api.deps import LeadOrAdmin, SessionDep, TeamScope
from server.crud import team_missed
from server.models import utcnow

router = APIRouter(prefix="/team", tags=["team"])


def _day_start(tz: str, now: datetime) -> datetime:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise RequestValidationError(
            [{"loc": ("query", "tz"), "type": "value_error", "msg": f"unknown time zone {tz!r}"}]
        ) from None
    local_day = now.astimezone(zone).date()
    return datetime.combine(local_day, time(), zone).astimezone(UTC)


@router.get("/missed", responses={403: {"description": "team leads and admins only"}})
def missed(
    user: LeadOrAdmin,
    session: SessionDep,
    request: Request,
    tz: Annotated[str, Query(max_length=64)] = "UTC",
) -> MissedSummary:
    """The figures for the lead's team (module notes)."""
    now = utcnow()
    scope = TeamScope.of(user)
    return team_missed.summary(
        session,
        team_ids=None if scope.all_teams else scope.team_ids,
        day_start=_day_start(tz, now),
        now=now,
        sla_minutes=get_context(request).settings.callback_sla_minutes,
    )


__all__ = ["router"]
