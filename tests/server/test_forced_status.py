"""Issue 13: the contract of a force the operator's desktop applies after the call, system-only reasons,
and the catalogue pushed to desktops when an admin changes it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.helpers import People, TestClient
from tests.server.test_requests import REASONS, ask, current, now, set_status, token


@pytest.fixture
def catalogue(people: People) -> None:
    for spec in REASONS:
        response = people.client.put(
            f"/catalogue/reasons/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text


def post(people: People, body: dict[str, Any]) -> Any:
    return people.client.post("/statuses", json=body, headers=people.headers(people.op_n1))


@pytest.mark.usefixtures("catalogue")
def test_the_desktop_applies_a_pending_force_with_its_request_id(people: People) -> None:
    set_status(people, people.op_n1, "acw", source="system")
    forced = ask(people, people.lead_n, "op_n1", "force", "not_ready", "training").json()
    assert forced["state"] == "pending"
    body = {
        "operator": "op_n1",
        "status": "not_ready",
        "reason": "training",
        "at": now(),
        "source": "team_lead",
        "request": forced["id"],
    }
    response = post(people, body)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert (stored["source"], stored["by"], stored["request"]) == ("team_lead", "lead_n", forced["id"])
    row = current(people, "op_n1")
    assert (row["status"], row["reason"], row["source"]) == ("not_ready", "training", "team_lead")
    states = {
        r["id"]: r["state"]
        for r in people.client.get("/requests", headers=people.headers(people.lead_n)).json()
    }
    assert states[forced["id"]] == "applied"


@pytest.mark.usefixtures("catalogue")
def test_a_team_lead_change_from_the_desktop_needs_an_open_force_that_matches(people: People) -> None:
    set_status(people, people.op_n1, "acw", source="system")
    base = {
        "operator": "op_n1",
        "status": "not_ready",
        "reason": "training",
        "at": now(),
        "source": "team_lead",
    }
    without = post(people, base)
    assert without.status_code == 422
    assert "request" in without.text
    forced = ask(people, people.lead_n, "op_n1", "force", "offline", None).json()
    mismatched = post(people, base | {"request": forced["id"]})
    assert mismatched.status_code == 422
    assert "offline" in mismatched.text
    replaced = ask(people, people.lead_n, "op_n1", "force", "not_ready", "training").json()
    stale = post(people, base | {"request": forced["id"]})  # cancelled by the newer force
    assert stale.status_code == 422
    assert "cancelled" in stale.text
    assert post(people, base | {"request": replaced["id"]}).status_code == 201
    other = ask(people, people.lead_n, "op_n2", "force", "ready", None).json()
    assert post(people, base | {"request": other["id"]}).status_code == 422  # not this operator's


@pytest.mark.usefixtures("catalogue")
def test_system_reasons_are_marked_and_never_forced(people: People) -> None:
    reasons = people.client.get("/catalogue", headers=people.headers(people.op_n1)).json()["reasons"]
    system = {r["code"]: r["system"] for r in reasons}
    assert system == {"shift_start": True, "connection_lost": True, "break": False, "training": False}
    # an admin redeclaring it does not make it choosable
    renamed = {"code": "shift_start", "label_en": "Logged in", "label_ru": "Вход"}
    people.client.put("/catalogue/reasons/shift_start", json=renamed, headers=people.headers(people.admin))
    reasons = people.client.get("/catalogue", headers=people.headers(people.op_n1)).json()["reasons"]
    assert next(r for r in reasons if r["code"] == "shift_start")["system"] is True
    forced = ask(people, people.lead_n, "op_n1", "force", "not_ready", "shift_start")
    assert forced.status_code == 422
    assert "system" in forced.text
    set_status(people, people.op_n1, "ready")
    by_lead = people.client.post(
        "/statuses",
        json={"operator": "op_n1", "status": "not_ready", "reason": "shift_start", "at": now()},
        headers=people.headers(people.lead_n),
    )
    assert by_lead.status_code == 422
    set_status(people, people.op_n1, "not_ready", "shift_start")  # the desktop itself, on login


@pytest.mark.usefixtures("catalogue")
def test_a_catalogue_change_is_pushed_to_every_desktop(people: People, client: TestClient) -> None:
    with client.websocket_connect(f"/me/live?token={token(people, people.op_s1)}") as desk:
        coffee = {"code": "coffee", "label_en": "Coffee", "label_ru": "Кофе", "max_minutes": 5}
        response = people.client.put(
            "/catalogue/reasons/coffee", json=coffee, headers=people.headers(people.admin)
        )
        assert response.status_code == 201
        assert desk.receive_json() == {"kind": "catalogue"}
