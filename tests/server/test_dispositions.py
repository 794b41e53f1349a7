"""``/dispositions``: Idempotency-Key (400 without one, replay = the first result, 422 for another
body, one row under a concurrent duplicate), catalogue rules, who may post for whom, and the
contact's history."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from server.db import Database
from server.models import Disposition
from tests.server.helpers import People, TestClient, TestUser, audit_rows

CODES: list[dict[str, Any]] = [
    {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"},
    {
        "code": "refused",
        "label_en": "Refused",
        "label_ru": "Отказ",
        "category": "other",
        "comment_required": True,
    },
    {
        "code": "callback",
        "label_en": "Call back",
        "label_ru": "Перезвонить",
        "category": "callback",
        "callback_required": True,
    },
    {"code": "vip_only", "label_en": "VIP", "label_ru": "VIP", "category": "success", "queue": "vip"},
    {"code": "old", "label_en": "Old", "label_ru": "Старый", "category": "other", "active": False},
]


def call(operator: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "call_id": f"call-{uuid.uuid4().hex[:8]}@pbx",
        "operator": operator,
        "queue": "sales",
        "ring_at": "2026-03-02T10:00:00+03:00",
        "answer_at": "2026-03-02T10:00:05+03:00",
        "end_at": "2026-03-02T10:03:00+03:00",
        "acw_end_at": "2026-03-02T10:03:30+03:00",
        "code": "sale",
    }
    body.update(changes)
    return body


@pytest.fixture
def catalogue(people: People) -> None:
    for spec in CODES:
        response = people.client.put(
            f"/catalogue/dispositions/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text


def post(
    people: People, who: TestUser, body: dict[str, Any] | bytes, key: str | None = None
) -> httpx.Response:
    headers = people.headers(who) | ({"Idempotency-Key": key} if key is not None else {})
    if isinstance(body, bytes):
        headers |= {"Content-Type": "application/json"}
        return people.client.post("/dispositions", content=body, headers=headers)
    return people.client.post("/dispositions", json=body, headers=headers)


def count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Disposition)) or 0


def new_key() -> str:
    return str(uuid.uuid4())


@pytest.mark.usefixtures("catalogue")
def test_a_replay_returns_the_first_result(people: People, database: Database) -> None:
    key, body = new_key(), call("op_n1", comment='O\'Neil said "no"; DROP TABLE users; --')
    first = post(people, people.op_n1, body, key)
    assert first.status_code == 201, first.text
    stored = first.json()
    assert stored["ring_at"] == "2026-03-02T07:00:00Z"  # kept as an instant, shown in UTC
    assert stored["comment"] == body["comment"]
    assert first.headers["location"] == f"/dispositions/{stored['id']}"
    assert "idempotent-replayed" not in first.headers

    # the same disposition again, timestamps written in UTC this time: still the same body
    utc = body | {
        "ring_at": "2026-03-02T07:00:00Z",
        "answer_at": "2026-03-02T07:00:05Z",
        "end_at": "2026-03-02T07:03:00Z",
        "acw_end_at": "2026-03-02T07:03:30Z",
    }
    for again in (body, utc, body):
        replay = post(people, people.op_n1, again, key)
        assert replay.status_code == 201, replay.text
        assert replay.json() == stored
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.headers["location"] == first.headers["location"]
    assert count(database) == 1
    read = people.client.get(first.headers["location"], headers=people.headers(people.op_n1))
    assert read.json() == stored


@pytest.mark.usefixtures("catalogue")
def test_a_replay_is_answered_even_if_the_code_was_retired_since(people: People) -> None:
    key, body = new_key(), call("op_n1")
    first = post(people, people.op_n1, body, key)
    retire = CODES[0] | {"active": False}
    assert (
        people.client.put(
            "/catalogue/dispositions/sale", json=retire, headers=people.headers(people.admin)
        ).status_code
        == 200
    )
    replay = post(people, people.op_n1, body, key)
    assert (replay.status_code, replay.json()) == (201, first.json())
    fresh = post(people, people.op_n1, call("op_n1"), new_key())
    assert fresh.status_code == 422
    assert "retired" in fresh.json()["detail"]


@pytest.mark.usefixtures("catalogue")
def test_the_same_key_with_another_body_is_422(people: People, database: Database) -> None:
    key, body = new_key(), call("op_n1")
    assert post(people, people.op_n1, body, key).status_code == 201
    for other in (body | {"comment": "changed"}, body | {"code": "refused", "comment": "x"}, call("op_n1")):
        conflict = post(people, people.op_n1, other, key)
        assert conflict.status_code == 422, conflict.text
        assert "already used for a different disposition" in conflict.json()["detail"]
    assert count(database) == 1


@pytest.mark.usefixtures("catalogue")
def test_a_refused_post_does_not_use_up_its_key(people: People) -> None:
    key = new_key()
    assert post(people, people.op_n1, call("op_n1", code="refused"), key).status_code == 422
    assert post(people, people.op_n1, call("op_n1", code="refused", comment="rude"), key).status_code == 201


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "send an Idempotency-Key header"),
        ("", "send an Idempotency-Key header"),
        ("not-a-uuid", "must be a UUID"),
        ("'; DROP TABLE dispositions; --", "must be a UUID"),
        ("x" * 5000, "must be a UUID"),
    ],
)
@pytest.mark.usefixtures("catalogue")
def test_the_key_is_required_and_a_uuid(
    people: People, database: Database, key: str | None, message: str
) -> None:
    response = post(people, people.op_n1, call("op_n1"), key)
    assert response.status_code == 400, response.text
    assert message in response.json()["detail"]
    assert count(database) == 0


@pytest.mark.usefixtures("catalogue")
def test_a_concurrent_duplicate_stores_one_row(
    people: People, database: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests with one key at once. On PostgreSQL both are held until each has read the
    catalogue, so both insert at the same moment: the unique key makes the second insert wait for the
    first transaction and then skip (``ON CONFLICT DO NOTHING``), and it answers as a replay. (On
    SQLite a request holds the write lock from its first statement: they queue.)"""
    from server.api.routes import dispositions as routes

    key, body = new_key(), call("op_n1")
    headers = people.headers(people.op_n1)
    if backend == "postgresql":
        both_read = threading.Barrier(2, timeout=10)
        real_get_code = routes.get_code

        def get_code_in_step(session: Any, *, code: str) -> Any:
            found = real_get_code(session, code=code)
            both_read.wait()
            return found

        monkeypatch.setattr(routes, "get_code", get_code_in_step)

    def send(_: int) -> httpx.Response:
        return people.client.post("/dispositions", json=body, headers=headers | {"Idempotency-Key": key})

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(send, range(2)))
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.headers.get("idempotent-replayed", "") for r in responses) == ["", "true"]
    assert count(database) == 1


@pytest.mark.usefixtures("catalogue")
def test_who_may_post_for_whom(people: People, database: Database) -> None:
    def status(who: TestUser, operator: str) -> int:
        return post(people, who, call(operator), new_key()).status_code

    assert status(people.op_n1, "op_n1") == 201
    assert status(people.op_n1, "op_n2") == 403  # a colleague's
    assert status(people.op_n1, "op_s1") == 403
    assert status(people.op_n1, "ghost") == 403  # no hint whether the login exists
    assert status(people.lead_n, "op_n2") == 201
    assert status(people.lead_n, "lead_n") == 201
    assert status(people.lead_n, "op_s1") == 403  # another team
    assert status(people.lead_n, "ghost") == 422
    assert status(people.admin, "op_s1") == 201
    assert (
        people.client.post(
            "/dispositions", json=call("op_n1"), headers={"Idempotency-Key": new_key()}
        ).status_code
        == 401
    )
    audited = [
        (row.actor_name, row.details["operator"]) for row in audit_rows(database, "disposition.create")
    ]
    assert audited == [("lead_n", "op_n2"), ("lead_n", "lead_n"), ("admin", "op_s1")]

    # a replay of an operator's disposition by someone else is scoped the same way
    key, body = new_key(), call("op_n2")
    assert post(people, people.op_n2, body, key).status_code == 201
    assert post(people, people.op_n1, body, key).status_code == 403
    assert post(people, people.lead_s, body, key).status_code == 403
    stored = post(people, people.op_n2, body, key).json()
    assert (  # a colleague reads it in full (test_history_scope: one rule for history and by id)
        people.client.get(f"/dispositions/{stored['id']}", headers=people.headers(people.op_n1)).status_code
        == 200
    )
    assert (
        people.client.get(f"/dispositions/{stored['id']}", headers=people.headers(people.op_s1)).status_code
        == 404
    )
    assert (
        people.client.get(f"/dispositions/{stored['id']}", headers=people.headers(people.lead_s)).status_code
        == 404
    )
    assert (
        people.client.get(f"/dispositions/{stored['id']}", headers=people.headers(people.lead_n)).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "nope"}, "'nope' is not in the disposition catalogue"),
        ({"code": "refused"}, "requires a comment"),
        ({"code": "refused", "comment": "   "}, "requires a comment"),
        ({"code": "callback"}, "requires a callback time"),
        ({"code": "callback", "callback_at": "2026-03-02T06:00:00Z"}, "after the end of the call"),
        ({"code": "vip_only"}, "belongs to queue 'vip'"),
        ({"code": "old"}, "is retired"),
        ({"contact_id": 999999}, "no contact has id 999999"),
        ({"end_at": "2026-03-02T09:00:00+03:00"}, "is before"),
        ({"ring_at": "2026-03-02T10:00:00"}, "ring_at"),
        ({"answers": {"q1": "yes"}}, "script answers need the script"),
        ({"script": {"id": "s1", "version": 0}}, "version"),
        ({"colour": "red"}, "unknown field 'colour'"),
        ({"comment": "x" * 4001}, "comment"),
        ({"comment": "nul\x00"}, "NUL"),
        ({"call_id": ""}, "call_id"),
        ({"code": "sale'; DROP TABLE users; --"}, "code"),
    ],
)
@pytest.mark.usefixtures("catalogue")
def test_bad_dispositions_are_422(
    people: People, database: Database, changes: dict[str, Any], message: str
) -> None:
    response = post(people, people.op_n1, call("op_n1", **changes), new_key())
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert count(database) == 0


@pytest.mark.usefixtures("catalogue")
def test_invalid_json_is_422(people: People) -> None:
    response = post(people, people.op_n1, b'{"call_id": "x",', new_key())
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


@pytest.mark.usefixtures("catalogue")
def test_contact_history_newest_first_with_answers(people: People, client: TestClient) -> None:
    made = client.post(
        "/contacts", json={"name": "Иванов", "phones": ["+79123456789"]}, headers=people.headers(people.op_n1)
    )
    contact_id = made.json()["id"]
    other = client.post(
        "/contacts", json={"name": "Петров", "phones": ["+79123456780"]}, headers=people.headers(people.op_n1)
    ).json()["id"]
    days = ["01", "03", "02"]
    for day in days:
        body = call(
            "op_n1",
            contact_id=contact_id,
            ring_at=f"2026-03-{day}T10:00:00Z",
            answer_at=None,
            end_at=f"2026-03-{day}T10:01:00Z",
            acw_end_at=None,
            script={"id": "welcome", "version": 2},
            answers={"interested": True, "budget": 1000, "colours": ["red", "blue"], "note": None},
        )
        assert post(people, people.op_n1, body, new_key()).status_code == 201
    assert post(people, people.op_n2, call("op_n2", contact_id=other), new_key()).status_code == 201

    history = client.get(f"/contacts/{contact_id}/history", headers=people.headers(people.op_n2))
    assert history.status_code == 200, history.text
    page = history.json()
    assert page["contact_id"] == contact_id and page["next_cursor"] is None
    assert [item["end_at"][:10] for item in page["items"]] == ["2026-03-03", "2026-03-02", "2026-03-01"]
    item = page["items"][0]
    assert (item["kind"], item["operator"], item["answer_at"]) == ("call", "op_n1", None)
    assert item["disposition"]["script"] == {"id": "welcome", "version": 2}
    assert item["disposition"]["answers"] == {
        "interested": True,
        "budget": 1000,
        "colours": ["red", "blue"],
        "note": None,
    }

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        part = client.get(
            f"/contacts/{contact_id}/history", params=params, headers=people.headers(people.op_n1)
        )
        seen += [i["end_at"][:10] for i in part.json()["items"]]
        cursor = part.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == ["2026-03-03", "2026-03-02", "2026-03-01"]

    headers = people.headers(people.op_n1)
    assert client.get("/contacts/999999/history", headers=headers).status_code == 404
    assert (
        client.get(f"/contacts/{contact_id}/history", params={"cursor": "x1"}, headers=headers).status_code
        == 400
    )
    assert (
        client.get(f"/contacts/{contact_id}/history", params={"limit": 0}, headers=headers).status_code == 422
    )
    assert client.get(f"/contacts/{contact_id}/history").status_code == 401
