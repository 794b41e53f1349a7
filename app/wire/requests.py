"""Status requests on the wire: a team lead forcing an operator's status, an operator asking for a
break that needs approval, and the live messages that carry both.

Why a request and not a plain status change: a force must not cut a call (Finesse applies it after
the current call), and a break that needs approval is not a status until a team lead says yes. Both
are stored as :class:`StatusRequestOut` with a :class:`RequestState`, pushed to the operator's
desktop (``/me/live``) and to the team leads' board (``/statuses/live?requests=true``).

Live messages are envelopes, so one socket can carry several kinds: ``{"kind": "status", "change":
StatusChangeOut}`` and ``{"kind": "request", "request": StatusRequestOut}`` (:class:`LiveEvent`).
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Literal

from app.wire.common import CatalogueCode, UserName, UtcDatetime, WireModel
from app.wire.schema import model_validator
from app.wire.statuses import OperatorStatus, StatusChangeOut, check_reason


class RequestKind(StrEnum):
    FORCE = "force"
    """A team lead sets the status; the desktop applies it after the current call."""
    BREAK = "break"
    """The operator asks for a not-ready reason that needs approval."""


class RequestState(StrEnum):
    PENDING = "pending"
    """A force waiting for the call to end, or a break waiting for a team lead."""
    APPROVED = "approved"
    """A break a team lead allowed: the desktop applies it (after the call, if any)."""
    REFUSED = "refused"
    APPLIED = "applied"
    """The operator's status became what was asked (the server saw the change)."""
    CANCELLED = "cancelled"
    """Replaced by a newer force, or withdrawn."""

    @property
    def open(self) -> bool:
        """Whether the desktop still has to act on it."""
        return self in (RequestState.PENDING, RequestState.APPROVED)


class StatusRequestIn(WireModel):
    """A force (by a team lead or admin) or a break request (by the operator)."""

    operator: UserName
    kind: RequestKind
    status: OperatorStatus
    reason: CatalogueCode | None = None

    @model_validator(mode="after")
    def _reason_matches_status(self) -> StatusRequestIn:
        if problem := check_reason(self.status, self.reason):
            raise ValueError(problem)
        if self.kind is RequestKind.BREAK and self.status is not OperatorStatus.NOT_READY:
            raise ValueError("a break request asks for a not_ready status with its reason")
        if self.status is OperatorStatus.ON_CALL:
            raise ValueError("on_call follows from the phone: nobody requests it")
        return self


class StatusRequestOut(StatusRequestIn):
    id: int
    state: RequestState
    requested_by: UserName
    created_at: UtcDatetime
    decided_by: UserName | None = None
    decided_at: UtcDatetime | None = None


class DecisionIn(WireModel):
    """A team lead's answer to a break request."""

    approve: bool


class StatusEvent(WireModel):
    kind: Literal["status"] = "status"
    change: StatusChangeOut


class RequestEvent(WireModel):
    kind: Literal["request"] = "request"
    request: StatusRequestOut


class CatalogueEvent(WireModel):
    """The server's catalogue (disposition codes, not-ready reasons) changed: read it again. Sent to
    every desktop's ``/me/live``; the board's feed never carries it."""

    kind: Literal["catalogue"] = "catalogue"


LiveEvent = StatusEvent | RequestEvent
OwnEvent = StatusEvent | RequestEvent | CatalogueEvent
"""What a desktop's own feed (``/me/live``) carries: the board's events and catalogue changes."""

CATALOGUE_MESSAGE = '{"kind":"catalogue"}'
"""The live message of a catalogue change (:class:`CatalogueEvent`), always exactly this text."""

QUEUES_MESSAGE = '{"kind":"queues"}'
"""The live message of a change in the PBX queues' waiting callers (``server.pbx.waiting``): read
``GET /reports/live`` again. Only boards that ask for it (``/statuses/live?queues=true``) get it, so an
older desktop, which would not know the kind, never sees it."""

REQUEST_PREFIX = '{"kind":"request",'
"""How a request message starts, so the feed can route it without parsing JSON."""


def request_message(request: StatusRequestOut) -> str:
    """The live message for ``request`` (starts with :data:`REQUEST_PREFIX`)."""
    return f'{REQUEST_PREFIX}"request":{request.model_dump_json()}}}'


def status_message(change_json: str) -> str:
    """The envelope around a ``StatusChangeOut`` JSON text, without parsing it again."""
    return f'{{"kind":"status","change":{change_json}}}'


def parse_own_event(text: str) -> OwnEvent:
    """One message of ``/me/live`` (:func:`parse_event`, or a catalogue change)."""
    if text == CATALOGUE_MESSAGE:
        return CatalogueEvent()
    return parse_event(text)


def parse_event(text: str) -> LiveEvent:
    """One live message; ``ValueError`` for anything else. A bare ``StatusChangeOut`` (the feed's
    first format) is read as a status event."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a live message is a JSON object")
    kind = data.get("kind")
    if kind == "request":
        return RequestEvent.model_validate(data)
    if kind == "status":
        return StatusEvent.model_validate(data)
    return StatusEvent(change=StatusChangeOut.model_validate(data))


__all__ = [
    "CATALOGUE_MESSAGE",
    "QUEUES_MESSAGE",
    "REQUEST_PREFIX",
    "CatalogueEvent",
    "DecisionIn",
    "LiveEvent",
    "OwnEvent",
    "RequestEvent",
    "RequestKind",
    "RequestState",
    "StatusEvent",
    "StatusRequestIn",
    "StatusRequestOut",
    "parse_event",
    "parse_own_event",
    "request_message",
    "status_message",
]
