"""What the disposition and status routes share: who may act for whom, Idempotency-Key, field errors.

Both let an operator write their own records and a team lead (or admin) write them for an operator of
their team, and both take the client's UUID as an ``Idempotency-Key`` so a desktop replaying its
outbox never stores a record twice.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from fastapi import HTTPException, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from server.api.caches import Person
from server.api.deps import TeamScope
from server.crud.users import get_user_by_name
from server.models import Role, User

_P = TypeVar("_P", bound=Person)

REPLAYED_HEADER = "Idempotent-Replayed"
"""Set on the answer to a replay: the first result, stored once."""


def invalid(field: str, message: str) -> RequestValidationError:
    """A 422 naming one body field, in the same shape as pydantic's own errors."""
    return RequestValidationError([{"loc": ("body", field), "type": "value_error", "msg": message}])


def acting_for(
    session: Session, user: _P, name: str, *, own_only: str, team_only: str, active_only: bool = False
) -> _P | User:
    """The operator called ``name``, if ``user`` may act for them; 403 with ``own_only`` /
    ``team_only`` as the message otherwise, 422 for an unknown (or, with ``active_only``, a
    deactivated) operator."""
    if name == user.name:
        return user
    if user.role is Role.OPERATOR:
        raise HTTPException(status.HTTP_403_FORBIDDEN, own_only)
    operator = get_user_by_name(session, name=name)
    if operator is None:
        raise invalid("operator", f"no user is called {name!r}")
    if not TeamScope.of(user).allows(operator.team_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, team_only)
    if active_only and not operator.active:
        raise invalid("operator", f"{name!r} is deactivated")
    return operator


def idempotency_key(header: str | None, *, required_for: str | None = None) -> uuid.UUID | None:
    """The client's UUID from the ``Idempotency-Key`` header (400 when it is not a UUID, or when it
    is missing and ``required_for`` names what it is required for)."""
    if header is None and required_for is None:
        return None
    if header is None or (required_for is not None and not header.strip()):
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            f"send an Idempotency-Key header with a UUID chosen by the client for this {required_for}",
        )
    try:
        return uuid.UUID(header.strip())
    except ValueError:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "the Idempotency-Key header must be a UUID"
        ) from None
