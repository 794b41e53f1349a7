"""Helpers for server tests: users created straight in the database, logins, audit queries."""

from __future__ import annotations

import secrets
import warnings
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from server.crud.users import create_user, get_or_create_team
from server.db import Database
from server.models import AuditEntry, Role
from server.security import hash_password
from server.settings import Settings

with warnings.catch_warnings():  # Starlette 1.x nags about httpx vs httpx2; httpx is what we ship
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

__all__ = ["People", "TestClient", "TestUser", "add_user", "audit_rows", "bearer", "login"]


@dataclass(frozen=True)
class TestUser:
    __test__ = False  # not a pytest test class

    id: int
    name: str
    password: str
    role: Role
    team: str | None


def add_user(
    database: Database,
    settings: Settings,
    name: str,
    role: Role = Role.OPERATOR,
    team: str | None = None,
    *,
    password: str | None = None,
) -> TestUser:
    """Create a user directly in the database (no API call, no audit row)."""
    password = password or secrets.token_urlsafe(12)
    with database.session() as session:
        team_row = get_or_create_team(session, name=team)[0] if team else None
        user = create_user(
            session, name=name, password_hash=hash_password(settings, password), role=role, team=team_row
        )
        session.commit()
        return TestUser(user.id, name, password, role, team)


def login(client: TestClient, name: str, password: str, **kwargs: Any) -> dict[str, Any]:
    """POST /auth/login and return the token pair; fails the test on anything but 200."""
    response = client.post("/auth/login", json={"name": name, "password": password}, **kwargs)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def audit_rows(database: Database, action: str | None = None) -> list[AuditEntry]:
    with database.session() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        return list(session.scalars(query))


@dataclass
class People:
    """admin; team "north": lead_n, op_n1, op_n2; team "south": lead_s, op_s1."""

    client: TestClient
    admin: TestUser
    lead_n: TestUser
    op_n1: TestUser
    op_n2: TestUser
    lead_s: TestUser
    op_s1: TestUser
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def create(cls, database: Database, settings: Settings, client: TestClient) -> People:
        def add(name: str, role: Role, team: str | None) -> TestUser:
            return add_user(database, settings, name, role, team)

        return cls(
            client=client,
            admin=add("admin", Role.ADMIN, None),
            lead_n=add("lead_n", Role.TEAM_LEAD, "north"),
            op_n1=add("op_n1", Role.OPERATOR, "north"),
            op_n2=add("op_n2", Role.OPERATOR, "north"),
            lead_s=add("lead_s", Role.TEAM_LEAD, "south"),
            op_s1=add("op_s1", Role.OPERATOR, "south"),
        )

    def headers(self, user: TestUser) -> dict[str, str]:
        """Authorization header for ``user`` (logs in once per test, then cached)."""
        if user.name not in self._headers:
            self._headers[user.name] = bearer(login(self.client, user.name, user.password)["access_token"])
        return self._headers[user.name]

    @property
    def everyone(self) -> list[TestUser]:
        return [self.admin, self.lead_n, self.op_n1, self.op_n2, self.lead_s, self.op_s1]
