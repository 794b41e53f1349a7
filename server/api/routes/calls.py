"""``/calls``: what became of every inbound call (``app.wire.calls``; rules in ``docs/tasks.md``).

* ``POST /calls/outcomes`` (a source, ``X-Source-Key``): one source's report of one call. Idempotent
  on ``call_id``: the same call reported again, or by another source, is merged into the same call
  (``server.crud.calls``), so a PBX may retry freely. Answers the merged call.
* ``PUT /calls/waiting`` (a source, ``X-Source-Key``): a PBX without an adapter reports the callers
  waiting in its queues now (``server.pbx.reported``; ``docs/reports.md``). 204; a count that
  changed tells the team boards to read the live report again.
* ``GET /calls/{call_id}`` (team leads, admins): the merged call.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import select

from app.wire.calls import CallOut, CallReportIn, WaitingSnapshotIn
from app.wire.common import CallId
from app.wire.requests import QUEUES_MESSAGE
from server.api.broadcast import QUEUES
from server.api.context import get_context
from server.api.deps import LeadOrAdmin, SessionDep
from server.api.sources import SourceDep
from server.crud import calls as crud
from server.models import Call, utcnow
from server.pbx import reported as waiting

router = APIRouter(prefix="/calls", tags=["calls"])


@router.post(
    "/outcomes",
    responses={
        401: {"description": "missing or unknown X-Source-Key"},
        422: {"description": "not a valid report (a caller that is not a phone number, times out of order)"},
        503: {"description": "no sources configured"},
    },
)
def post_outcome(body: CallReportIn, source: SourceDep, session: SessionDep, request: Request) -> CallOut:
    """Merge one report into its call (module notes)."""
    settings = get_context(request).settings
    call = crud.record(
        session,
        body,
        source=source,
        non_target_seconds=settings.non_target_seconds,
        service_level=settings.service_level_for,
    )
    session.commit()
    return crud.call_out(call)


@router.put(
    "/waiting",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        401: {"description": "missing or unknown X-Source-Key"},
        422: {"description": "not a valid snapshot (a queue named twice, a negative wait)"},
        503: {"description": "no sources configured"},
    },
)
def put_waiting(body: WaitingSnapshotIn, source: SourceDep, session: SessionDep, request: Request) -> None:
    """Replace this source's waiting callers of the queues named (module notes)."""
    context = get_context(request)
    stale = context.settings.pbx_waiting_stale_seconds
    if waiting.store(session, body, source=source, now=utcnow(), stale=stale):
        # every worker's boards that asked (each worker answers from the same rows)
        context.status_feed.publish_on_commit(session, QUEUES_MESSAGE, QUEUES)
    session.commit()


@router.get("/{call_id}", responses={404: {"description": "no such call"}})
def read_call(call_id: CallId, user: LeadOrAdmin, session: SessionDep) -> CallOut:
    call = session.scalars(select(Call).where(Call.call_id == call_id)).first()
    if call is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such call")
    return crud.call_out(call)
