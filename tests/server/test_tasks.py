"""``/tasks``: taking the next task (priority, age, the client's hours, leases), reporting on it
(done, not reached with retries, expired), callbacks from dispositions, web requests from sources,
team leads' reassign and cancel, and the roles every endpoint checks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from server.api.main import create_app
from server.db import Database
from server.models import Task
from server.settings import Settings
from tests.server.helpers import People, TestClient, TestUser
from tests.server.tasks_support import MOBILE, SOURCES, WEB, closed_zone, report, task_settings
from tests.server.test_dispositions import call as disposition


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings, task_max_attempts=2), database=database)


def web(client: TestClient, key: str | None = None, **fields: Any) -> Any:
    body: dict[str, Any] = {"phone": "+79991112233", "request_type": "sales", "text": "Call me about a sofa"}
    body.update(fields)
    headers = WEB | {"Idempotency-Key": key or str(uuid.uuid4())}
    return client.post("/tasks", json=body, headers=headers)


def take(people: People, who: TestUser) -> Any:
    return people.client.post("/tasks/next", headers=people.headers(who))


def result(people: People, who: TestUser, task_id: int, key: str | None = None, **body: Any) -> Any:
    headers = people.headers(who) | ({"Idempotency-Key": key} if key else {})
    return people.client.post(f"/tasks/{task_id}/result", json=body, headers=headers)


def age(database: Database, task_id: int, minutes: float) -> None:
    """Move a task's clock back: due and created ``minutes`` earlier."""
    with database.session() as session:
        moved = datetime.now(UTC) - timedelta(minutes=minutes)
        session.execute(update(Task).where(Task.id == task_id).values(due_at=moved, created_at=moved))
        session.commit()


def test_missed_calls_first_then_due_callbacks_then_web_requests_oldest_first(
    people: People, database: Database
) -> None:
    web_id = web(people.client).json()["id"]
    missed_new = report(people.client, call_id="m1", caller="+79990000001").json()["task_id"]
    missed_old = report(people.client, call_id="m2", caller="+79990000002").json()["task_id"]
    age(database, missed_old, 30)
    age(database, missed_new, 10)
    order = []
    for _ in range(3):
        response = take(people, people.op_n1)
        assert response.status_code == 200, response.text
        order.append(response.json()["id"])
        assert result(people, people.op_n1, order[-1], outcome="done").status_code == 200
    assert order == [missed_old, missed_new, web_id]
    assert take(people, people.op_n1).status_code == 204


def test_a_claim_is_a_lease_no_one_else_gets_the_task(people: People, database: Database) -> None:
    task_id = report(people.client).json()["task_id"]
    first = take(people, people.op_n1).json()
    assert (first["id"], first["state"], first["claimed_by"]) == (task_id, "in_progress", "op_n1")
    assert take(people, people.op_n2).status_code == 204
    assert take(people, people.op_n1).json()["id"] == task_id  # a restarted desktop gets it back
    renewed = people.client.post(f"/tasks/{task_id}/renew", headers=people.headers(people.op_n1))
    assert renewed.status_code == 200
    assert (
        people.client.post(f"/tasks/{task_id}/renew", headers=people.headers(people.op_n2)).status_code == 409
    )
    assert result(people, people.op_n2, task_id, outcome="done").status_code == 409
    with database.session() as session:  # the desktop died: the lease runs out
        session.execute(update(Task).values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        session.commit()
    assert (
        people.client.post(f"/tasks/{task_id}/renew", headers=people.headers(people.op_n1)).status_code == 409
    )
    second = take(people, people.op_n2).json()
    assert (second["id"], second["claimed_by"]) == (task_id, "op_n2")
    assert result(people, people.op_n1, task_id, outcome="done").status_code == 409


def test_not_reached_is_retried_after_the_delay_then_expires(people: People, database: Database) -> None:
    task_id = report(people.client).json()["task_id"]
    assert take(people, people.op_n1).status_code == 200
    key = str(uuid.uuid4())
    first = result(people, people.op_n1, task_id, key=key, outcome="not_reached", reason="busy")
    assert first.status_code == 200
    body = first.json()
    assert (body["state"], body["calls_made"], body["claimed_by"]) == ("not_reached", 1, None)
    due = datetime.fromisoformat(body["due_at"])
    assert timedelta(minutes=59) < due - datetime.now(UTC) <= timedelta(minutes=60)
    replay = result(people, people.op_n1, task_id, key=key, outcome="not_reached", reason="busy")
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["calls_made"] == 1  # the outbox's replay is stored once
    assert take(people, people.op_n1).status_code == 204  # not before the retry delay
    age(database, task_id, 0)
    assert take(people, people.op_n2).json()["id"] == task_id
    last = result(people, people.op_n2, task_id, outcome="not_reached", reason="no_answer").json()
    assert (last["state"], last["calls_made"]) == ("expired", 2)  # task_max_attempts=2
    outcomes = [(a["kind"], a["outcome"], a["operator"]) for a in last["attempts"]]
    assert outcomes == [
        ("missed_call", "abandoned", None),
        ("call", "not_reached:busy", "op_n1"),
        ("call", "not_reached:no_answer", "op_n2"),
    ]


def test_sent_only_closes_the_task(people: People) -> None:
    task_id = report(people.client).json()["task_id"]
    take(people, people.op_n1)
    assert result(people, people.op_n1, task_id, outcome="sent_only").json()["state"] == "sent_only"


def test_never_offered_outside_the_clients_hours(people: People, database: Database) -> None:
    task_id = report(people.client).json()["task_id"]
    with database.session() as session:
        session.execute(update(Task).values(time_zone=closed_zone()))
        session.commit()
    assert take(people, people.op_n1).status_code == 204
    with database.session() as session:
        session.execute(update(Task).values(time_zone=None))  # the default zone: open now
        session.commit()
    assert take(people, people.op_n1).json()["id"] == task_id


@pytest.mark.usefixtures("catalogue")
def test_a_disposition_with_a_callback_time_makes_a_task_for_the_operator_or_anyone(people: People) -> None:
    due = datetime.now(UTC) + timedelta(hours=2)
    report(people.client, call_id="call-1@pbx", outcome="accepted", missed_reason=None, operator="op_n1")
    mine = disposition(
        "op_n1", call_id="call-1@pbx", code="callback", callback_at=due.isoformat(), comment="after lunch"
    )
    headers = people.headers(people.op_n1) | {"Idempotency-Key": str(uuid.uuid4())}
    assert people.client.post("/dispositions", json=mine, headers=headers).status_code == 201
    report(people.client, call_id="call-2@pbx", caller="+79990000002", outcome="accepted", missed_reason=None)
    anyone = disposition(
        "op_n1", call_id="call-2@pbx", code="callback", callback_at=due.isoformat(), callback_owner="anyone"
    )
    headers = people.headers(people.op_n1) | {"Idempotency-Key": str(uuid.uuid4())}
    assert people.client.post("/dispositions", json=anyone, headers=headers).status_code == 201
    tasks = people.client.get("/tasks", headers=people.headers(people.lead_n)).json()
    summary = sorted((t["phone"], t["kind"], t["owner"], t["text"]) for t in tasks)
    assert summary == [
        ("+79123456789", "callback_scheduled", "op_n1", "after lunch"),
        ("+79990000002", "callback_scheduled", None, ""),
    ]
    assert all(datetime.fromisoformat(t["due_at"]) == due.replace(microsecond=due.microsecond) for t in tasks)
    assert take(people, people.op_n1).status_code == 204  # not due yet
    other_team = people.client.get("/tasks", headers=people.headers(people.op_s1)).json()
    assert other_team == []  # north's callbacks


@pytest.fixture
def catalogue(people: People) -> None:
    spec = {
        "code": "callback",
        "label_en": "Call back",
        "label_ru": "Перезвонить",
        "category": "callback",
        "callback_required": True,
    }
    response = people.client.put(
        "/catalogue/dispositions/callback", json=spec, headers=people.headers(people.admin)
    )
    assert response.status_code == 201, response.text


def test_an_owned_callback_goes_to_its_owner_only(people: People, database: Database) -> None:
    task_id = report(people.client).json()["task_id"]
    lead = people.headers(people.lead_n)
    response = people.client.post(f"/tasks/{task_id}/reassign", json={"owner": "op_n2"}, headers=lead)
    assert response.status_code == 200 and response.json()["owner"] == "op_n2"
    assert take(people, people.op_n1).status_code == 204
    assert take(people, people.op_s1).status_code == 204  # another team's now
    assert take(people, people.op_n2).json()["id"] == task_id


def test_team_leads_reassign_and_cancel_within_their_team(people: People) -> None:
    task_id = report(people.client).json()["task_id"]
    north, south = people.headers(people.lead_n), people.headers(people.lead_s)
    path = f"/tasks/{task_id}"
    assert people.client.post(f"{path}/reassign", json={"owner": "op_s1"}, headers=north).status_code == 403
    assert people.client.post(f"{path}/reassign", json={"owner": "op_n1"}, headers=north).status_code == 200
    assert people.client.post(f"{path}/cancel", headers=south).status_code == 404  # north's task now
    assert people.client.post(f"{path}/reassign", json={"owner": "nobody"}, headers=north).status_code == 422
    assert people.client.post(f"{path}/cancel", headers=north).json()["state"] == "cancelled"
    assert people.client.post(f"{path}/cancel", headers=north).status_code == 409
    assert people.client.post("/tasks/999/cancel", headers=north).status_code == 404


def test_every_endpoint_checks_the_role(people: People) -> None:
    task_id = report(people.client).json()["task_id"]
    op, lead, admin = (people.headers(u) for u in (people.op_n1, people.lead_n, people.admin))
    client = people.client
    assert client.post("/tasks/next", headers=lead).status_code == 403
    assert client.post("/tasks/next", headers=admin).status_code == 403
    assert client.post("/tasks/next").status_code == 401
    assert client.post(f"/tasks/{task_id}/cancel", headers=op).status_code == 403
    assert client.post(f"/tasks/{task_id}/reassign", json={"owner": None}, headers=op).status_code == 403
    assert client.post(f"/tasks/{task_id}/renew", headers=lead).status_code == 403
    assert client.post(f"/tasks/{task_id}/result", json={"outcome": "done"}, headers=lead).status_code == 403
    assert client.get("/tasks").status_code == 401
    assert web(client).status_code == 201  # sources post with their key, no login
    body = {"phone": MOBILE, "request_type": "sales"}
    no_key = client.post("/tasks", json=body, headers=op | {"Idempotency-Key": str(uuid.uuid4())})
    assert no_key.status_code == 401  # a user's token is no source key


def test_a_web_request_becomes_a_task_once_per_idempotency_key(people: People) -> None:
    key = str(uuid.uuid4())
    first = web(people.client, key=key, request_type="complaint")
    assert first.status_code == 201, first.text
    task = first.json()
    assert (task["kind"], task["request_type"], task["text"]) == (
        "web_request",
        "complaint",
        "Call me about a sofa",
    )
    again = web(people.client, key=key, request_type="complaint")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == task["id"]
    other = web(people.client, key=key, request_type="sales")
    assert other.status_code == 422 and "Idempotency-Key" in other.text
    assert len(people.client.get("/tasks", headers=people.headers(people.admin)).json()) == 1


@pytest.mark.parametrize(
    ("fields", "headers", "status"),
    [
        ({"request_type": "spam"}, {}, 422),
        ({"kind": "callback_missed"}, {}, 422),
        ({"kind": "chores"}, {}, 422),
        ({"phone": "call me maybe"}, {}, 422),
        ({"phone": "123"}, {}, 422),
        ({"due_at": "2020-01-01T10:00:00Z"}, {}, 422),
        ({"due_at": "2099-01-01T10:00:00Z"}, {}, 422),
        ({"due_at": "2026-12-10T10:00:00"}, {}, 422),
        ({"text": "x" * 5000}, {}, 422),
        ({}, {"Idempotency-Key": "not-a-uuid"}, 400),
        ({}, {"Idempotency-Key": ""}, 400),
    ],
)
def test_bad_requests_are_refused_and_store_nothing(
    people: People, fields: dict[str, Any], headers: dict[str, str], status: int
) -> None:
    body: dict[str, Any] = {"phone": MOBILE, "request_type": "sales"} | fields
    response = people.client.post(
        "/tasks", json=body, headers=WEB | {"Idempotency-Key": str(uuid.uuid4())} | headers
    )
    assert response.status_code == status, response.text
    assert people.client.get("/tasks", headers=people.headers(people.admin)).json() == []


def test_bad_results_are_refused(people: People) -> None:
    task_id = report(people.client).json()["task_id"]
    take(people, people.op_n1)
    for body in (
        {"outcome": "maybe"},
        {"outcome": "done", "reason": "busy"},
        {"outcome": "not_reached", "reason": "x"},
    ):
        assert result(people, people.op_n1, task_id, **body).status_code == 422
    assert result(people, people.op_n1, task_id, key="nope", outcome="done").status_code == 400
    assert result(people, people.op_n1, 999, outcome="done").status_code == 404
    assert result(people, people.op_n1, task_id, outcome="done").json()["state"] == "done"


def test_sources_key_for_calls_is_also_a_source_for_tasks(people: People) -> None:
    response = people.client.post(
        "/tasks",
        json={"phone": MOBILE, "request_type": "other"},
        headers=SOURCES | {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201
