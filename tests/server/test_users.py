"""``/users``: role checks endpoint by endpoint, team scoping, audit rows, verbatim text."""

from __future__ import annotations

from typing import Any

import pytest

from server.db import Database
from server.models import Role
from server.settings import Settings
from tests.server.helpers import People, TestClient, audit_rows, bearer, login

NEW_USER = {"name": "newbie", "password": "long enough pw", "role": "operator", "team": "north"}


def _call(people: People, who: str, method: str, path: str, body: dict[str, Any] | None = None) -> int:
    user = getattr(people, who)
    path = path.format(op_n1=people.op_n1.id, op_s1=people.op_s1.id, lead_n=people.lead_n.id)
    response = people.client.request(method, path, json=body, headers=people.headers(user))
    return int(response.status_code)


# (method, path, body, {role: expected status}); paths are formatted with the people's ids.
ROLE_TABLE: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/users/me", None, {"admin": 200, "lead_n": 200, "op_n1": 200}),
    ("GET", "/users", None, {"admin": 200, "lead_n": 200, "op_n1": 403}),
    ("GET", "/users?team=north", None, {"admin": 200, "lead_n": 200, "op_n1": 403}),
    ("GET", "/users?team=south", None, {"admin": 200, "lead_n": 403, "op_n1": 403}),
    ("GET", "/users/{op_n1}", None, {"admin": 200, "lead_n": 200, "op_n1": 403}),
    ("GET", "/users/{op_s1}", None, {"admin": 200, "lead_n": 404, "op_n1": 403}),
    ("POST", "/users", NEW_USER, {"lead_n": 403, "op_n1": 403, "admin": 201}),
    ("POST", "/users/{op_s1}/deactivate", None, {"lead_n": 403, "op_n1": 403, "admin": 200}),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), ROLE_TABLE, ids=[f"{m} {p}" for m, p, _, _ in ROLE_TABLE]
)
def test_roles_endpoint_by_endpoint(
    people: People, method: str, path: str, body: dict[str, Any] | None, expected: dict[str, int]
) -> None:
    got = {who: _call(people, who, method, path, body) for who in expected}
    assert got == expected


def test_every_endpoint_needs_a_token(people: People, client: TestClient) -> None:
    for method, template, body, _ in ROLE_TABLE:
        path = template.format(op_n1=people.op_n1.id, op_s1=people.op_s1.id)
        response = client.request(method, path, json=body)
        assert response.status_code == 401, (method, path)


def test_forbidden_message_names_the_role(people: People, client: TestClient) -> None:
    response = client.get("/users", headers=people.headers(people.op_n1))
    assert response.json() == {"detail": "this needs the role team_lead or admin (you are operator)"}


def test_team_lead_sees_only_own_team(people: People, client: TestClient) -> None:
    names = [u["name"] for u in client.get("/users", headers=people.headers(people.lead_n)).json()]
    assert names == ["lead_n", "op_n1", "op_n2"]
    names = [u["name"] for u in client.get("/users", headers=people.headers(people.lead_s)).json()]
    assert names == ["lead_s", "op_s1"]
    everyone = client.get("/users", headers=people.headers(people.admin)).json()
    assert {u["name"] for u in everyone} == {u.name for u in people.everyone}
    south = client.get("/users", params={"team": "south"}, headers=people.headers(people.admin)).json()
    assert [u["name"] for u in south] == ["lead_s", "op_s1"]
    assert client.get("/users", params={"team": "nope"}, headers=people.headers(people.admin)).json() == []


def test_admin_creates_user_with_audit(people: People, client: TestClient, database: Database) -> None:
    response = client.post(
        "/users",
        json={"name": "zoe", "password": "s3cret-enough", "role": "team_lead", "team": "east"},
        headers=people.headers(people.admin),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["team"] == "east"
    assert created["role"] == "team_lead"
    assert response.headers["location"] == f"/users/{created['id']}"
    assert login(client, "zoe", "s3cret-enough")["user"]["id"] == created["id"]

    [team_row] = audit_rows(database, "team.create")
    assert team_row.details == {"name": "east"}
    [user_row] = audit_rows(database, "user.create")
    assert user_row.actor_id == people.admin.id
    assert user_row.actor_name == "admin"
    assert user_row.target == f"user:{created['id']}"
    assert user_row.details == {"name": "zoe", "role": "team_lead", "team": "east"}
    assert user_row.client_ip == "testclient"
    assert "s3cret-enough" not in str(user_row.details)


def test_create_user_refusals(people: People, client: TestClient) -> None:
    headers = people.headers(people.admin)
    duplicate = client.post("/users", json={**NEW_USER, "name": "op_n1"}, headers=headers)
    assert duplicate.status_code == 409
    assert duplicate.json() == {"detail": "a user with this name already exists"}
    short = client.post("/users", json={**NEW_USER, "password": "short"}, headers=headers)
    assert short.status_code == 422
    assert "at least 8 characters" in short.json()["detail"]
    assert "short" not in str(short.json()["errors"])  # submitted values are not echoed
    lead = client.post("/users", json={**NEW_USER, "role": "team_lead", "team": None}, headers=headers)
    assert lead.status_code == 422
    assert "a team lead needs a team" in lead.json()["detail"]
    role = client.post("/users", json={**NEW_USER, "role": "superuser"}, headers=headers)
    assert role.status_code == 422
    assert role.json()["errors"][0]["loc"] == ["body", "role"]


def test_deactivate_is_audited_once_and_not_for_self(
    people: People, client: TestClient, database: Database
) -> None:
    headers = people.headers(people.admin)
    for _ in range(2):
        response = client.post(f"/users/{people.op_n2.id}/deactivate", headers=headers)
        assert response.status_code == 200
        assert response.json()["active"] is False
    rows = audit_rows(database, "user.deactivate")
    assert [(r.target, r.actor_name) for r in rows] == [(f"user:{people.op_n2.id}", "admin")]
    own = client.post(f"/users/{people.admin.id}/deactivate", headers=headers)
    assert own.status_code == 409
    assert client.post("/users/999999/deactivate", headers=headers).status_code == 404
    assert client.post(f"/users/{2**40}/deactivate", headers=headers).status_code == 422  # not a DB error
    assert client.get("/users/0", headers=headers).status_code == 422


def test_admin_sets_where_the_pbx_reaches_an_operator(
    people: People, client: TestClient, database: Database
) -> None:
    url = f"/users/{people.op_n1.id}/routing"
    body = {"sip_uri": "sip:1001@pbx.example.ru", "queues": ["sales", "shop"], "shift_target": 80}
    assert client.patch(url, json=body, headers=people.headers(people.op_n1)).status_code == 403
    assert client.patch(url, json=body, headers=people.headers(people.lead_n)).status_code == 403
    answer = client.patch(url, json=body, headers=people.headers(people.admin))
    assert answer.status_code == 200 and answer.json()["queues"] == ["sales", "shop"]
    cleared = client.patch(url, json={"queues": None}, headers=people.headers(people.admin)).json()
    assert cleared["queues"] is None and cleared["sip_uri"] == "sip:1001@pbx.example.ru"  # untouched
    for bad in ({"sip_uri": "1001"}, {"shift_target": 0}, {"queues": ["a b"]}, {"colour": "red"}):
        assert client.patch(url, json=bad, headers=people.headers(people.admin)).status_code == 422, bad
    assert (
        client.patch("/users/999999/routing", json=body, headers=people.headers(people.admin)).status_code
        == 404
    )
    assert [r.actor_name for r in audit_rows(database, "user.routing")] == ["admin", "admin"]


HOSTILE = [
    "O'Brien",
    'say "hi"',
    "Robert'); DROP TABLE users;--",
    "1' OR '1'='1",
    "\\'; SELECT pg_sleep(5); --",
    "%_*?[]{}$`",
    "Ёлка-палка 😀 «ёж»",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_quotes_and_sql_are_stored_and_returned_verbatim(
    people: People, client: TestClient, database: Database, settings: Settings, text: str
) -> None:
    headers = people.headers(people.admin)
    response = client.post(
        "/users",
        json={"name": text, "password": text + "-pw-long", "role": "team_lead", "team": text},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == text
    assert response.json()["team"] == text
    listed = client.get("/users", params={"team": text}, headers=headers).json()
    assert [(u["name"], u["team"]) for u in listed] == [(text, text)]
    pair = login(client, text, text + "-pw-long")
    me = client.get("/users/me", headers=bearer(pair["access_token"])).json()
    assert me["name"] == text
    assert me["role"] == Role.TEAM_LEAD
    assert len(client.get("/users", headers=headers).json()) == len(people.everyone) + 1  # table intact


@pytest.mark.parametrize("bad", ["nul\x00byte", "tab\there", "line\nbreak", " padded", "x" * 65, ""])
def test_unstorable_names_are_a_clear_422(people: People, client: TestClient, bad: str) -> None:
    response = client.post("/users", json={**NEW_USER, "name": bad}, headers=people.headers(people.admin))
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "name"]
    nul_login = client.post("/auth/login", json={"name": bad, "password": "whatever1"})
    assert nul_login.status_code == 422
