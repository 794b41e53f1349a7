"""``/scripts``: immutable versions (re-upload 200, other content 409), roles, summaries, the choice by
queue and segment, the 1 MB documents the PUT must take, and the script linter on upload (422)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.scripts.loader import load
from app.wire.contacts import FieldSchema
from app.wire.scripts import SCRIPT_BODY_MAX
from server.api.routes.scripts import PUT_BODY_MAX
from server.crud.contacts import put_field
from server.db import Database
from server.models import DispositionCategory, DispositionCode
from tests.conftest import REPO
from tests.server.helpers import People, TestUser, audit_rows


def script(script_id: str, version: int, text: str = "Здравствуйте!", **extra: Any) -> dict[str, Any]:
    """The smallest script that lints clean: a greeting, then an end suggesting ``sale``."""
    nodes = [
        {"id": "greeting", "kind": "say", "text": text, "next": "done"},
        {"id": "done", "kind": "end", "outcome": "done", "disposition": "sale"},
    ]
    return {"id": script_id, "version": version, "title": "Test", "language": "ru", "nodes": nodes} | extra


def doc(script_id: str, version: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": script_id,
        "version": version,
        "name": f"{script_id} v{version}",
        "body": script(script_id, version),
    } | extra


@pytest.fixture(autouse=True)
def _catalogue(database: Database) -> None:
    """The codes the scripts here suggest, and a custom contact field (the linter checks both)."""
    with database.session() as session:
        session.add(
            DispositionCode(
                code="sale", label_en="Sale", label_ru="Продажа", category=DispositionCategory.SUCCESS
            )
        )
        session.add(
            DispositionCode(
                code="old",
                label_en="Old",
                label_ru="Старый",
                category=DispositionCategory.OTHER,
                active=False,
            )
        )
        put_field(session, spec=FieldSchema(key="tariff", label_en="Tariff", label_ru="Тариф"))
        session.commit()


def put(people: People, body: dict[str, Any], who: TestUser | None = None) -> httpx.Response:
    return people.client.put(
        f"/scripts/{body['id']}/versions/{body['version']}",
        json=body,
        headers=people.headers(who or people.admin),
    )


def test_a_version_is_stored_once_and_never_changes(people: People, database: Database) -> None:
    first = put(people, doc("welcome", 1, queue="sales"))
    assert first.status_code == 201, first.text
    assert first.json()["created_at"].endswith("Z")
    again = put(people, doc("welcome", 1, queue="sales", created_at="2020-01-01T00:00:00Z"))
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    changed = put(people, doc("welcome", 1, queue="sales", body=script("welcome", 1, "Привет!")))
    assert changed.status_code == 409
    assert "upload it as a new version" in changed.json()["detail"]
    assert put(people, doc("welcome", 1, queue="support")).status_code == 409
    assert put(people, doc("welcome", 1, name="Renamed", queue="sales")).status_code == 409
    assert put(people, doc("welcome", 2, queue="sales")).status_code == 201

    read = people.client.get("/scripts/welcome/versions/1", headers=people.headers(people.op_n1))
    assert read.status_code == 200 and read.json() == first.json()
    rows = audit_rows(database, "script.create")
    assert [(r.actor_name, r.target) for r in rows] == [
        ("admin", "script:welcome:1"),
        ("admin", "script:welcome:2"),
    ]


def test_only_admins_write_and_everyone_signed_in_reads(people: People) -> None:
    for who in (people.op_n1, people.lead_n):
        assert put(people, doc("welcome", 1), who).status_code == 403
    assert people.client.put("/scripts/welcome/versions/1", json=doc("welcome", 1)).status_code == 401
    assert put(people, doc("welcome", 1)).status_code == 201
    for path in ("/scripts", "/scripts/welcome/versions/1", "/scripts/select"):
        assert people.client.get(path).status_code == 401
        assert people.client.get(path, headers=people.headers(people.op_s1)).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/scripts/welcome/versions/2", doc("welcome", 1), "version in the body (1)"),
        ("/scripts/other/versions/1", doc("welcome", 1), "id in the body ('welcome')"),
        ("/scripts/welcome/versions/0", doc("welcome", 0), "version"),
        ("/scripts/welcome/versions/99999999999", doc("welcome", 99999999999), "version"),
        ("/scripts/bad%20id/versions/1", doc("bad id", 1), "script_id"),
        ("/scripts/welcome/versions/1", doc("welcome", 1, colour="red"), "unknown field 'colour'"),
        ("/scripts/welcome/versions/1", doc("welcome", 1, name=""), "name"),
        ("/scripts/welcome/versions/1", doc("welcome", 1, body=[1]), "body"),
        ("/scripts/welcome/versions/1", doc("welcome", 1, body=script("welcome", 1, "x\x00")), "NUL"),
        (
            "/scripts/welcome/versions/1",
            doc("welcome", 1, queue="x'; DROP TABLE scripts; --"),
            "queue",
        ),
    ],
)
def test_bad_uploads_are_422(people: People, path: str, body: dict[str, Any], message: str) -> None:
    response = people.client.put(path, json=body, headers=people.headers(people.admin))
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert people.client.get("/scripts", headers=people.headers(people.admin)).json() == []


def test_nan_is_refused(people: People) -> None:
    content = json.dumps(doc("welcome", 1, body=script("welcome", 1) | {"nodes": float("nan")}))
    response = people.client.put(
        "/scripts/welcome/versions/1",
        content=content,
        headers=people.headers(people.admin) | {"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "NaN" in response.json()["detail"]


def test_a_one_megabyte_document_fits_and_a_bigger_request_is_413(people: People) -> None:
    # Cyrillic sent with \uXXXX escapes: the request is about three times the document's UTF-8 size.
    # The script is a chain of 3,000-letter steps (a template is at most 4,000 characters).
    text = "Я" * ((SCRIPT_BODY_MAX - 30_000) // 2)
    parts = [text[i : i + 3000] for i in range(0, len(text), 3000)]
    body = doc("big", 1, body=script("big", 1))
    body["body"]["nodes"][0]["next"] = "part0"
    body["body"]["nodes"] += [
        {
            "id": f"part{i}",
            "kind": "say",
            "text": part,
            "next": f"part{i + 1}" if i + 1 < len(parts) else "done",
        }
        for i, part in enumerate(parts)
    ]
    content = json.dumps(body, ensure_ascii=True)
    assert len(content) > 2 * SCRIPT_BODY_MAX
    headers = people.headers(people.admin) | {"content-type": "application/json"}
    response = people.client.put("/scripts/big/versions/1", content=content, headers=headers)
    assert response.status_code == 201, response.text[:200]
    read = people.client.get("/scripts/big/versions/1", headers=people.headers(people.op_n1))
    assert read.json()["body"] == body["body"]

    over = doc("big", 2, body=script("big", 2) | {"description": "Я" * (SCRIPT_BODY_MAX // 2 + 10)})
    response = people.client.put("/scripts/big/versions/2", json=over, headers=headers)
    assert response.status_code == 422
    assert "more than 1000000" in response.json()["detail"]

    huge = json.dumps(doc("big", 3, body=script("big", 3) | {"description": "x" * PUT_BODY_MAX}))
    response = people.client.put("/scripts/big/versions/3", content=huge, headers=headers)
    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is too large"}
    # elsewhere the server's ordinary limit still holds
    response = people.client.post("/auth/login", content=content, headers=headers)
    assert response.status_code == 413


def test_the_list_shows_the_latest_version_of_each(people: People) -> None:
    assert put(people, doc("welcome", 1, queue="sales")).status_code == 201
    assert put(people, doc("welcome", 3, queue="support", segment="vip")).status_code == 201
    assert put(people, doc("welcome", 2)).status_code == 201  # stored late: still not the latest
    assert put(people, doc("angry", 1)).status_code == 201
    listed = people.client.get("/scripts", headers=people.headers(people.op_n1)).json()
    assert listed == [
        {"id": "angry", "version": 1, "name": "angry v1", "queue": None, "segment": None},
        {"id": "welcome", "version": 3, "name": "welcome v3", "queue": "support", "segment": "vip"},
    ]
    missing = people.client.get("/scripts/welcome/versions/4", headers=people.headers(people.op_n1))
    assert missing.status_code == 404


def test_selection_prefers_the_most_specific_script(people: People) -> None:
    def select(**params: str) -> tuple[str, int] | None:
        response = people.client.get("/scripts/select", params=params, headers=people.headers(people.op_n1))
        if response.status_code == 404:
            return None
        assert response.status_code == 200, response.text
        return response.json()["id"], response.json()["version"]

    assert select(queue="sales", segment="vip") is None
    assert put(people, doc("vip_any", 1, segment="vip")).status_code == 201
    assert select(queue="sales", segment="vip") == ("vip_any", 1)
    assert select(queue="sales") is None
    assert put(people, doc("default", 1)).status_code == 201
    assert put(people, doc("default", 2)).status_code == 201
    assert select(queue="sales") == ("default", 2)
    assert select() == ("default", 2)
    assert select(queue="sales", segment="vip") == ("vip_any", 1)
    assert put(people, doc("sales", 1, queue="sales")).status_code == 201
    assert select(queue="sales", segment="vip") == ("sales", 1)  # queue beats segment
    assert select(queue="sales", segment="regular") == ("sales", 1)
    assert select(queue="support", segment="vip") == ("vip_any", 1)
    assert put(people, doc("sales_vip", 1, queue="sales", segment="vip")).status_code == 201
    assert select(queue="sales", segment="vip") == ("sales_vip", 1)
    assert select(queue="sales", segment="regular") == ("sales", 1)
    assert select(queue="support") == ("default", 2)
    assert select(segment="vip") == ("vip_any", 1)
    # a new version that moves the script to another queue takes it away from the old one
    assert put(people, doc("sales_vip", 2, queue="support", segment="vip")).status_code == 201
    assert select(queue="sales", segment="vip") == ("sales", 1)
    assert select(queue="support", segment="vip") == ("sales_vip", 2)
    bad = people.client.get(
        "/scripts/select", params={"queue": "x'; DROP"}, headers=people.headers(people.op_n1)
    )
    assert bad.status_code == 422


def test_every_sample_script_uploads(people: People) -> None:
    for path in sorted((REPO / "resources" / "scripts").glob("*.yaml")):
        body, _ = load(path.read_text())
        for code in {n["disposition"] for n in body["nodes"] if n["kind"] == "end"} - {"sale"}:
            people.client.put(
                f"/catalogue/dispositions/{code}",
                json={"code": code, "label_en": code, "label_ru": code, "category": "other"},
                headers=people.headers(people.admin),
            )
        document = {"id": body["id"], "version": body["version"], "name": body["title"], "body": body}
        fields = [
            {"key": k, "label_en": k, "label_ru": k} for k in ("lens_type", "last_order", "bonus_points")
        ]
        for field in fields:
            people.client.put(
                f"/contacts/fields/{field['key']}", json=field, headers=people.headers(people.admin)
            )
        response = put(people, document)
        assert response.status_code == 201, (path.name, response.text)


def _broken(**changes: Any) -> dict[str, Any]:
    body = script("welcome", 1)
    body["nodes"][0] |= changes
    return doc("welcome", 1, body=body)


@pytest.mark.parametrize(
    ("body", "loc", "message"),
    [
        (_broken(next="nowhere"), ["body", "body", "nodes", 0, "next"], "unknown node 'nowhere'"),
        (
            _broken(text="{{ ''.__class__ }}"),
            ["body", "body", "nodes", 0, "text"],
            "'__class__' is not allowed",
        ),
        (
            _broken(text="{{ contact.custom.tarif }}"),
            ["body", "body", "nodes", 0, "text"],
            "did you mean 'tariff'",
        ),
        (_broken(kind="shout"), ["body", "body", "nodes", 0, "kind"], "'shout' is not one of"),
        (doc("welcome", 1, body=script("welcome", 2)), ["body", "body", "version"], "script's version (2)"),
        (doc("welcome", 1, body=script("other", 1)), ["body", "body", "id"], "script's id ('other')"),
    ],
)
def test_scripts_that_do_not_lint_are_422_with_each_problem(
    people: People, body: dict[str, Any], loc: list[Any], message: str
) -> None:
    response = put(people, body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["loc"] == loc and message in e["msg"] for e in errors), errors
    assert message in response.json()["detail"]
    assert people.client.get("/scripts", headers=people.headers(people.admin)).json() == []


def test_suggested_dispositions_must_be_active_codes(people: People) -> None:
    body = script("welcome", 1)
    body["nodes"][1]["disposition"] = "old"
    response = put(people, doc("welcome", 1, body=body))
    assert response.status_code == 422
    assert response.json()["errors"][0]["msg"] == "body.nodes.1.disposition: unknown disposition code 'old'"
    warned = script("welcome", 1, "{{ contact.city }}")  # a warning (city not declared) does not block
    assert put(people, doc("welcome", 1, body=warned)).status_code == 201
