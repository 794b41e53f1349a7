"""``GET /routing/next?queue=Q&key=K``: which operator a PBX should offer the next call of queue
``Q`` to, for PBXs that ask over HTTP (Kamailio ``http_client``, Asterisk ``CURL()``).

Answers ``text/plain``: the operator's SIP URI (``sip:1001@pbx.example``), so a Kamailio script can
put the body straight into ``$ru``. The rules, in order:

1. Ready operators, longest idle first (the oldest ``ready`` since, or the last offer made while in
   that status: see below).
2. Only when nobody ready is free: operators not ready with a *routable* reason (back of queue),
   longest in that status first.
3. Never anyone on break, training, in after-call work, on a call, offline, or without a SIP URI.
Operators answer a queue when their ``queues`` list names it, or when they have none (every queue).

**The answer reserves the operator** for ``routing_offer_seconds`` (default 30 s, about a PBX's
ring time): the PBX rings them now, but their phone reports ``on_call`` only when they pick up, and
until then no other call of any queue is offered to them. Any status change after the offer ends
the reservation at once (``on_call``, then ``ready`` after the call). The reservation lives in the
database (``server.crud.routing``), so it holds across ``serve --workers N`` on PostgreSQL.

When the ring times out and the PBX asks again, the operator who let it ring out is skipped while
reserved, and counts as idle only since the offer afterwards, so anyone else free gets the call.
**When the only free operator is the reserved one, the answer is 404**, not that operator again:
the request carries no call identifier, so a second ask inside the window may just as well be
another caller's call, and offering the operator again is the double ring this reservation exists
to prevent. The PBX keeps the caller queued and asks again; once the window has passed, the same
operator is offered again if they are still the only one free.

**Missed calls**: a PBX may add ``call_id`` (and ``caller``, ``dnis``) to the query. When the answer
is ``none`` because no operator of the queue is logged in at all, the call is recorded as missed
(``nobody_logged_in``, source ``routing``) and becomes a callback task (``docs/tasks.md``); should an
operator still answer it later, another source's ``accepted`` report wins. A ``none`` while operators
are logged in but busy records nothing: the PBX keeps the caller queued. A PBX that keeps no queue
(a plain proxy such as Kamailio, which answers ``480`` at once) adds ``final=1``: its ``none`` ends
the call, so a call nobody free could take is recorded as missed too, ``rang_out`` (there was no
operator left to ring).

**404** (body ``none``) when nobody can take the call (the PBX keeps the caller queued or plays a
message); **403** for a wrong key; **503** when the server has no ``routing_key`` (routing off). The
key is a shared secret in the query because that is what every PBX's HTTP client can send.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse
from pydantic import ValidationError

from app.wire.calls import DNIS_MAX, CallOutcome, CallReportIn, MissedReason
from app.wire.common import CALL_ID_MAX, Code
from server.api.context import get_context
from server.api.deps import SessionDep
from server.crud.calls import anyone_logged_in, record
from server.crud.routing import offer_next
from server.models import utcnow

log = logging.getLogger("ringdesk.server.routing")
router = APIRouter(prefix="/routing", tags=["routing"])


def _record_missed(
    session: SessionDep,
    *,
    threshold: float,
    reason: MissedReason,
    call_id: str,
    queue: str,
    caller: str | None,
    dnis: str | None,
) -> None:
    """Record the call as missed for ``reason`` (module notes). A caller that is no phone number
    (``anonymous``, a withheld number) is recorded as withheld; a malformed call id is logged and
    dropped: the routing answer must not fail because of it."""
    fields: dict[str, Any] = {"outcome": CallOutcome.MISSED, "missed_reason": reason, "call_id": call_id}
    fields.update(dnis=dnis or None, queue=queue)
    fields["arrived_at"] = utcnow()
    try:
        try:
            report = CallReportIn.model_validate({**fields, "caller": caller or None})
        except ValidationError:
            report = CallReportIn.model_validate({**fields, "caller": None})
    except ValidationError as exc:
        log.warning("routing: call not recorded", extra={"event": "routing.bad_call", "error": str(exc)})
        return
    record(session, report, source="routing", non_target_seconds=threshold)
    session.commit()


@router.get(
    "/next",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {}}, "description": "the SIP URI to ring"},
        403: {"description": "wrong key"},
        404: {"description": "nobody can take a call of this queue now"},
        503: {"description": "routing is off (no routing_key configured)"},
    },
)
def next_operator(
    *,
    request: Request,
    session: SessionDep,
    queue: Code,
    key: Annotated[str, Query(max_length=256)] = "",
    call_id: Annotated[str | None, Query(max_length=CALL_ID_MAX)] = None,
    caller: Annotated[str | None, Query(max_length=64)] = None,
    dnis: Annotated[str | None, Query(max_length=DNIS_MAX)] = None,
    final: bool = False,
) -> PlainTextResponse:
    """The SIP URI of the operator to offer the call to (module notes)."""
    settings = get_context(request).settings
    configured = settings.routing_key
    if configured is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "routing is off: set routing_key")
    if not secrets.compare_digest(key.encode(), configured.get_secret_value().encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong routing key")
    hold = timedelta(seconds=settings.routing_offer_seconds)
    sip_uri = offer_next(session, queue=queue, now=utcnow(), hold=hold)
    if sip_uri is None:
        reason = None
        if call_id and not anyone_logged_in(session, queue):
            reason = MissedReason.NOBODY_LOGGED_IN
        elif call_id and final:
            reason = MissedReason.RANG_OUT
        if call_id and reason is not None:
            _record_missed(
                session,
                threshold=settings.non_target_seconds,
                reason=reason,
                call_id=call_id,
                queue=queue,
                caller=caller,
                dnis=dnis,
            )
        return PlainTextResponse("none", status_code=status.HTTP_404_NOT_FOUND)
    session.commit()
    return PlainTextResponse(sip_uri)
