"""``server.api.lean_lookup``: the screen pop's lookup answered before FastAPI's layers says exactly
what FastAPI's route says, for every kind of request.

Two apps on one database: ``lean`` as served, and ``plain`` with ``lean_lookup`` off, so every
lookup goes through FastAPI's route (the answers before the lean layer). Each request is sent to
both; status, headers (all but the per-request ``X-Request-ID``) and body bytes must be equal. Each
app keeps its own principal cache, so both see the first request of a user as a cache miss and the
next as a hit; the tests send each request twice to compare both.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, OperationalError

from server.api import lean_lookup
from server.api.lean_lookup import LeanLookup
from server.api.main import create_app
from server.api.routes import contacts
from server.crud import contact_lookup
from server.db import Database
from server.models import User
from server.settings import Settings
from tests.server.helpers import People, TestClient

CONTACT: dict[str, Any] = {
    "name": "Иванов Иван Иванович",
    "phones": ["+79123456789", "+74959876543"],
    "city": "Москва",
    "email": "ivanov@example.ru",
    "birthday": "1980-02-29",
    "preferred_channel": "sms",
    "consent": {"call": True, "sms": False},
}


@pytest.fixture
def plain(settings: Settings, database: Database) -> Iterator[TestClient]:
    """The same server without the lean layer: FastAPI's route answers every lookup."""
    app = create_app(settings, database=database)
    app.lean_lookup = False  # type: ignore[attr-defined]
    with TestClient(app) as client:
        yield client


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per lookup that reached the lean layer's work: ``True`` when it answered itself,
    ``False`` when it passed the request on to the route (a caller it may not let in)."""
    seen: list[bool] = []
    work = lean_lookup._work

    def recorded(*args: Any) -> object:
        done = work(*args)
        seen.append(done is not lean_lookup._PASS_ON)
        return done

    monkeypatch.setattr(lean_lookup, "_work", recorded)
    return seen


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers but the request id, body."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() != "x-request-id"]
    return response.status_code, headers, response.content


def same(people: People, plain: TestClient, method: str = "GET", **kwargs: Any) -> httpx.Response:
    """Send the request to both apps twice (the caller uncached, then cached); the answers must
    match, and the lean one is returned."""
    lean: httpx.Response = people.client.request(method, "/contacts/lookup", **kwargs)
    for _ in range(2):
        before = _answer(plain.request(method, "/contacts/lookup", **kwargs))
        assert _answer(lean) == before
        lean = people.client.request(method, "/contacts/lookup", **kwargs)
    return lean


def test_the_lean_layer_is_in_the_served_stack(people: People) -> None:
    app = people.client.app
    assert isinstance(app, FastAPI)
    people.client.get("/health")
    layer: Any = app.middleware_stack
    while layer is not None and not isinstance(layer, LeanLookup):
        layer = getattr(layer, "app", None)
    assert isinstance(layer, LeanLookup)


def test_a_found_contact_is_the_same_bytes_and_etag(
    people: People, plain: TestClient, answered: list[bool]
) -> None:
    headers = people.headers(people.op_n1)
    created = people.client.post("/contacts", json=CONTACT, headers=headers)
    assert created.status_code == 201, created.text
    for written in ("+7 (912) 345-67-89", "89123456789", "sip:+79123456789@pbx", "8 495 987-65-43"):
        found = same(people, plain, params={"phone": written}, headers=headers)
        assert found.status_code == 200 and found.json()["id"] == created.json()["id"]
        assert found.headers["etag"] == '"1"'
        assert found.json() == created.json()
    assert answered == [True] * 12  # three lean answers a number, each by the lean layer


def test_the_etag_follows_an_edit_and_if_none_match_changes_nothing(
    people: People, plain: TestClient
) -> None:
    """The route answers in full whatever ``If-None-Match`` says (no 304: a pop wants the contact);
    the lean layer too."""
    headers = people.headers(people.op_n1)
    contact = people.client.post("/contacts", json=CONTACT, headers=headers).json()
    edited = people.client.patch(
        f"/contacts/{contact['id']}", json={"city": "Пермь"}, headers=headers | {"If-Match": '"1"'}
    )
    assert edited.status_code == 200, edited.text
    for tag in ('"2"', '"1"', "*", 'W/"2"'):
        found = same(people, plain, params={"phone": "89123456789"}, headers=headers | {"If-None-Match": tag})
        assert found.status_code == 200 and found.headers["etag"] == '"2"'
        assert found.json()["city"] == "Пермь"


def test_custom_fields_and_a_derived_time_zone_come_the_same(people: People, plain: TestClient) -> None:
    admin = people.headers(people.admin)
    spec = {"key": "contract", "label_en": "Contract", "label_ru": "Договор"}
    assert people.client.put("/contacts/fields/contract", json=spec, headers=admin).status_code == 201
    body = {"name": "ООО Ромашка", "phones": ["+73422123456"], "custom": {"contract": "Д-17"}}
    assert people.client.post("/contacts", json=body, headers=admin).status_code == 201
    found = same(people, plain, params={"phone": "8 342 212-34-56"}, headers=people.headers(people.op_s1))
    assert (
        found.json()["custom"] == {"contract": "Д-17"} and found.json()["time_zone"] == "Asia/Yekaterinburg"
    )


@pytest.mark.parametrize(
    "phone", ["8 912 000 00 00", "anonymous", "+7912\x00", "sip:@pbx", "0"], ids=str.encode
)
def test_an_unknown_caller_is_the_same_404(
    people: People, plain: TestClient, answered: list[bool], phone: str
) -> None:
    found = same(people, plain, params={"phone": phone}, headers=people.headers(people.op_n2))
    assert found.status_code == 404, found.text
    assert answered == [True] * 3


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"phone": ""},
        {"phone": "8" * 65},
        {"phone": ["89123456789", "89123456780"]},
        {"number": "89123456789"},
    ],
    ids=["none", "empty", "too long", "twice", "misnamed"],
)
def test_a_malformed_number_is_the_same_422(people: People, plain: TestClient, query: dict[str, Any]) -> None:
    answer = same(people, plain, params=query, headers=people.headers(people.op_n1))
    assert answer.status_code in {404, 422}  # twice: FastAPI reads the last one, as before


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic b3A6cHc=", "Bearer not-a-token", "bearer x.y.z", "Token abc"],
)
def test_no_or_a_bad_token_is_the_same_401(
    people: People, plain: TestClient, answered: list[bool], authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = same(people, plain, params={"phone": "89123456789"}, headers=headers)
    assert answer.status_code == 401
    assert "www-authenticate" in answer.headers
    assert answered == []


def test_every_role_reads_the_same_and_a_deactivated_user_is_the_same_401(
    people: People, plain: TestClient, database: Database, answered: list[bool]
) -> None:
    """No role is refused the lookup (every signed-in user reads contacts); a deactivated one is."""
    for user in (people.op_n1, people.lead_n, people.admin):
        assert (
            same(people, plain, params={"phone": "89123456789"}, headers=people.headers(user)).status_code
            == 404
        )
    headers = people.headers(people.op_s1)
    with database.session() as session:
        session.execute(update(User).where(User.name == "op_s1").values(active=False))
        session.commit()
    assert answered == [True] * 9
    answer = same(people, plain, params={"phone": "89123456789"}, headers=headers)
    assert answer.status_code == 401 and answer.json()["detail"] == "this account is deactivated"
    assert answered[9:] == [False] * 3  # read in the lean layer's hop, refused by the route


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "HEAD"])
def test_other_methods_are_the_same(people: People, plain: TestClient, method: str) -> None:
    answer = same(
        people, plain, method, params={"phone": "89123456789"}, headers=people.headers(people.op_n1)
    )
    assert answer.status_code == 405


def test_a_lookup_with_a_body_is_left_to_fastapi(people: People, plain: TestClient) -> None:
    headers = people.headers(people.op_n1) | {"Content-Type": "application/json"}
    answer = same(people, plain, params={"phone": "89123456789"}, headers=headers, content=b"{}")
    assert answer.status_code == 404


def test_the_route_is_still_documented(people: People) -> None:
    operation = people.client.get("/openapi.json").json()["paths"]["/contacts/lookup"]["get"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert {p["name"] for p in operation["parameters"]} == {"phone"}
    assert "ContactOut" in operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert "404" in operation["responses"] and "422" in operation["responses"]


def test_the_request_log_names_the_caller(people: People, caplog: pytest.LogCaptureFixture) -> None:
    headers = people.headers(people.op_n1)
    with caplog.at_level("INFO", logger="ringdesk.server.http"):
        people.client.get("/contacts/lookup", params={"phone": "89123456789"}, headers=headers)
    lines = [r for r in caplog.records if getattr(r, "path", None) == "/contacts/lookup"]
    assert lines and lines[-1].status == 404 and lines[-1].user_id is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize("message", ["database is locked", "server closed the connection unexpectedly"])
def test_a_database_error_is_the_same_answer(
    people: People, plain: TestClient, monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    """Busy: the same 503 and ``Retry-After``; gone: the same 500, each with its own request id."""
    headers = people.headers(people.op_n1)
    people.client.get("/contacts/lookup", params={"phone": "89123456789"}, headers=headers)  # cached

    def failing(*_args: Any, **_kwargs: Any) -> None:
        raise OperationalError("SELECT ...", {}, Exception(message))

    monkeypatch.setattr(contacts, "find_for_lookup", failing)
    answers = [
        client.get("/contacts/lookup", params={"phone": "89123456789"}, headers=headers)
        for client in (people.client, plain)
    ]
    for answer in answers:
        if answer.status_code == 500:
            assert answer.json()["request_id"] == answer.headers["x-request-id"]
    lean, route = (
        (a.status_code, a.headers.get("retry-after"), {**a.json(), "request_id": None}) for a in answers
    )
    assert lean == route
    assert lean[0] == (503 if "locked" in message else 500)


def test_psycopgs_errors_come_out_as_sqlalchemys(
    backend: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prepared lookup goes to psycopg itself: its errors are wrapped as ``conn.execute`` wraps
    them (the app's handlers know those), and the connection is left as the pool expects."""
    if backend != "postgresql":
        pytest.skip("the prepared statement is PostgreSQL's path")
    with database.engine.connect() as conn:
        sql, names, processors = contact_lookup._prepared(conn.dialect)
        failing = ("SELECT 1 / 0 WHERE %(keys)s::text[] IS NOT NULL", names, processors)
        monkeypatch.setattr(contact_lookup, "_prepared", lambda _dialect: failing)
        with pytest.raises(DBAPIError) as caught:
            contact_lookup.find_for_lookup(conn, e164s=["+79123456789"])
        assert "division by zero" in str(caught.value.orig)
        driver: Any = conn.connection.driver_connection
        assert driver.autocommit is False and not conn.invalidated
        monkeypatch.setattr(contact_lookup, "_prepared", lambda _dialect: (sql, names, processors))
        assert contact_lookup.find_for_lookup(conn, e164s=["+79123456789"]) is None  # still usable


def test_an_unexpected_error_is_the_same_500_and_logged_once(
    people: People, plain: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After the last-resort 500 the error goes on up to the request log, which logs it once with its
    traceback, from either path."""
    headers = people.headers(people.op_n1)

    def failing(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(contacts, "find_for_lookup", failing)
    for client in (people.client, plain):
        caplog.clear()
        with caplog.at_level("ERROR", logger="ringdesk.server.http"):
            answer = client.get("/contacts/lookup", params={"phone": "89123456789"}, headers=headers)
        assert answer.status_code == 500
        assert answer.json() == {
            "detail": "internal server error",
            "request_id": answer.headers["x-request-id"],
        }
        logged = [r for r in caplog.records if r.getMessage() == "unhandled error"]
        assert len(logged) == 1 and logged[0].exc_info is not None
        assert isinstance(logged[0].exc_info[1], RuntimeError)
