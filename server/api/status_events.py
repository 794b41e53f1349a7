"""What follows a stored status change, in one place for every route that stores one (``POST
/statuses``, a force applied at once, an approved break): the requests it settles, the live feed,
and the PBX queue adapters.

Everything is announced only once the transaction commits (``publish_on_commit``, an
``after_commit`` hook for the PBX), so a change rolled back is never seen by a board or a queue.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.wire.requests import request_message
from app.wire.statuses import StatusChangeOut, StatusSource
from server.api.context import AppContext
from server.crud import requests as requests_crud
from server.crud import statuses as crud
from server.crud.catalogue import get_reason, reason_out
from server.models import OperatorStatus, StatusRequest, User
from server.pbx.adapter import QueueChange


def announce_request(context: AppContext, session: Session, row: StatusRequest, team_id: int | None) -> None:
    """Push a request (new, decided, settled) to the team's board and the operator's desktop."""
    context.status_feed.publish_on_commit(session, request_message(requests_crud.out(session, row)), team_id)


def store_change(
    context: AppContext,
    session: Session,
    *,
    operator: User,
    status: OperatorStatus,
    reason: str | None,
    at: datetime,
    source: StatusSource,
    changed_by: User | None,
    key: uuid.UUID | None = None,
    body_hash: str | None = None,
) -> tuple[StatusChangeOut, bool]:
    """Store a change and queue what follows it (module notes); the caller commits. Returns the
    change as sent and whether it became the operator's current status."""
    change, current = crud.record_change(
        session,
        operator=operator,
        status=status,
        reason=reason,
        at=at,
        source=source,
        changed_by=changed_by,
        key=key,
        body_hash=body_hash,
    )
    out = crud.change_out(change, operator.name, changed_by.name if changed_by is not None else None)
    context.status_feed.publish_on_commit(session, out.model_dump_json(), operator.team_id)
    if not current:
        return out, current  # an old change replayed late: history only
    for settled in requests_crud.settle(session, operator_id=operator.id, status=status, reason=reason):
        announce_request(context, session, settled, operator.team_id)
    queues = context.queues
    if queues.active:
        reason_row = get_reason(session, code=reason) if reason is not None else None
        queue_change = QueueChange(
            operator=operator.name,
            sip_uri=operator.sip_uri,
            queues=tuple(operator.queues) if operator.queues is not None else None,
            status=status,
            reason=reason_out(reason_row) if reason_row is not None else None,
            at=at,
        )
        event.listen(session, "after_commit", lambda _s: queues.follow(queue_change), once=True)
    return out, current
