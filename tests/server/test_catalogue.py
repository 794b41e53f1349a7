"""``/catalogue``: everyone reads it (per queue), admins declare codes and reasons (audited), and
``shift_start`` exists on a fresh install and cannot be retired."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.crud.catalogue import ensure_required_reasons
from server.db import Database
from tests.server.helpers import People, TestClient, TestUser, audit_rows

SALE: dict[str, Any] = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
CALLBACK: dict[str, Any] = {
    "code": "callback",
    "label_en": "Call back",
    "label_ru": "Перезвонить",
    "category": "callback",
    "callback_required": True,
    "queue": "sales",
    "hotkey": 2,
}
SUPPORT_ONLY: dict[str, Any] = {
    "code": "solved",
    "label_en": "Solved",
    "label_ru": "Решено",
    "category": "success",
    "comment_required": True,
    "queue": "support",
}
LUNCH: dict[str, Any] = {"code": "lunch", "label_en": "Lunch", "label_ru": "Обед", "max_minutes": 60}


def put(people: People, who: TestUser, kind: str, body: dict[str, Any]) -> httpx.Response:
    return people.client.put(f"/catalogue/{kind}/{body['code']}", json=body, headers=people.headers(who))


def declare(people: People, kind: str, *bodies: dict[str, Any]) -> None:
    for body in bodies:
        response = put(people, people.admin, kind, body)
        assert response.status_code in (200, 201), response.text


def test_a_fresh_install_has_shift_start(people: People, client: TestClient) -> None:
    catalogue = client.get("/catalogue", headers=people.headers(people.op_n1))
    assert catalogue.status_code == 200, catalogue.text
    assert catalogue.json()["dispositions"] == []
    reasons = catalogue.json()["reasons"]
    assert [(r["code"], r["active"], r["routable"], r["system"]) for r in reasons] == [
        ("shift_start", True, False, True),
        ("connection_lost", True, False, True),  # what the server records for a silent desk
    ]


def test_required_reasons_are_added_once_and_admin_edits_are_kept(people: People, database: Database) -> None:
    assert ensure_required_reasons(database) == []  # the app's startup already added it
    renamed = {"code": "shift_start", "label_en": "Logged in", "label_ru": "Вход", "max_minutes": 5}
    assert put(people, people.admin, "reasons", renamed).status_code == 200
    assert ensure_required_reasons(database) == []
    reasons = people.client.get("/catalogue", headers=people.headers(people.op_n1)).json()["reasons"]
    assert reasons[0]["label_en"] == "Logged in"
    retired = put(people, people.admin, "reasons", renamed | {"active": False})
    assert retired.status_code == 422
    assert "cannot be retired" in retired.json()["detail"]


def test_everyone_reads_codes_per_queue(people: People, client: TestClient) -> None:
    declare(people, "dispositions", SALE, CALLBACK, SUPPORT_ONLY)
    declare(people, "reasons", LUNCH)
    for who in people.everyone:
        everything = client.get("/catalogue", headers=people.headers(who))
        assert everything.status_code == 200
        assert [c["code"] for c in everything.json()["dispositions"]] == ["sale", "callback", "solved"]
        reasons = [r["code"] for r in everything.json()["reasons"]]
        assert reasons == ["shift_start", "connection_lost", "lunch"]
    sales = client.get("/catalogue", params={"queue": "sales"}, headers=people.headers(people.op_s1))
    assert [c["code"] for c in sales.json()["dispositions"]] == ["sale", "callback"]
    assert sales.json()["dispositions"][1] == CALLBACK | {"comment_required": False, "active": True}
    unknown = client.get("/catalogue", params={"queue": "nowhere"}, headers=people.headers(people.op_s1))
    assert [c["code"] for c in unknown.json()["dispositions"]] == ["sale"]
    assert (
        client.get(
            "/catalogue", params={"queue": "bad queue'"}, headers=people.headers(people.admin)
        ).status_code
        == 422
    )
    assert client.get("/catalogue").status_code == 401


def test_admins_declare_and_change_entries_audited(people: People, database: Database) -> None:
    created = put(people, people.admin, "dispositions", SALE)
    assert created.status_code == 201, created.text
    assert created.json() == SALE | {
        "comment_required": False,
        "callback_required": False,
        "queue": None,
        "hotkey": None,
        "active": True,
    }
    changed = put(people, people.admin, "dispositions", SALE | {"hotkey": 1, "active": False})
    assert changed.status_code == 200
    assert (changed.json()["hotkey"], changed.json()["active"]) == (1, False)
    assert put(people, people.admin, "reasons", LUNCH).status_code == 201
    assert put(people, people.admin, "reasons", LUNCH | {"productive": True}).status_code == 200

    actions = [
        (row.action, row.target, row.actor_name)
        for row in audit_rows(database)
        if row.action.startswith("catalogue.")
    ]
    assert actions == [
        ("catalogue.disposition.create", "disposition_code:sale", "admin"),
        ("catalogue.disposition.update", "disposition_code:sale", "admin"),
        ("catalogue.reason.create", "not_ready_reason:lunch", "admin"),
        ("catalogue.reason.update", "not_ready_reason:lunch", "admin"),
    ]
    update = audit_rows(database, "catalogue.disposition.update")[0]
    assert update.details["hotkey"] == 1 and update.details["active"] is False
    catalogue = people.client.get("/catalogue", headers=people.headers(people.op_n1)).json()
    assert catalogue["dispositions"][0]["active"] is False  # retired, still listed so old ones resolve


@pytest.mark.parametrize("kind", ["dispositions", "reasons"])
def test_only_admins_declare(people: People, kind: str, database: Database) -> None:
    body = SALE if kind == "dispositions" else LUNCH
    for who in (people.lead_n, people.op_n1):
        response = put(people, who, kind, body)
        assert response.status_code == 403, response.text
    assert people.client.put(f"/catalogue/{kind}/{body['code']}", json=body).status_code == 401
    assert [row for row in audit_rows(database) if row.action.startswith("catalogue.")] == []


@pytest.mark.parametrize(
    ("kind", "path", "body", "message"),
    [
        ("dispositions", "sale", SALE | {"code": "other"}, "is not the one in the path"),
        ("dispositions", "sale", SALE | {"category": "great"}, "category"),
        ("dispositions", "sale", SALE | {"hotkey": 10}, "hotkey"),
        ("dispositions", "sale", SALE | {"colour": "red"}, "unknown field 'colour'"),
        ("dispositions", "sale", {k: v for k, v in SALE.items() if k != "label_ru"}, "missing field"),
        ("dispositions", "sale", SALE | {"label_en": "x" * 101}, "label_en"),
        ("dispositions", "sale'; DROP TABLE users; --", SALE, "code"),
        ("reasons", "lunch", LUNCH | {"max_minutes": 0}, "max_minutes"),
        ("reasons", "lunch", LUNCH | {"label_en": "two\nlines"}, "label_en"),
    ],
)
def test_bad_declarations_are_422(
    people: People, kind: str, path: str, body: dict[str, Any], message: str
) -> None:
    response = people.client.put(f"/catalogue/{kind}/{path}", json=body, headers=people.headers(people.admin))
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]


def test_labels_are_kept_verbatim(people: People) -> None:
    quoted = SALE | {"label_en": 'O\'Neil "deal" <b>; DELETE FROM x', "label_ru": "Сделка «ок»"}
    assert put(people, people.admin, "dispositions", quoted).status_code == 201
    listed = people.client.get("/catalogue", headers=people.headers(people.op_n1)).json()["dispositions"]
    assert (listed[0]["label_en"], listed[0]["label_ru"]) == (quoted["label_en"], quoted["label_ru"])
