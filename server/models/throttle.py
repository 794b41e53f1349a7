"""Failed logins per throttling key, shared by every server process (``server.ratelimit``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, JSONDoc, UTCDateTime


class LoginFailures(Base):
    """The recent failed logins of one user name from one client address.

    ``key`` is the SHA-256 of the throttling key, so the table holds no user names or addresses;
    ``times`` the failures still inside the window (epoch seconds, oldest first, at most the limit).
    Rows whose newest failure left the window are deleted as other logins come in.
    """

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    times: Mapped[list[Any]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
