"""``POST /calls/desktop`` (operators): a desktop's report of an inbound call that rang at it.

The desktop is one of the call-outcome sources (``docs/tasks.md``). It speaks with the operator's
token, not a source key, so what it may say is limited to what happened at that operator:

* ``missed`` with ``abandoned`` (the caller gave up while it rang here) or ``rang_out`` (the operator
  rejected it, or it rang out here), naming no operator;
* ``accepted`` by this operator only (the operator field is filled in, or must be theirs), so a
  call that rang at one desktop unanswered and was answered at another is one accepted call.

Anything else (another operator's name, ``non_target``, an out-of-hours verdict) is 422: those are
the PBX's to say. A missed call's ``wait_seconds`` is how long it rang here: a lower bound of the
caller's wait, which never shortens a wait another source reported (``server.crud.calls``), and
with which the non-target rule applies (a caller who hung up within the greeting is no callback).
Merged like every source's report (same ``call_id``: same call), under the source name ``desktop``;
sending it again changes nothing, so the desktop's outbox may resend freely.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError

from app.wire.calls import CallOut, CallOutcome, CallReportIn, MissedReason
from server.api.context import get_context
from server.api.deps import SessionDep, require_role
from server.crud import calls as crud
from server.models import Role, User

router = APIRouter(prefix="/calls", tags=["calls"])

SOURCE = "desktop"
DESKTOP_REASONS = (MissedReason.ABANDONED, MissedReason.RANG_OUT)

OperatorOnly = Annotated[User, Depends(require_role(Role.OPERATOR))]


def _refuse(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "type": "value_error", "msg": message}])


@router.post(
    "/desktop",
    responses={403: {"description": "operators only"}, 422: {"description": "not the operator's to say"}},
)
def post_desktop_outcome(
    body: CallReportIn, user: OperatorOnly, session: SessionDep, request: Request
) -> CallOut:
    """Merge what a call did at this operator's desktop into the call (module notes)."""
    if body.outcome is CallOutcome.ACCEPTED:
        if body.operator not in (None, user.name):
            raise _refuse("operator", "a desktop reports calls its own operator answered")
        body = body.model_copy(update={"operator": user.name})
    elif body.outcome is CallOutcome.MISSED:
        if body.missed_reason not in DESKTOP_REASONS:
            raise _refuse("missed_reason", "a desktop reports abandoned or rang_out only")
        if body.operator is not None:
            raise _refuse("operator", "a missed call names no operator")
    else:
        raise _refuse("outcome", "a desktop reports accepted or missed only")
    settings = get_context(request).settings
    call = crud.record(
        session,
        body,
        source=SOURCE,
        non_target_seconds=settings.non_target_seconds,
        service_level=settings.service_level_for,
        wait_at_least=True,  # how long it rang here: a part of the caller's wait
    )
    session.commit()
    return crud.call_out(call)
