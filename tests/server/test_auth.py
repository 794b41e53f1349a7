"""Login, throttling, access-token expiry, refresh rotation and reuse detection, logout."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select, update

from server.api.main import create_app
from server.db import Database
from server.models import RefreshToken, Role, utcnow
from server.security import create_access_token
from server.settings import Settings
from tests.server.helpers import TestClient, add_user, audit_rows, bearer, login


def test_login_returns_tokens_that_work(client: TestClient, database: Database, settings: Settings) -> None:
    user = add_user(database, settings, "alice", Role.OPERATOR, "north")
    pair = login(client, "alice", user.password)
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == settings.access_token_minutes * 60
    assert pair["user"] == {
        "id": user.id,
        "name": "alice",
        "role": "operator",
        "team": "north",
        "active": True,
        "created_at": pair["user"]["created_at"],
    }
    me = client.get("/users/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["name"] == "alice"
    assert [row.target for row in audit_rows(database, "auth.login")] == [f"user:{user.id}"]


def test_wrong_password_and_unknown_user_look_the_same(
    client: TestClient, database: Database, settings: Settings
) -> None:
    add_user(database, settings, "bob")
    wrong = client.post("/auth/login", json={"name": "bob", "password": "not-his-password"})
    unknown = client.post("/auth/login", json={"name": "nobody-here", "password": "whatever1"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {"detail": "wrong user name or password"}
        assert response.headers["www-authenticate"] == "Bearer"
    failures = audit_rows(database, "auth.login_failed")
    assert [row.details["reason"] for row in failures] == ["wrong password", "unknown user"]
    assert all(row.actor_id is None for row in failures)


def test_login_is_throttled_per_user_and_client_ip(
    app: FastAPI, client: TestClient, database: Database, settings: Settings
) -> None:
    user = add_user(database, settings, "carol")
    for _ in range(settings.login_max_failures):
        assert client.post("/auth/login", json={"name": "carol", "password": "guess-123"}).status_code == 401
    blocked = client.post("/auth/login", json={"name": "carol", "password": user.password})
    assert blocked.status_code == 429  # even the right password waits
    retry_after = int(blocked.headers["retry-after"])
    assert 1 <= retry_after <= settings.login_window_seconds
    assert "too many failed logins" in blocked.json()["detail"]

    with TestClient(app, client=("10.1.2.3", 40000)) as elsewhere:  # same user, other address
        assert login(elsewhere, "carol", user.password)["user"]["name"] == "carol"
    other = add_user(database, settings, "dave")
    assert login(client, "dave", other.password)["user"]["name"] == "dave"  # other user, same address


def test_successful_login_resets_the_failure_count(
    client: TestClient, database: Database, settings: Settings
) -> None:
    user = add_user(database, settings, "erin")
    for _ in range(3):
        for _ in range(settings.login_max_failures - 1):
            assert (
                client.post("/auth/login", json={"name": "erin", "password": "wrong-pw"}).status_code == 401
            )
        login(client, "erin", user.password)


def test_expired_and_forged_access_tokens_are_refused(
    client: TestClient, database: Database, settings: Settings
) -> None:
    user = add_user(database, settings, "frank")
    old, _ = create_access_token(
        settings,
        user_id=user.id,
        role=Role.OPERATOR,
        team=None,
        now=utcnow() - timedelta(minutes=settings.access_token_minutes, seconds=30),
    )
    response = client.get("/users/me", headers=bearer(old))
    assert response.status_code == 401
    assert response.json() == {"detail": "access token expired"}
    assert 'error="invalid_token"' in response.headers["www-authenticate"]

    fresh, _ = create_access_token(settings, user_id=user.id, role=Role.OPERATOR, team=None)
    assert client.get("/users/me", headers=bearer(fresh)).status_code == 200
    other_key = settings.model_copy(
        update={"secret_key": SecretStr("another-secret-" + "0123456789abcdef" * 2)}
    )
    forged, _ = create_access_token(other_key, user_id=user.id, role=Role.ADMIN, team=None)
    assert client.get("/users/me", headers=bearer(forged)).status_code == 401
    assert client.get("/users/me", headers=bearer("not.a.token")).status_code == 401
    missing = client.get("/users/me")
    assert missing.status_code == 401
    assert "Authorization: Bearer" in missing.json()["detail"]


def test_refresh_rotates_and_reuse_revokes_the_family(
    client: TestClient, database: Database, settings: Settings
) -> None:
    user = add_user(database, settings, "grace")
    first = login(client, "grace", user.password)
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert client.get("/users/me", headers=bearer(rotated["access_token"])).status_code == 200

    # The old refresh token comes back (stolen copy, or a client bug): the whole family dies.
    reused = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401
    assert "already used" in reused.json()["detail"]
    after = client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401
    rows = audit_rows(database, "auth.refresh_reuse")
    assert [row.target for row in rows] == [f"user:{user.id}"]
    with database.session() as session:
        tokens = session.scalars(select(RefreshToken).where(RefreshToken.user_id == user.id)).all()
        assert len(tokens) == 2
        assert all(t.revoked_at is not None and t.reuse_detected for t in tokens)

    # A new login starts a new family that works.
    again = login(client, "grace", user.password)
    assert client.post("/auth/refresh", json={"refresh_token": again["refresh_token"]}).status_code == 200


def test_refresh_refuses_unknown_and_expired_tokens(
    client: TestClient, database: Database, settings: Settings
) -> None:
    user = add_user(database, settings, "heidi")
    unknown = client.post("/auth/refresh", json={"refresh_token": "made-up"})
    assert unknown.status_code == 401
    assert unknown.json() == {"detail": "invalid refresh token"}
    pair = login(client, "heidi", user.password)
    with database.session() as session:
        session.execute(update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    expired = client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_logout_revokes_the_refresh_token(client: TestClient, database: Database, settings: Settings) -> None:
    user = add_user(database, settings, "ivan")
    pair = login(client, "ivan", user.password)
    assert client.post("/auth/logout", json={"refresh_token": pair["refresh_token"]}).status_code == 204
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert client.post("/auth/logout", json={"refresh_token": "unknown"}).status_code == 204


def test_deactivated_user_cannot_log_in_or_use_tokens(
    client: TestClient, database: Database, settings: Settings
) -> None:
    admin = add_user(database, settings, "root", Role.ADMIN)
    user = add_user(database, settings, "judy")
    pair = login(client, "judy", user.password)
    admin_pair = login(client, "root", admin.password)
    response = client.post(f"/users/{user.id}/deactivate", headers=bearer(admin_pair["access_token"]))
    assert response.status_code == 200
    assert response.json()["active"] is False

    me = client.get("/users/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 401
    assert me.json() == {"detail": "this account is deactivated"}
    assert client.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    relogin = client.post("/auth/login", json={"name": "judy", "password": user.password})
    assert relogin.status_code == 401
    assert relogin.json() == {"detail": "this account is deactivated"}


def test_password_hash_is_upgraded_when_the_cost_changes(
    app: FastAPI, database: Database, settings: Settings
) -> None:
    user = add_user(database, settings, "kim")
    stronger = settings.model_copy(update={"password_time_cost": 2})
    from server.api.main import create_app

    with TestClient(create_app(stronger, database=database)) as client:
        login(client, "kim", user.password)
    with database.session() as session:
        from server.crud.users import get_user

        stored = get_user(session, user_id=user.id)
        assert stored is not None
        assert "t=2" in stored.password_hash


def test_password_spraying_is_throttled_per_client_ip_across_names(
    database: Database, settings: Settings
) -> None:
    """One guess each for many names never trips the per-name limit; the per-address one stops it."""
    sprayed = settings.model_copy(update={"login_max_failures_per_ip": 4})
    victim = add_user(database, sprayed, "victim")
    with TestClient(create_app(sprayed, database=database), client=("198.51.100.7", 40000)) as attacker:
        for n in range(4):
            guess = attacker.post("/auth/login", json={"name": f"user{n}", "password": "Summer2026!"})
            assert guess.status_code == 401
        blocked = attacker.post("/auth/login", json={"name": "victim", "password": "Summer2026!"})
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["retry-after"]) <= settings.login_window_seconds
        # the whole address waits, the right password included (it cannot be told from a lucky guess)
        right = attacker.post("/auth/login", json={"name": "victim", "password": victim.password})
        assert right.status_code == 429
    with TestClient(create_app(sprayed, database=database), client=("198.51.100.8", 40000)) as colleague:
        assert login(colleague, "victim", victim.password)["user"]["name"] == "victim"


def test_correct_logins_from_one_address_never_add_up(database: Database, settings: Settings) -> None:
    """An office behind one NAT address logs in all morning: only failures count for the address."""
    office = settings.model_copy(update={"login_max_failures_per_ip": 2})
    users = [add_user(database, office, f"op{n}") for n in range(5)]
    with TestClient(create_app(office, database=database), client=("192.0.2.10", 40000)) as nat:
        for user in users:
            assert login(nat, user.name, user.password)["user"]["name"] == user.name
        assert nat.post("/auth/login", json={"name": "op0", "password": "typo-typo"}).status_code == 401
        assert login(nat, "op1", users[1].password)["user"]["name"] == "op1"
