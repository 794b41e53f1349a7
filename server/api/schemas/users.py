"""User bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, StringConstraints, model_validator

from server.api.schemas.common import Name, StrictModel
from server.models import Role, User
from server.security import MAX_PASSWORD_LENGTH, password_problem


def _acceptable_password(value: str) -> str:
    problem = password_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


NewPassword = Annotated[
    str, StringConstraints(max_length=MAX_PASSWORD_LENGTH), AfterValidator(_acceptable_password)
]


class UserOut(BaseModel):
    id: int
    name: str
    role: Role
    team: str | None
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            name=user.name,
            role=user.role,
            team=user.team_name,
            active=user.active,
            created_at=user.created_at,
        )


class UserCreate(StrictModel):
    name: Name
    password: NewPassword
    role: Role
    #: Team name; created if it does not exist yet. Required for team leads.
    team: Name | None = None

    @model_validator(mode="after")
    def _lead_has_team(self) -> Self:
        if self.role is Role.team_lead and self.team is None:
            raise ValueError("a team lead needs a team")
        return self
