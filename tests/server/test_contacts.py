"""``/contacts``: lookup by any written form of a number, ETag / If-Match (412, 428), custom fields
against the schema, roles and audit rows, verbatim text, phone conflicts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update

from server.api.main import create_app
from server.db import Database
from server.models import Contact, ContactPhone
from server.settings import Settings
from tests.server.helpers import People, TestClient, TestUser, audit_rows

IVANOV: dict[str, Any] = {"name": "Иванов Иван Иванович", "phones": ["+79123456789"], "city": "Москва"}
FIELDS: list[dict[str, Any]] = [
    {"key": "contract", "label_en": "Contract", "label_ru": "Договор"},
    {
        "key": "tier",
        "label_en": "Tier",
        "label_ru": "Уровень",
        "type": "choice",
        "choices": ["gold", "silver"],
    },
    {"key": "vip", "label_en": "VIP", "label_ru": "VIP", "type": "bool", "required": True},
]


def post(people: People, who: TestUser, body: dict[str, Any]) -> httpx.Response:
    return people.client.post("/contacts", json=body, headers=people.headers(who))


def created(people: People, who: TestUser, body: dict[str, Any]) -> dict[str, Any]:
    response = post(people, who, body)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/contacts/{response.json()['id']}"
    result: dict[str, Any] = response.json()
    return result


def patch(
    people: People, who: TestUser, contact_id: int, body: dict[str, Any], if_match: str | None
) -> httpx.Response:
    headers = people.headers(who) | ({"If-Match": if_match} if if_match is not None else {})
    return people.client.patch(f"/contacts/{contact_id}", json=body, headers=headers)


def declare_fields(people: People) -> None:
    for spec in FIELDS:
        response = people.client.put(
            f"/contacts/fields/{spec['key']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text


def test_lookup_finds_a_contact_by_any_written_form(people: People, client: TestClient) -> None:
    contact = created(people, people.op_n1, IVANOV)
    headers = people.headers(people.op_n2)
    for written in (
        "+79123456789",
        "+7 (912) 345-67-89",
        "89123456789",
        "8 912 345 67 89",
        "8-912-345-67-89",
        "79123456789",
        " +7 912 345 6789 ",
        "sip:+79123456789@pbx.example",
        "tel:+7-912-345-67-89",
    ):
        response = client.get("/contacts/lookup", params={"phone": written}, headers=headers)
        assert response.status_code == 200, (written, response.text)
        assert response.json()["id"] == contact["id"], written
        assert response.headers["etag"] == '"1"'
    unknown = client.get("/contacts/lookup", params={"phone": "8 912 000 00 00"}, headers=headers)
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "no contact has this number"})
    withheld = client.get("/contacts/lookup", params={"phone": "anonymous"}, headers=headers)
    assert withheld.status_code == 404
    assert "not a phone number" in withheld.json()["detail"]
    assert client.get("/contacts/lookup", params={"phone": "8" * 65}, headers=headers).status_code == 422
    assert client.get("/contacts/lookup", headers=headers).status_code == 422
    assert client.get("/contacts/lookup", params={"phone": "89123456789"}).status_code == 401


def test_lookup_reads_local_numbers_in_the_configured_region(
    people: People, database: Database, settings: Settings
) -> None:
    created(people, people.op_n1, {"name": "Berlin", "phones": ["+493012345678"]})
    in_germany = settings.model_copy(update={"default_region": "DE"})
    with TestClient(create_app(in_germany, database=database)) as german:
        headers = people.headers(people.op_n1)  # tokens are signed with the same test secret
        found = german.get("/contacts/lookup", params={"phone": "030 12345678"}, headers=headers)
        assert found.status_code == 200, found.text
        assert found.json()["name"] == "Berlin"
    in_russia = people.client.get(
        "/contacts/lookup", params={"phone": "030 12345678"}, headers=people.headers(people.op_n1)
    )
    assert in_russia.status_code == 404


def test_time_zone_is_derived_when_missing(people: People, client: TestClient, database: Database) -> None:
    landline = created(people, people.op_n1, {"name": "Офис", "phones": ["+79123456780", "+73832123456"]})
    assert landline["time_zone"] == "Asia/Novosibirsk"  # the mobile says nothing; the 383 line does
    mobile = created(people, people.op_n1, {"name": "Моб", "phones": ["+79123456781"]})
    assert mobile["time_zone"] is None  # a mobile number does not tell where its owner is
    chosen = created(
        people, people.op_n1, {"name": "Сам", "phones": ["+74951234567"], "time_zone": "Asia/Tokyo"}
    )
    assert chosen["time_zone"] == "Asia/Tokyo"
    with database.session() as session:  # stored without one, as an older import might have
        session.add(Contact(name="Старый", phones=[ContactPhone(e164="+74959876543")]))
        session.commit()
    old = client.get(
        "/contacts/lookup", params={"phone": "8 495 987-65-43"}, headers=people.headers(people.op_n1)
    )
    assert old.json()["time_zone"] == "Europe/Moscow"


def test_read_by_id_with_the_version_as_etag(people: People, client: TestClient) -> None:
    contact = created(people, people.op_n1, IVANOV)
    assert contact["version"] == 1
    response = client.get(f"/contacts/{contact['id']}", headers=people.headers(people.lead_s))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json() == contact
    headers = people.headers(people.op_n1)
    assert client.get("/contacts/999999", headers=headers).status_code == 404
    assert client.get("/contacts/0", headers=headers).status_code == 422
    assert client.get(f"/contacts/{2**63}", headers=headers).status_code == 422


def test_edits_need_the_current_version(people: People, client: TestClient) -> None:
    contact = created(people, people.op_n1, IVANOV)
    cid = contact["id"]
    missing = patch(people, people.op_n1, cid, {"city": "Тула"}, None)
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"]
    assert patch(people, people.op_n1, cid, {"city": "Тула"}, "*").status_code == 428

    first = patch(people, people.op_n1, cid, {"city": "Тула"}, '"1"')
    assert first.status_code == 200, first.text
    assert first.headers["etag"] == '"2"'
    assert (first.json()["city"], first.json()["version"]) == ("Тула", 2)

    # A second operator still holds version 1: their save must not overwrite the first one's.
    stale = patch(people, people.op_n2, cid, {"city": "Омск"}, '"1"')
    assert stale.status_code == 412
    assert stale.headers["etag"] == '"2"'
    assert "reload" in stale.json()["detail"]
    assert patch(people, people.op_n2, cid, {"city": "Омск"}, 'W/"2"').status_code == 412  # strong only
    assert client.get(f"/contacts/{cid}", headers=people.headers(people.op_n2)).json()["city"] == "Тула"

    again = patch(people, people.op_n2, cid, {"city": "Омск", "email": "ivanov@mail.ru"}, '"1", "2"')
    assert again.status_code == 200
    assert again.headers["etag"] == '"3"'
    same = patch(people, people.op_n2, cid, {"city": "Омск"}, '"3"')  # nothing changes: no new version
    assert (same.status_code, same.headers["etag"]) == (200, '"3"')
    # One save is one new version, whatever it touches (numbers live in their own table).
    both = patch(
        people, people.op_n2, cid, {"phones": ["+79123456789", "+79123456700"], "segment": "Опт"}, "3"
    )
    assert (both.status_code, both.headers["etag"]) == (200, '"4"')
    cleared = patch(people, people.op_n2, cid, {"email": None}, '"4"')
    assert cleared.json()["email"] is None
    assert patch(people, people.op_n2, cid, {"name": None}, '"5"').status_code == 422
    assert patch(people, people.op_n2, 999999, {"city": "X"}, '"1"').status_code == 404


def test_consent_changes_only_the_flags_named(people: People) -> None:
    contact = created(people, people.op_n1, IVANOV | {"consent": {"call": True, "marketing": False}})
    assert contact["consent"] == {"call": True, "sms": None, "email": None, "marketing": False}
    response = patch(people, people.op_n1, contact["id"], {"consent": {"sms": True, "call": None}}, '"1"')
    assert response.json()["consent"] == {"call": None, "sms": True, "email": None, "marketing": False}


def test_custom_fields_follow_the_declared_schema(people: People, client: TestClient) -> None:
    declare_fields(people)
    listed = client.get("/contacts/fields", headers=people.headers(people.op_n1)).json()
    assert [f["key"] for f in listed] == ["contract", "tier", "vip"]
    assert listed[2]["type"] == "bool"

    bad = post(people, people.op_n1, IVANOV | {"custom": {"tier": "bronze", "color": "red"}})
    assert bad.status_code == 422
    detail = bad.json()["detail"]
    assert "'bronze'" in detail
    assert "unknown custom field 'color'" in detail
    assert "'vip' (VIP) is required" in detail
    contact = created(people, people.op_n1, IVANOV | {"custom": {"tier": "gold", "vip": True}})
    wrong_type = patch(people, people.op_n1, contact["id"], {"custom": {"vip": "yes"}}, '"1"')
    assert wrong_type.status_code == 422
    assert wrong_type.json()["errors"][0]["loc"] == ["body", "custom"]
    assert "must be true or false" in wrong_type.json()["detail"]
    ok = patch(people, people.op_n1, contact["id"], {"custom": {"vip": False, "contract": "Д-42"}}, '"1"')
    assert ok.status_code == 200, ok.text
    assert ok.json()["custom"] == {"vip": False, "contract": "Д-42"}  # custom replaces the whole map
    not_the_path = client.put("/contacts/fields/other", json=FIELDS[0], headers=people.headers(people.admin))
    assert not_the_path.status_code == 422


ROLES = {"op_n1": 403, "lead_n": 403, "admin": 200}


def test_only_admins_declare_fields_and_it_is_audited(
    people: People, client: TestClient, database: Database
) -> None:
    spec = FIELDS[0]
    for who, expected in ROLES.items():
        response = client.put(
            "/contacts/fields/contract", json=spec, headers=people.headers(getattr(people, who))
        )
        assert response.status_code == (201 if who == "admin" else expected), who
    assert client.put("/contacts/fields/contract", json=spec).status_code == 401
    assert client.get("/contacts/fields").status_code == 401
    renamed = client.put(
        "/contacts/fields/contract",
        json=spec | {"label_en": "Agreement"},
        headers=people.headers(people.admin),
    )
    assert renamed.status_code == 200
    rows = audit_rows(database)
    assert [(r.action, r.target, r.actor_name) for r in rows if r.action.startswith("contact_field")] == [
        ("contact_field.create", "contact_field:contract", "admin"),
        ("contact_field.update", "contact_field:contract", "admin"),
    ]


def test_everyone_edits_contacts_and_leads_and_admins_are_audited(
    people: People, client: TestClient, database: Database
) -> None:
    for n, who in enumerate((people.op_n1, people.lead_n, people.admin)):
        contact = created(people, who, {"name": who.name, "phones": [f"+7912345670{n}"]})
        response = patch(people, who, contact["id"], {"segment": "VIP"}, '"1"')
        assert response.status_code == 200
    for method, path in (("GET", "/contacts/1"), ("POST", "/contacts"), ("PATCH", "/contacts/1")):
        assert client.request(method, path, json={}).status_code == 401
    rows = [
        (r.action, r.actor_name, r.details) for r in audit_rows(database) if r.action.startswith("contact.")
    ]
    assert rows == [
        ("contact.create", "lead_n", {}),
        ("contact.update", "lead_n", {"fields": ["segment"]}),
        ("contact.create", "admin", {}),
        ("contact.update", "admin", {"fields": ["segment"]}),
    ]


HOSTILE = [
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE contacts;--",
    "1' OR '1'='1",
    '=HYPERLINK("http://evil.example","click") "quoted" \\ backslash',
    "%_*?[]{}$` Ёлка «ёж» 😀",
]


def test_markup_and_sql_come_back_verbatim(people: People, client: TestClient) -> None:
    declare_fields(people)
    headers = people.headers(people.op_n1)
    for n, text in enumerate(HOSTILE):
        custom = {"contract": text, "vip": True}
        body = {"name": text, "phones": [f"+7912345671{n}"], "city": text[:100], "custom": custom}
        contact = created(people, people.op_n1, body)
        again = client.get(f"/contacts/{contact['id']}", headers=headers).json()
        found = client.get("/contacts/lookup", params={"phone": f"8912345671{n}"}, headers=headers).json()
        for result in (contact, again, found):
            assert (result["name"], result["city"], result["custom"]) == (text, text[:100], custom)
        edited = patch(people, people.op_n1, contact["id"], {"segment": text[:64]}, '"1"')
        assert edited.json()["segment"] == text[:64]


def test_a_number_belongs_to_one_contact(people: People, client: TestClient) -> None:
    first = created(people, people.op_n1, IVANOV | {"phones": ["+79123456789", "+74951234567"]})
    second = created(people, people.op_n1, {"name": "Пётр", "phones": ["+79160000000"]})
    taken = post(people, people.op_n2, {"name": "Другой", "phones": ["+74951234567"]})
    assert taken.status_code == 409
    assert f"+74951234567 belongs to contact {first['id']}" in taken.json()["detail"]
    moved = patch(people, people.op_n1, second["id"], {"phones": ["+79160000000", "+79123456789"]}, '"1"')
    assert moved.status_code == 409
    # Reordering and swapping one's own numbers reuses them (no unique-index clash within one save).
    swapped = patch(people, people.op_n1, first["id"], {"phones": ["+74951234567", "+79161111111"]}, '"1"')
    assert swapped.status_code == 200, swapped.text
    assert swapped.json()["phones"] == ["+74951234567", "+79161111111"]
    freed = patch(people, people.op_n1, second["id"], {"phones": ["+79123456789"]}, '"1"')
    assert freed.status_code == 200, freed.text  # the number the first contact gave up
    headers = people.headers(people.op_n1)
    assert (
        client.get("/contacts/lookup", params={"phone": "89123456789"}, headers=headers).json()["id"]
        == (second["id"])
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "X", "phones": ["+7 912 345 67 89"]}, "phones.0"),  # clients send E.164
        ({"name": "X", "phones": []}, "phones"),
        ({"name": "X", "phones": ["+79123456789"], "version": 3}, "unknown field 'version'"),
        ({"name": "X\x00", "phones": ["+79123456789"]}, "name"),
        ({"name": "X", "phones": ["+79123456789"], "time_zone": "MSK"}, "time_zone"),
    ],
)
def test_bad_contacts_are_a_clear_422(people: People, body: dict[str, Any], message: str) -> None:
    response = post(people, people.op_n1, body)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_contacts_are_in_the_openapi_docs(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/contacts", "/contacts/lookup", "/contacts/{contact_id}", "/contacts/fields/{key}"} <= set(paths)


def test_a_save_racing_another_is_a_412_not_a_lost_update(
    people: People, database: Database, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves between our version check and our write. On SQLite a request holds the write
    lock from its first statement, so this cannot happen there; on PostgreSQL the version in the
    UPDATE's WHERE clause catches it."""
    if backend == "sqlite":
        pytest.skip("SQLite serialises the two requests (BEGIN IMMEDIATE)")
    contact = created(people, people.op_n1, IVANOV)
    from server.api.routes import contacts as routes

    real_get = routes.get_contact
    calls = 0

    def get_then_race(session: Any, *, contact_id: int) -> Contact | None:
        nonlocal calls
        calls += 1
        found = real_get(session, contact_id=contact_id)
        if calls == 1:
            with database.engine.begin() as other:
                other.execute(update(Contact).values(city="Омск", version=Contact.version + 1))
        return found

    monkeypatch.setattr(routes, "get_contact", get_then_race)
    response = patch(people, people.op_n1, contact["id"], {"city": "Тула"}, '"1"')
    assert response.status_code == 412
    assert response.headers["etag"] == '"2"'
    stored = people.client.get(f"/contacts/{contact['id']}", headers=people.headers(people.op_n1)).json()
    assert stored["city"] == "Омск"
