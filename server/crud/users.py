"""Users and teams."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Role, Team, User


class UserExistsError(Exception):
    """A user with that name already exists."""


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_name(session: Session, *, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).one_or_none()


def get_team_by_name(session: Session, *, name: str) -> Team | None:
    return session.scalars(select(Team).where(Team.name == name)).one_or_none()


def get_or_create_team(session: Session, *, name: str) -> tuple[Team, bool]:
    """The team called ``name``, created if missing; the flag says whether it was created."""
    team = get_team_by_name(session, name=name)
    if team is not None:
        return team, False
    team = Team(name=name)
    session.add(team)
    session.flush()
    return team, True


def create_user(
    session: Session,
    *,
    name: str,
    password_hash: str,
    role: Role,
    team: Team | None = None,
) -> User:
    """Add a user. Raises :class:`UserExistsError` if the name is taken (checked case-sensitively,
    as logins are). A concurrent insert of the same name still fails on the unique constraint."""
    if get_user_by_name(session, name=name) is not None:
        raise UserExistsError(name)
    user = User(name=name, password_hash=password_hash, role=role, team=team, active=True)
    session.add(user)
    session.flush()
    return user


def list_users(
    session: Session, *, team_id: int | None = None, include_inactive: bool = True
) -> Sequence[User]:
    """Users ordered by name; ``team_id`` restricts to one team."""
    query = select(User).order_by(User.name)
    if team_id is not None:
        query = query.where(User.team_id == team_id)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return session.scalars(query).all()


def deactivate_user(session: Session, *, user: User) -> None:
    """Mark ``user`` inactive and revoke their refresh tokens (access tokens stop at the next
    request: every request re-reads the user)."""
    from server.crud.tokens import revoke_user_tokens

    user.active = False
    revoke_user_tokens(session, user_id=user.id)
    session.flush()
