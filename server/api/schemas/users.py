"""User bodies. ``UserOut`` is part of the login answer, so it lives in the wire format
(``app.wire.auth``); creating users is the server's own (admin) business."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from app.wire.auth import Role, UserOut
from app.wire.common import PASSWORD_MAX, UserName, WireModel
from server.models import User
from server.security import password_problem


def user_out(user: User) -> UserOut:
    """The wire form of a stored user."""
    return UserOut(
        id=user.id,
        name=user.name,
        role=user.role,
        team=user.team_name,
        active=user.active,
        created_at=user.created_at,
    )


def _acceptable_password(value: str) -> str:
    problem = password_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


NewPassword = Annotated[str, StringConstraints(max_length=PASSWORD_MAX), AfterValidator(_acceptable_password)]


class UserCreate(WireModel):
    name: UserName
    password: NewPassword
    role: Role
    #: Team name; created if it does not exist yet. Required for team leads.
    team: UserName | None = None

    @model_validator(mode="after")
    def _lead_has_team(self) -> Self:
        if self.role is Role.TEAM_LEAD and self.team is None:
            raise ValueError("a team lead needs a team")
        return self


SipUri = Annotated[str, StringConstraints(pattern=r"^sips?:[^\s@]+@[^\s@]+$", max_length=255)]


class RoutingIn(WireModel):
    """Where the PBX reaches an operator and which queues they answer (``PATCH /users/{id}/routing``).
    A field left out is unchanged; ``null`` clears it."""

    sip_uri: Annotated[str, StringConstraints(pattern=r"^sips?:[^\s@]+@[^\s@]+$", max_length=255)] | None = (
        None
    )
    queues: list[Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]] | None = None
    shift_target: Annotated[int, Field(ge=1, le=10_000)] | None = None


class RoutingOut(WireModel):
    name: UserName
    sip_uri: str | None
    queues: list[str] | None
    shift_target: int | None
