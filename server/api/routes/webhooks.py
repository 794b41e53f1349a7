"""``/webhooks``: outgoing webhooks, for admins only (403 for everyone else). docs/integrations.md.

* ``POST /webhooks`` registers a URL for event types; the answer holds the endpoint's signing secret,
  shown this once. A URL the SSRF rules refuse is 422 saying why (``server.webhooks.urls``).
* ``GET /webhooks``, ``PATCH /webhooks/{id}`` (pause with ``{"active": false}``, resume, change the
  URL or the events), ``DELETE /webhooks/{id}`` (its deliveries go with it).
* ``GET /webhooks/deliveries`` (``?endpoint_id=&state=&before_id=&limit=``, newest first) and
  ``GET /webhooks/deliveries/{id}``: the delivery log; ``POST /webhooks/deliveries/{id}/replay``
  queues one again (409 while it is being sent).

Every change is audited.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from sqlalchemy.orm import Session

from server.api.acting import invalid
from server.api.context import get_context
from server.api.deps import AdminUser, AuditDep, SessionDep
from server.api.schemas.common import BigIdPath, UserIdPath
from server.models import WebhookEndpoint
from server.webhooks import events, store
from server.webhooks.urls import Address, BadWebhookUrl, allowed_hosts, check_url, own_addresses

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

_NOT_FOUND = "no such webhook endpoint"
EndpointIdPath = UserIdPath  # an INTEGER id, like a user's


@lru_cache(maxsize=4)
def _own(listen_host: str) -> frozenset[Address]:
    return own_addresses(listen_host)


def checked_url(request: Request, session: Session, url: str) -> str:
    """``url`` if it may receive webhooks, else a 422 saying why. The open read transaction is
    ended first: resolving a host name can take seconds, and on SQLite it holds the write lock."""
    settings = get_context(request).settings
    session.rollback()
    try:
        return check_url(url, allowed=allowed_hosts(settings.webhook_allowed_hosts), own=_own(settings.host))
    except BadWebhookUrl as exc:
        raise invalid("url", str(exc)) from None


@router.post("", status_code=status.HTTP_201_CREATED, responses={422: {"description": "a URL refused"}})
def add_endpoint(
    body: store.EndpointIn, _admin: AdminUser, session: SessionDep, audit: AuditDep, request: Request
) -> store.EndpointCreated:
    """Register an endpoint; the answer's ``secret`` is shown only now."""
    url = checked_url(request, session, body.url)
    created = store.add_endpoint(session, body, url)
    audit("webhook.create", target=f"webhook:{created.id}", details={"url": url, "events": created.events})
    session.commit()
    events.forget(session)
    return created


@router.get("")
def list_endpoints(_admin: AdminUser, session: SessionDep) -> list[store.EndpointOut]:
    return store.list_endpoints(session)


@router.get("/deliveries")
def list_deliveries(
    _admin: AdminUser,
    session: SessionDep,
    endpoint_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    state: Annotated[Literal["pending", "delivering", "delivered", "failed"] | None, Query()] = None,
    before_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[store.DeliveryOut]:
    """The delivery log, newest first (``before_id``: the page after the last ``id`` seen)."""
    return store.list_deliveries(
        session, endpoint_id=endpoint_id, state=state, before_id=before_id, limit=limit
    )


@router.get("/deliveries/{delivery_id}", responses={404: {"description": "no such delivery"}})
def read_delivery(delivery_id: BigIdPath, _admin: AdminUser, session: SessionDep) -> store.DeliveryOut:
    found = store.get_delivery(session, delivery_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such delivery")
    return found


@router.post(
    "/deliveries/{delivery_id}/replay",
    responses={404: {"description": "no such delivery"}, 409: {"description": "being sent right now"}},
)
def replay_delivery(
    delivery_id: BigIdPath, _admin: AdminUser, session: SessionDep, audit: AuditDep
) -> store.DeliveryOut:
    """Queue the delivery again, due now, with a fresh set of attempts and the same delivery id."""
    try:
        if not store.replay(session, delivery_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such delivery")
    except store.ReplayRefused as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    audit("webhook.replay", target=f"webhook_delivery:{delivery_id}")
    session.commit()
    found = store.get_delivery(session, delivery_id)
    assert found is not None
    return found


def _endpoint(session: Session, endpoint_id: int) -> WebhookEndpoint:
    row = session.get(WebhookEndpoint, endpoint_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    return row


@router.patch("/{endpoint_id}", responses={404: {"description": _NOT_FOUND}})
def change_endpoint(
    endpoint_id: EndpointIdPath,
    body: store.EndpointPatch,
    _admin: AdminUser,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
) -> store.EndpointOut:
    """Pause (``{"active": false}``), resume, or change the URL, events or description."""
    url = checked_url(request, session, body.url) if body.url is not None else None
    row = _endpoint(session, endpoint_id)
    store.change_endpoint(row, body, url)
    audit(
        "webhook.update",
        target=f"webhook:{endpoint_id}",
        details=body.model_dump(mode="json", exclude_none=True),
    )
    session.commit()
    events.forget(session)
    return store.endpoint_out(row)


@router.delete(
    "/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, responses={404: {"description": _NOT_FOUND}}
)
def delete_endpoint(
    endpoint_id: EndpointIdPath, _admin: AdminUser, session: SessionDep, audit: AuditDep
) -> None:
    """Remove the endpoint and its delivery log (pause it instead to keep them)."""
    row = _endpoint(session, endpoint_id)
    session.delete(row)
    audit("webhook.delete", target=f"webhook:{endpoint_id}", details={"url": row.url})
    session.commit()
    events.forget(session)
