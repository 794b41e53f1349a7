"""Endpoints and the delivery log: what the admin API (``/webhooks``) and the CLI
(``ringdesk-server webhook``) read and change, and their JSON shapes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, utcnow
from server.models.webhooks import URL_MAX
from server.webhooks.events import EventType
from server.webhooks.signing import new_secret

DELIVERY_STATES = ("pending", "delivering", "delivered", "failed")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EndpointIn(_Strict):
    url: Annotated[str, Field(min_length=1, max_length=URL_MAX)]
    events: Annotated[list[EventType], Field(min_length=1, max_length=len(EventType))]
    description: Annotated[str, Field(max_length=500)] = ""
    active: bool = True


class EndpointPatch(_Strict):
    url: Annotated[str | None, Field(min_length=1, max_length=URL_MAX)] = None
    events: Annotated[list[EventType] | None, Field(min_length=1, max_length=len(EventType))] = None
    description: Annotated[str | None, Field(max_length=500)] = None
    active: bool | None = None


class EndpointOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime


class EndpointCreated(EndpointOut):
    secret: str
    """Shown this once: the receiver verifies ``Ringdesk-Signature`` with it."""


class DeliveryOut(BaseModel):
    id: int
    delivery_id: str
    """The ``Ringdesk-Delivery`` header: the same on every attempt and replay."""
    endpoint_id: int
    event_id: str
    event_type: str
    state: str
    attempts: int
    next_at: datetime | None
    last_status: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    last_duration_ms: int | None
    delivered_at: datetime | None
    created_at: datetime


class ReplayRefused(Exception):
    """The delivery is being sent right now: replay it once this attempt is over."""


def endpoint_out(row: WebhookEndpoint) -> EndpointOut:
    return EndpointOut(
        id=row.id,
        url=row.url,
        events=list(row.events),
        description=row.description,
        active=row.active,
        created_at=row.created_at,
    )


def add_endpoint(session: Session, body: EndpointIn, url: str) -> EndpointCreated:
    """Register ``url`` (already checked: ``server.webhooks.urls``) with a new secret; flushed."""
    row = WebhookEndpoint(
        url=url,
        events=sorted({e.value for e in body.events}),
        secret=new_secret(),
        active=body.active,
        description=body.description,
    )
    session.add(row)
    session.flush()
    return EndpointCreated(**endpoint_out(row).model_dump(), secret=row.secret)


def list_endpoints(session: Session) -> list[EndpointOut]:
    return [endpoint_out(r) for r in session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id))]


def change_endpoint(row: WebhookEndpoint, body: EndpointPatch, url: str | None) -> None:
    if url is not None:
        row.url = url
    if body.events is not None:
        row.events = sorted({e.value for e in body.events})
    if body.description is not None:
        row.description = body.description
    if body.active is not None:
        row.active = body.active


def delivery_out(delivery: WebhookDelivery, event: WebhookEvent) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        delivery_id=str(delivery.uid),
        endpoint_id=delivery.endpoint_id,
        event_id=str(event.uid),
        event_type=event.type,
        state=delivery.state,
        attempts=delivery.attempts,
        next_at=delivery.next_at if delivery.state == "pending" else None,
        last_status=delivery.last_status,
        last_error=delivery.last_error,
        last_attempt_at=delivery.last_attempt_at,
        last_duration_ms=delivery.last_duration_ms,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


def list_deliveries(
    session: Session,
    *,
    endpoint_id: int | None = None,
    state: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[DeliveryOut]:
    """The log, newest first; ``before_id``: the next page after the last id seen."""
    query = (
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    if state is not None:
        query = query.where(WebhookDelivery.state == state)
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    return [delivery_out(d, e) for d, e in session.execute(query)]


def get_delivery(session: Session, delivery_id: int) -> DeliveryOut | None:
    row = session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id)
    ).first()
    if row is None:
        return None
    delivery, event = row
    return delivery_out(delivery, event)


def replay(session: Session, delivery_id: int) -> bool:
    """Queue a delivery again, due now, with a fresh set of attempts (any state but one being sent
    now: :class:`ReplayRefused`); ``False`` if there is no such delivery. Flushed."""
    now = utcnow()
    done = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            (WebhookDelivery.state != "delivering") | (WebhookDelivery.lease_until <= now),
        )
        .values(state="pending", attempts=0, next_at=now, lease_until=None, delivered_at=None)
    )
    if done.rowcount:  # type: ignore[attr-defined]
        session.info["webhooks.new_deliveries"] = True
        return True
    if session.get(WebhookDelivery, delivery_id) is None:
        return False
    raise ReplayRefused("this delivery is being sent right now: replay it once the attempt is over")


def endpoints_by_id(session: Session, ids: Sequence[int]) -> dict[int, WebhookEndpoint]:
    rows = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id.in_(list(ids))))
    return {row.id: row for row in rows}


def now() -> datetime:
    return utcnow()
