"""``GET /routing/next?queue=Q&key=K``: which operator a PBX should offer the next call of queue
``Q`` to, for PBXs that ask over HTTP (Kamailio ``http_client``, Asterisk ``CURL()``).

Answers ``text/plain``: the operator's SIP URI (``sip:1001@pbx.example``), so a Kamailio script can
put the body straight into ``$ru``. The rules, in order:

1. Ready operators, longest idle first (the oldest ``ready`` since).
2. Only when nobody ready is free: operators not ready with a *routable* reason (back of queue),
   longest in that status first.
3. Never anyone on break, training, in after-call work, on a call, offline, or without a SIP URI.
Operators answer a queue when their ``queues`` list names it, or when they have none (every queue).

**404** (body ``none``) when nobody can take the call (the PBX keeps the caller queued or plays a
message); **403** for a wrong key; **503** when the server has no ``routing_key`` (routing off). The
key is a shared secret in the query because that is what every PBX's HTTP client can send.
The answer does not reserve the operator: the PBX rings them at once, and the phone's ``on_call``
status takes them out of the next answers.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from app.wire.common import Code
from server.api.context import get_context
from server.api.deps import SessionDep
from server.models import NotReadyReason, OperatorCurrentStatus, OperatorStatus, Role, User

router = APIRouter(prefix="/routing", tags=["routing"])


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
    request: Request,
    session: SessionDep,
    queue: Code,
    key: Annotated[str, Query(max_length=256)] = "",
) -> PlainTextResponse:
    """The SIP URI of the operator to offer the call to (module notes)."""
    configured = get_context(request).settings.routing_key
    if configured is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "routing is off: set routing_key")
    if not secrets.compare_digest(key.encode(), configured.get_secret_value().encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong routing key")
    query = (
        select(User.sip_uri, User.queues, OperatorCurrentStatus.status, NotReadyReason.routable)
        .join(OperatorCurrentStatus, OperatorCurrentStatus.operator_id == User.id)
        .outerjoin(NotReadyReason, NotReadyReason.code == OperatorCurrentStatus.reason_code)
        .where(
            User.role == Role.OPERATOR,
            User.active.is_(True),
            User.sip_uri.is_not(None),
            OperatorCurrentStatus.status.in_((OperatorStatus.READY, OperatorStatus.NOT_READY)),
        )
        .order_by(OperatorCurrentStatus.since, User.id)
    )
    back_of_queue: str | None = None
    for sip_uri, queues, current, reason_routable in session.execute(query):
        if queues is not None and queue not in queues:
            continue
        if current is OperatorStatus.READY:
            return PlainTextResponse(sip_uri)
        if reason_routable and back_of_queue is None:
            back_of_queue = sip_uri
    if back_of_queue is not None:
        return PlainTextResponse(back_of_queue)
    return PlainTextResponse("none", status_code=status.HTTP_404_NOT_FOUND)
