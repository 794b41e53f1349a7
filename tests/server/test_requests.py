"""Team-lead forces, break requests with approval, their live pushes, and board thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.server.helpers import People, TestClient, TestUser

REASONS: list[dict[str, Any]] = [
    {"code": "break", "label_en": "Break", "label_ru": "Перерыв", "needs_approval": True},
    {"code": "training", "label_en": "Training", "label_ru": "Обучение"},
]


@pytest.fixture
def catalogue(people: People) -> None:
    for spec in REASONS:
        response = people.client.put(
            f"/catalogue/reasons/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text


def now() -> str:
    return (datetime.now(UTC) - timedelta(seconds=1)).isoformat()


def set_status(people: People, who: TestUser, status: str, reason: str | None = None, **extra: Any) -> None:
    body = {"operator": who.name, "status": status, "reason": reason, "at": now(), **extra}
    response = people.client.post("/statuses", json=body, headers=people.headers(who))
    assert response.status_code == 201, response.text


def ask(  # noqa: PLR0917 - reads like the request it sends
    people: People, who: TestUser, operator: str, kind: str, status: str, reason: str | None
) -> httpx.Response:
    body = {"operator": operator, "kind": kind, "status": status, "reason": reason}
    return people.client.post("/requests", json=body, headers=people.headers(who))


def current(people: People, operator: str) -> dict[str, Any]:
    rows = people.client.get("/statuses/board", headers=people.headers(people.admin)).json()
    return next(row for row in rows if row["operator"] == operator)


def token(people: People, who: TestUser) -> str:
    return people.headers(who)["Authorization"].removeprefix("Bearer ")


@pytest.mark.usefixtures("catalogue")
def test_a_force_on_a_free_operator_applies_at_once(people: People) -> None:
    set_status(people, people.op_n1, "ready")
    response = ask(people, people.lead_n, "op_n1", "force", "not_ready", "training")
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "applied"
    row = current(people, "op_n1")
    assert (row["status"], row["reason"], row["source"]) == ("not_ready", "training", "team_lead")


@pytest.mark.usefixtures("catalogue")
def test_a_force_waits_for_the_call_and_reaches_the_desktop(people: People, client: TestClient) -> None:
    set_status(people, people.op_n1, "on_call", source="system")
    with (
        client.websocket_connect(f"/me/live?token={token(people, people.op_n1)}") as desk,
        client.websocket_connect(
            f"/statuses/live?requests=true&token={token(people, people.lead_n)}"
        ) as board,
    ):
        forced = ask(people, people.lead_n, "op_n1", "force", "not_ready", "training")
        assert forced.status_code == 201
        assert forced.json()["state"] == "pending"
        assert current(people, "op_n1")["status"] == "on_call"  # the call is not cut
        pushed = desk.receive_json()
        assert pushed == {"kind": "request", "request": forced.json()}
        assert board.receive_json() == pushed
        # the desktop applies it after the call: the change settles the force
        set_status(people, people.op_n1, "not_ready", "training")
        change = desk.receive_json()
        assert change["kind"] == "status"
        assert change["change"]["reason"] == "training"
        settled = desk.receive_json()
        assert settled["request"]["state"] == "applied"
        assert board.receive_json()["kind"] == "status"
        assert board.receive_json()["request"]["state"] == "applied"


@pytest.mark.usefixtures("catalogue")
def test_a_newer_force_replaces_an_open_one(people: People) -> None:
    set_status(people, people.op_n1, "acw")
    first = ask(people, people.lead_n, "op_n1", "force", "not_ready", "training").json()
    second = ask(people, people.lead_n, "op_n1", "force", "offline", None).json()
    states = {
        r["id"]: r["state"]
        for r in people.client.get("/requests", headers=people.headers(people.lead_n)).json()
    }
    assert states == {first["id"]: "cancelled", second["id"]: "pending"}


@pytest.mark.usefixtures("catalogue")
def test_who_may_force_and_ask(people: People) -> None:
    assert ask(people, people.op_n1, "op_n1", "force", "ready", None).status_code == 403
    assert ask(people, people.lead_s, "op_n1", "force", "ready", None).status_code == 403
    assert ask(people, people.lead_n, "op_n1", "break", "not_ready", "break").status_code == 403
    assert ask(people, people.op_n1, "op_n2", "break", "not_ready", "break").status_code == 403
    # a reason without approval is just set, not asked for
    assert ask(people, people.op_n1, "op_n1", "break", "not_ready", "training").status_code == 422
    assert ask(people, people.lead_n, "op_n1", "force", "on_call", None).status_code == 422


@pytest.mark.usefixtures("catalogue")
def test_a_break_request_approved_and_refused(people: People, client: TestClient) -> None:
    set_status(people, people.op_n1, "ready")
    with (
        client.websocket_connect(f"/me/live?token={token(people, people.op_n1)}") as desk,
        client.websocket_connect(
            f"/statuses/live?requests=true&token={token(people, people.lead_n)}"
        ) as board,
        client.websocket_connect(f"/me/live?token={token(people, people.op_n2)}") as other,
    ):
        asked = ask(people, people.op_n1, "op_n1", "break", "not_ready", "break")
        assert asked.status_code == 201
        assert board.receive_json()["request"]["state"] == "pending"
        assert desk.receive_json()["request"]["state"] == "pending"
        refused = people.client.post(
            f"/requests/{asked.json()['id']}/decision",
            json={"approve": False},
            headers=people.headers(people.lead_n),
        )
        assert refused.json()["state"] == "refused"
        assert refused.json()["decided_by"] == "lead_n"
        assert desk.receive_json()["request"]["state"] == "refused"
        assert current(people, "op_n1")["status"] == "ready"

        again = ask(people, people.op_n1, "op_n1", "break", "not_ready", "break").json()
        desk.receive_json()
        headers = people.headers(people.lead_s)
        assert (
            people.client.post(
                f"/requests/{again['id']}/decision", json={"approve": True}, headers=headers
            ).status_code
            == 404
        )
        approved = people.client.post(
            f"/requests/{again['id']}/decision", json={"approve": True}, headers=people.headers(people.lead_n)
        )
        assert approved.json()["state"] == "applied"  # free: applied at once
        assert current(people, "op_n1")["reason"] == "break"
        assert desk.receive_json()["kind"] == "status"
        assert desk.receive_json()["request"]["state"] == "applied"
        decided_again = people.client.post(
            f"/requests/{again['id']}/decision", json={"approve": True}, headers=people.headers(people.lead_n)
        )
        assert decided_again.status_code == 409
        set_status(people, people.op_n2, "ready")
        assert other.receive_json()["change"]["operator"] == "op_n2"  # nothing of op_n1's before it


@pytest.mark.usefixtures("catalogue")
def test_the_plain_feed_stays_as_it_was(people: People, client: TestClient) -> None:
    """Without ?requests=true the board feed carries bare status changes and no requests."""
    set_status(people, people.op_n1, "acw")
    with client.websocket_connect(f"/statuses/live?token={token(people, people.lead_n)}") as plain:
        ask(people, people.lead_n, "op_n1", "force", "ready", None)
        set_status(people, people.op_n2, "ready")
        assert plain.receive_json()["operator"] == "op_n2"


@pytest.mark.usefixtures("catalogue")
def test_thresholds_come_with_the_board(people: People) -> None:
    admin = people.headers(people.admin)
    spec = {"key": "break", "amber_minutes": 15, "red_minutes": 20}
    assert people.client.put("/thresholds/break", json=spec, headers=admin).status_code == 200
    assert (
        people.client.put(
            "/thresholds/acw", json={"key": "acw", "amber_minutes": 2, "red_minutes": 5}, headers=admin
        ).status_code
        == 200
    )
    bad = {"key": "break", "amber_minutes": 20, "red_minutes": 15}
    assert people.client.put("/thresholds/break", json=bad, headers=admin).status_code == 422
    assert (
        people.client.put("/thresholds/break", json=spec, headers=people.headers(people.lead_n)).status_code
        == 403
    )
    set_status(people, people.op_n1, "acw")
    row = current(people, "op_n1")
    assert (row["amber_minutes"], row["red_minutes"]) == (2, 5)
    listed = people.client.get("/thresholds", headers=people.headers(people.lead_n)).json()
    assert [t["key"] for t in listed] == ["acw", "break"]
    assert people.client.delete("/thresholds/acw", headers=admin).status_code == 204
    assert current(people, "op_n1")["amber_minutes"] is None


@pytest.mark.usefixtures("catalogue")
def test_a_reason_needing_approval_is_refused_without_it(people: People) -> None:
    set_status(people, people.op_n1, "ready")
    body = {"operator": "op_n1", "status": "not_ready", "reason": "break", "at": now()}
    direct = people.client.post("/statuses", json=body, headers=people.headers(people.op_n1))
    assert direct.status_code == 403 and "approval" in direct.json()["detail"]
    assert current(people, "op_n1")["status"] == "ready"
    set_status(people, people.op_n1, "not_ready", "training")  # no approval needed: fine
    set_status(people, people.lead_n, "not_ready", "break", operator="op_n1")  # a lead may set it
    assert current(people, "op_n1")["reason"] == "break"
