"""Who may report which ``source`` of a status change (``POST /statuses``): the rules, apart from the
route so they read as one table.

* one's own status: ``operator``, or ``system`` for what the desktop's software did by itself;
* someone else's (a team lead, an admin): ``team_lead``;
* the operator's own desktop applying a team lead's pending force after the call: ``team_lead`` with
  ``request``, the id of that force (issue 13). The change is then the lead's (``by``) and settles
  the request; anything else naming a request is 422.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.wire.requests import RequestKind, RequestState
from app.wire.statuses import StatusChangeIn, StatusSource
from server.api.acting import invalid
from server.crud import requests as requests_crud
from server.models import User


def source_of(body: StatusChangeIn, own: bool) -> StatusSource:
    """The source a change is stored with when it names no force (422 for one that does not fit)."""
    expected = StatusSource.OPERATOR if own else StatusSource.TEAM_LEAD
    if own and body.source is StatusSource.SYSTEM:
        return StatusSource.SYSTEM  # the operator's desktop acting on a fact, not on a choice
    if body.source is StatusSource.SYSTEM:
        raise invalid("source", "only the operator's own desktop may report a 'system' change")
    if "source" in body.model_fields_set and body.source is not expected:
        whose = "your own status" if own else "someone else's status"
        raise invalid("source", f"a change of {whose} has the source {expected.value!r}")
    return expected


def force_applied(session: Session, operator: User, body: StatusChangeIn) -> User:
    """The team lead whose pending force ``body`` applies (the operator's desktop applying it after
    the call): 422 unless ``body.request`` is this operator's pending force for this very status.
    The change is then stored as the lead's (``source`` ``team_lead``, ``by`` the lead) and settles
    the request."""
    if body.request is None:
        raise invalid(
            "request",
            "a team lead's status sent by the operator's desktop names the force it applies (request)",
        )
    row = requests_crud.get(session, body.request)
    if row is None or row.operator_id != operator.id or row.kind is not RequestKind.FORCE:
        raise invalid("request", f"request {body.request} is not a force on {operator.name}'s status")
    if row.state is not RequestState.PENDING:
        raise invalid("request", f"the force {body.request} is already {row.state.value}")
    if (row.status, row.reason_code) != (body.status, body.reason):
        forced = row.status.value + (f" ({row.reason_code})" if row.reason_code else "")
        raise invalid("request", f"the force {body.request} sets {forced}, not {body.status.value}")
    lead = session.get(User, row.requested_by_id)
    if lead is None:
        raise invalid("request", f"the author of the force {body.request} no longer exists")
    return lead
