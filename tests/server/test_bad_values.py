"""Out-of-range values never answer 500: every endpoint that takes a moment, an id, text or a number
is walked with each bad kind (issue 14: 18 kinds answered 500 on PostgreSQL, and NaN was stored as
null on SQLite), on both databases. Each must be a 4xx with a sentence that names the field; in a
batch, the one bad item is rejected and the good one beside it is stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI

from tests.server.helpers import People, TestClient
from tests.server.test_dispositions import call, catalogue, new_key

pytestmark = pytest.mark.usefixtures("catalogue")
__all__ = ["catalogue"]  # the fixture, imported to be used here

EARLY = "0001-01-01T00:00:00+05:00"
"""Year 1 written east of UTC: before ``datetime.min`` once converted to UTC."""
LATE = "9999-12-31T23:00:00-05:00"
"""The last day written west of UTC: after ``datetime.max`` once converted to UTC."""
BEYOND_BIGINT = 2**63
BEYOND_INT = 2**31
SCRIPT = {"id": "welcome", "version": 1}


@dataclass
class Probe:
    """One request with one bad value, and the field the refusal must name."""

    name: str
    method: str
    path: str
    names: str
    body: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    who: str = "op_n1"
    """Who sends it (someone allowed to, so the refusal is about the value)."""
    raw: bool = False
    """Send ``body`` with ``json.dumps(allow_nan=True)``: ``NaN`` and ``Infinity`` as JS writes them."""


def probes(operator: str, contact: int) -> list[Probe]:
    """Every bad kind at every endpoint that takes it."""
    d = call
    script = {"script": SCRIPT}
    status = {"operator": operator, "status": "ready"}
    found: list[Probe] = []
    for name, moment in (("ring_at", EARLY), ("acw_end_at", LATE), ("callback_at", LATE)):
        found.append(
            Probe(f"disposition {name}", "POST", "/dispositions", name, d(operator, **{name: moment}))
        )
    found += [
        Probe("status early at", "POST", "/statuses", "at", status | {"at": EARLY}),
        Probe("status late at", "POST", "/statuses", "at", status | {"at": LATE}),
        Probe("history early since", "GET", "/statuses/history", "since", params={"since": EARLY}),
        Probe("history late until", "GET", "/statuses/history", "until", params={"until": LATE}),
        Probe("kpi early since", "GET", "/kpi", "since", params={"since": EARLY, "until": LATE}),
        Probe(
            "kpi late until", "GET", "/kpi", "until", params={"since": "2026-01-01T00:00:00Z", "until": LATE}
        ),
        Probe("kpi last day", "GET", "/kpi", "day", params={"day": "9999-12-31"}),
        Probe("kpi first day east", "GET", "/kpi", "day", params={"day": "0001-01-01", "tz": "Asia/Tokyo"}),
        Probe(
            "disposition contact id",
            "POST",
            "/dispositions",
            "contact_id",
            d(operator, contact_id=BEYOND_BIGINT),
        ),
        Probe(
            "disposition script version",
            "POST",
            "/dispositions",
            "version",
            d(operator, script={"id": "welcome", "version": BEYOND_INT}),
        ),
        Probe(
            "status request id",
            "POST",
            "/statuses",
            "request",
            status | {"at": "2026-03-02T10:00:00Z", "source": "team_lead", "request": BEYOND_BIGINT},
        ),
        Probe("cancel request id", "POST", f"/requests/{BEYOND_BIGINT}/cancel", "request_id"),
        Probe(
            "decide request id",
            "POST",
            f"/requests/{BEYOND_BIGINT}/decision",
            "request_id",
            {"approve": True},
        ),
        Probe("disposition id", "GET", f"/dispositions/{BEYOND_BIGINT}", "disposition_id"),
        Probe("contact id", "GET", f"/contacts/{BEYOND_BIGINT}", "contact_id"),
        Probe("history contact id", "GET", f"/contacts/{BEYOND_BIGINT}/history", "contact_id"),
        Probe("script version", "GET", f"/scripts/welcome/versions/{BEYOND_INT}", "version"),
        Probe("user id", "GET", f"/users/{BEYOND_INT}", "user_id"),
        Probe(
            "NUL in a custom text",
            "POST",
            "/contacts",
            "custom",
            {"phones": ["+79123450001"], "custom": {"note": "a\x00b"}},
        ),
        Probe(
            "NUL in a patched custom text",
            "PATCH",
            f"/contacts/{contact}",
            "custom",
            {"custom": {"note": "a\x00b"}},
        ),
        Probe(
            "NUL in a text answer",
            "POST",
            "/dispositions",
            "answers",
            d(operator, **script, answers={"q": "a\x00"}),
        ),
        Probe(
            "NUL in a ticked option",
            "POST",
            "/dispositions",
            "answers",
            d(operator, **script, answers={"q": ["ok", "a\x00"]}),
        ),
    ]
    code = {"code": "x", "label_en": "X", "label_ru": "Икс", "category": "other"}
    found += [
        Probe("NUL in a looked-up number", "GET", "/contacts/lookup", "", params={"phone": "+7912\x00"}),
        Probe("NUL in a time zone", "GET", "/kpi", "tz", params={"tz": "Europe/Moscow\x00"}),
        Probe(
            "NUL in a login name",
            "POST",
            "/auth/login",
            "name",
            {"name": "op\x00", "password": "x"},
            who="nobody",
        ),
        Probe(
            "NUL in a password",
            "POST",
            "/auth/login",
            "",
            {"name": "op_n1", "password": "x\x00"},
            who="nobody",
        ),
        Probe(
            "NUL in a new user's name",
            "POST",
            "/users",
            "name",
            {"name": "a\x00", "password": "p" * 16, "role": "operator"},
            who="admin",
        ),
        Probe(
            "NUL in a label",
            "PUT",
            "/catalogue/dispositions/x",
            "label_en",
            code | {"label_en": "X\x00"},
            who="admin",
        ),
        Probe(
            "huge threshold",
            "PUT",
            "/thresholds/break",
            "red_minutes",
            {"key": "break", "amber_minutes": 5, "red_minutes": 2**40},
            who="admin",
        ),
        Probe(
            "huge target",
            "PUT",
            "/kpi/targets",
            "handled_per_shift",
            {"team": "north", "handled_per_shift": 2**40},
            who="lead_n",
        ),
        Probe("huge history limit", "GET", "/statuses/history", "limit", params={"limit": 2**70}),
        Probe(
            "year 1 birthday",
            "POST",
            "/contacts",
            "birthday",
            {"phones": ["+79123450021"], "birthday": "0001-01-01"},
        ),
        Probe(
            "NUL in a requested operator",
            "POST",
            "/requests",
            "operator",
            {"operator": "a\x00", "kind": "force", "status": "ready"},
            who="lead_n",
        ),
        Probe(
            "huge script version in a body",
            "PUT",
            "/scripts/welcome/versions/1",
            "version",
            {"id": "welcome", "version": 2**31, "name": "W", "body": {}},
            who="admin",
        ),
        Probe(
            "huge cursor", "GET", f"/contacts/{contact}/history", "cursor", params={"cursor": "9" * 60 + ".1"}
        ),
    ]
    for number in ("NaN", "Infinity", "-Infinity"):
        value = float(number)
        found += [
            Probe(
                f"{number} custom number",
                "POST",
                "/contacts",
                "custom",
                {"phones": [f"+7912345001{len(number)}"], "custom": {"score": value}},
                raw=True,
            ),
            Probe(
                f"{number} patched custom number",
                "PATCH",
                f"/contacts/{contact}",
                "custom",
                {"custom": {"score": value}},
                raw=True,
            ),
            Probe(
                f"{number} answer",
                "POST",
                "/dispositions",
                "answers",
                d(operator, **script, answers={"n": value}),
                raw=True,
            ),
        ]
    return found


@pytest.fixture
def lenient(app: FastAPI) -> Iterator[TestClient]:
    """A client that gets the 500 a real client would, instead of the server's exception."""
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _send(client: TestClient, probe: Probe, headers: dict[str, str]) -> tuple[int, str]:
    if probe.method == "POST" and probe.path == "/dispositions":
        headers = headers | {"Idempotency-Key": new_key()}
    content = None
    if probe.body is not None:
        content = json.dumps(probe.body, allow_nan=True).encode()
        headers = headers | {"Content-Type": "application/json"}
    response = client.request(probe.method, probe.path, content=content, params=probe.params, headers=headers)
    return response.status_code, response.text


def _setup(people: People) -> tuple[int, int]:
    admin = people.headers(people.admin)
    for spec in (
        {"key": "note", "label_en": "Note", "label_ru": "Заметка"},
        {"key": "score", "label_en": "Score", "label_ru": "Балл", "type": "number"},
    ):
        response = people.client.put(f"/contacts/fields/{spec['key']}", json=spec, headers=admin)
        assert response.status_code == 201, response.text
    created = people.client.post("/contacts", json={"phones": ["+79123450000"]}, headers=admin)
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["version"]


def test_every_bad_value_is_a_4xx_naming_the_field(people: People, lenient: TestClient) -> None:
    contact, _ = _setup(people)
    failures: list[str] = []
    for probe in probes("op_n1", contact):
        who = people.op_n1 if probe.who == "nobody" else getattr(people, probe.who)
        if probe.path.startswith(("/statuses/history", "/requests", "/users")) and probe.who == "op_n1":
            who = people.lead_n
        headers = people.headers(who) if probe.who != "nobody" else {}
        if probe.method == "PATCH":  # the contact's current version: a probe stored by mistake moved it
            current = people.client.get(f"/contacts/{contact}", headers=headers).json()["version"]
            headers = headers | {"If-Match": f'"{current}"'}
        code, text = _send(lenient, probe, headers)
        if not 400 <= code < 500:
            failures.append(f"{probe.name}: {code} {text[:200]}")
        elif probe.names not in text:
            failures.append(f"{probe.name}: {code} does not name {probe.names!r}: {text[:200]}")
    assert not failures, f"{len(failures)} refused badly:\n" + "\n".join(failures)


def test_a_batch_rejects_the_bad_items_and_stores_the_rest(people: People, lenient: TestClient) -> None:
    good_key = new_key()
    bad = [
        call("op_n1", ring_at=EARLY),
        call("op_n1", acw_end_at=LATE),
        call("op_n1", contact_id=BEYOND_BIGINT),
        call("op_n1", script={"id": "welcome", "version": BEYOND_INT}),
        call("op_n1", script=SCRIPT, answers={"q": "a\x00"}),
        call("op_n1", script=SCRIPT, answers={"n": float("nan")}),
    ]
    items = [{"idempotency_key": good_key, "disposition": call("op_n1")}]
    items += [{"idempotency_key": new_key(), "disposition": d} for d in bad]
    response = lenient.post(
        "/dispositions/batch",
        content=json.dumps({"items": items}, allow_nan=True).encode(),
        headers=people.headers(people.op_n1) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["outcome"], r["status"]) for r in results] == [("created", 201)] + [("rejected", 422)] * len(
        bad
    )
    assert all(r["errors"] for r in results[1:])


def test_nan_is_never_stored_as_null(people: People, lenient: TestClient) -> None:
    """On SQLite a NaN custom number used to be stored and read back as ``null``: refused instead."""
    contact, version = _setup(people)
    response = lenient.patch(
        f"/contacts/{contact}",
        content=b'{"custom": {"score": NaN}}',
        headers=people.headers(people.op_n1)
        | {"If-Match": f'"{version}"', "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    read = people.client.get(f"/contacts/{contact}", headers=people.headers(people.op_n1))
    assert read.json()["custom"] == {}
