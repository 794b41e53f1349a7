"""``POST /calls/outcomes``: every inbound call gets one outcome, reports of one call from several
sources merge into one call (accepted wins over missed), a short abandon is non-target, and a missed
call becomes a callback task (a second one from the same number adds an attempt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI

from server.api.main import create_app
from server.db import Database
from server.settings import Settings
from tests.server.helpers import People, TestClient
from tests.server.tasks_support import MOBILE, WEB, report, task_settings

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings), database=database)


def tasks_of(people: People) -> list[dict]:
    response = people.client.get("/tasks", headers=people.headers(people.admin))
    assert response.status_code == 200
    return list(response.json())


def test_a_missed_call_is_stored_with_its_details_and_becomes_a_task(people: People) -> None:
    response = report(
        people.client,
        caller="8 912 345-67-89",
        dnis="+74950000001",
        queue="sales",
        arrived_at=T0.isoformat(),
        ended_at=(T0 + timedelta(seconds=42)).isoformat(),
    )
    assert response.status_code == 200, response.text
    call = response.json()
    assert call["outcome"] == "missed" and call["missed_reason"] == "abandoned"
    assert (call["caller"], call["dnis"], call["queue"]) == (MOBILE, "+74950000001", "sales")
    assert call["wait_seconds"] == 42 and call["sources"] == ["pbx"]
    [task] = tasks_of(people)
    assert task["id"] == call["task_id"]
    assert (task["kind"], task["state"], task["phone"], task["dnis"]) == (
        "callback_missed",
        "open",
        MOBILE,
        "+74950000001",
    )
    assert [(a["kind"], a["outcome"]) for a in task["attempts"]] == [("missed_call", "abandoned")]


def test_a_second_missed_call_from_the_number_adds_an_attempt_not_a_task(people: People) -> None:
    assert report(people.client, call_id="c1").status_code == 200
    assert report(people.client, call_id="c2", missed_reason="rang_out").status_code == 200
    [task] = tasks_of(people)
    assert [a["outcome"] for a in task["attempts"]] == ["abandoned", "rang_out"]
    assert report(people.client, call_id="c3", caller="+79990001122").status_code == 200
    assert len(tasks_of(people)) == 2


def test_two_sources_are_one_call_and_accepted_wins(people: People) -> None:
    first = report(people.client, wait_seconds=30).json()
    assert first["outcome"] == "missed" and first["task_id"] is not None
    accepted = report(
        people.client, headers=WEB, outcome="accepted", missed_reason=None, operator="op_n1"
    ).json()
    assert accepted["id"] == first["id"]
    assert accepted["outcome"] == "accepted" and accepted["task_id"] is None
    assert accepted["sources"] == ["pbx", "web"] and accepted["wait_seconds"] == 30
    [task] = tasks_of(people)
    assert task["state"] == "cancelled"  # the task was made of this call only
    again = report(people.client, wait_seconds=30).json()  # a late "missed" report changes nothing
    assert again["outcome"] == "accepted" and again["task_id"] is None
    assert [t["state"] for t in tasks_of(people)] == ["cancelled"]


def test_the_same_report_twice_is_one_call(people: People) -> None:
    a = report(people.client, wait_seconds=20).json()
    b = report(people.client, wait_seconds=20).json()
    assert a == b
    [task] = tasks_of(people)
    assert len(task["attempts"]) == 1


def test_hanging_up_within_the_greeting_is_non_target(people: People) -> None:
    call = report(people.client, wait_seconds=3).json()
    assert (call["outcome"], call["missed_reason"], call["task_id"]) == ("non_target", None, None)
    assert tasks_of(people) == []
    long = report(people.client, call_id="c2", wait_seconds=5).json()  # the threshold itself: missed
    assert long["outcome"] == "missed"


def test_a_withheld_number_is_recorded_without_a_task(people: People) -> None:
    body = {"call_id": "c9", "outcome": "missed", "missed_reason": "out_of_hours"}
    response = people.client.post(
        "/calls/outcomes", json=body, headers={"X-Source-Key": "pbx-key-0123456789"}
    )
    assert response.status_code == 200
    assert response.json()["caller"] is None and tasks_of(people) == []


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"caller": "not a number"}, 422),
        ({"caller": "12"}, 422),
        ({"outcome": "lost"}, 422),
        ({"missed_reason": None}, 422),
        ({"outcome": "accepted"}, 422),  # accepted with a missed_reason
        ({"missed_reason": "sleeping"}, 422),
        ({"wait_seconds": -1}, 422),
        ({"arrived_at": T0.isoformat(), "ended_at": (T0 - timedelta(seconds=1)).isoformat()}, 422),
        ({"arrived_at": "2026-12-01T09:00:00"}, 422),  # naive: whose clock?
        ({"extra": 1}, 422),
    ],
)
def test_bad_reports_are_refused(people: People, fields: dict, status: int) -> None:
    response = report(people.client, **fields)
    assert response.status_code == status, response.text
    assert tasks_of(people) == []


def test_sources_need_their_key(people: People, settings: Settings, database: Database) -> None:
    assert report(people.client, headers={}).status_code == 401
    assert report(people.client, headers={"X-Source-Key": "guess"}).status_code == 401
    assert report(people.client, headers=people.headers(people.admin)).status_code == 401
    with TestClient(create_app(settings, database=database)) as unconfigured:
        assert report(unconfigured).status_code == 503


def test_reading_a_call_is_for_leads(people: People) -> None:
    report(people.client)
    assert people.client.get("/calls/c1", headers=people.headers(people.op_n1)).status_code == 403
    response = people.client.get("/calls/c1", headers=people.headers(people.lead_n))
    assert response.status_code == 200 and response.json()["outcome"] == "missed"
    assert people.client.get("/calls/nope", headers=people.headers(people.lead_n)).status_code == 404
