"""Users, their teams, and the refresh tokens issued to them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Uuid, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.wire.common import USER_NAME_MAX
from server.models.base import SQL_NOW, Base, BigIntPK, JSONDoc, Timestamps, UTCDateTime, str_enum, utcnow
from server.models.enums import Role


class Team(Base):
    """A group of operators led by one or more team leads."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(USER_NAME_MAX), unique=True)
    #: Calls each operator of the team should handle per shift (plan completion), unless their own is set.
    shift_target: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)


class Person(Protocol):
    """What authorisation reads of a user: a :class:`~server.models.User` row or a :class:`Principal`."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def team_id(self) -> int | None: ...


class User(Timestamps, Base):
    """Someone who logs in. Never deleted (audit rows and dispositions point at them): deactivated."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(USER_NAME_MAX), unique=True)
    #: argon2id PHC string; never leaves the server, never logged.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    #: Where the PBX reaches the operator's phone (``sip:1001@pbx.example``); NULL: not routable.
    sip_uri: Mapped[str | None] = mapped_column(String(255))
    #: Queue names the operator answers (NULL: every queue).
    queues: Mapped[list[str] | None] = mapped_column(JSONDoc)
    #: Calls to handle per shift (plan completion); NULL: the team's target.
    shift_target: Mapped[int | None] = mapped_column(Integer)

    team: Mapped[Team | None] = relationship(lazy="joined")

    @property
    def team_name(self) -> str | None:
        return self.team.name if self.team is not None else None

    def __repr__(self) -> str:  # no hash in reprs: they end up in logs and tracebacks
        return f"<User id={self.id} name={self.name!r} role={self.role}>"


class RefreshToken(Base):
    """One refresh token (stored as a SHA-256 hash). Rotation marks it used and issues a successor
    in the same family; presenting a used or revoked token again revokes the whole family."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family_id", "family_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set (with revoked_at) when the family was revoked because a used token came back.
    reuse_detected: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
