"""The admin's task rules (``GET``/``PUT /tasks/rules``): the queue follows the order set; the centre's
working hours start a night task's SLA clock at the next opening, put it after the day's tasks of its
kind, and make a missed call at night ``out_of_hours`` on the server; bad rules are a 422 that changes
nothing; only admins write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from app.wire.task_rules import CentreHours
from server.api.main import create_app
from server.db import Database
from server.settings import Settings
from tests.server.helpers import People
from tests.server.tasks_support import report, task_settings
from tests.server.test_tasks import age, take, web


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings), database=database)


def put_rules(people: People, **rules: Any) -> Any:
    return people.client.put("/tasks/rules", json=rules, headers=people.headers(people.admin))


def closed_now() -> dict[str, str]:
    """Hours in UTC that exclude the present moment, every day."""
    start = (datetime.now(UTC) + timedelta(hours=2)).hour
    span = f"{start:02d}:00-{start:02d}:30"
    return {"time_zone": "Etc/UTC", "weekday": span, "weekend": span}


OPEN_ALL_DAY = {"time_zone": "Etc/UTC", "weekday": "00:00-24:00", "weekend": "00:00-24:00"}


def test_next_opening_of_a_centre_closed_at_weekends() -> None:
    hours = CentreHours(time_zone="Europe/Moscow", weekday="09:00-18:00")
    friday_evening = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 19:30 in Moscow
    assert not hours.is_open(friday_evening)
    assert hours.next_opening(friday_evening) == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 09:00
    monday_noon = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert hours.is_open(monday_noon) and hours.next_opening(monday_noon) == monday_noon
    assert CentreHours().is_open(friday_evening)  # no hours set: always open
    for bad in ({"weekday": "18:00-09:00"}, {"weekday": "25:00-26:00"}, {"time_zone": "Mars/Base"}):
        with pytest.raises(ValidationError):
            CentreHours.model_validate(bad)


def test_rules_are_read_by_leads_and_written_by_admins_only(people: People) -> None:
    client = people.client
    defaults = client.get("/tasks/rules", headers=people.headers(people.lead_n))
    assert defaults.status_code == 200
    assert defaults.json()["order"] == ["callback_missed", "callback_scheduled", "web_request"]
    assert client.get("/tasks/rules", headers=people.headers(people.op_n1)).status_code == 403
    assert client.get("/tasks/rules").status_code == 401
    body = {"order": ["web_request", "callback_missed", "callback_scheduled"]}
    for who in (people.op_n1, people.lead_n):
        assert client.put("/tasks/rules", json=body, headers=people.headers(who)).status_code == 403
    for bad in (
        {"order": ["web_request", "callback_missed"]},
        {"order": ["web_request", "web_request", "callback_missed"]},
        {"order": ["lunch", "callback_missed", "callback_scheduled"]},
        {"sla_minutes": 0},
        {"hours": {"weekday": "9-18"}},
        {"hours": {"time_zone": "Mars/Base", "weekday": "09:00-18:00"}},
        {"surprise": 1},
    ):
        assert put_rules(people, **bad).status_code == 422, bad
    assert client.get("/tasks/rules", headers=people.headers(people.admin)).json() == defaults.json()


def test_the_queue_follows_the_order_the_admin_sets(people: People, database: Database) -> None:
    web_id = web(people.client).json()["id"]
    missed_id = report(people.client, call_id="o1").json()["task_id"]
    age(database, web_id, 5)
    order = ["web_request", "callback_missed", "callback_scheduled"]
    assert put_rules(people, order=order).status_code == 200
    first = take(people, people.op_n1).json()
    assert first["id"] == web_id  # the waiting web request was reordered at once
    done = people.client.post(
        f"/tasks/{web_id}/result", json={"outcome": "done"}, headers=people.headers(people.op_n1)
    )
    assert done.status_code == 200
    assert take(people, people.op_n1).json()["id"] == missed_id


def test_a_night_task_starts_its_sla_at_the_opening_and_goes_after_the_days(
    people: People, database: Database
) -> None:
    assert put_rules(people, sla_minutes=90, hours=closed_now()).status_code == 200
    night = report(people.client, call_id="n1", caller="+79990000011", missed_reason="rang_out").json()
    assert (night["outcome"], night["missed_reason"]) == ("missed", "out_of_hours")  # detected here
    age(database, night["task_id"], 30)  # older than the day's call below
    assert put_rules(people, sla_minutes=90, hours=OPEN_ALL_DAY).status_code == 200
    day = report(people.client, call_id="d1", caller="+79990000012").json()
    assert day["missed_reason"] == "abandoned"

    listed = {t["id"]: t for t in people.client.get("/tasks", headers=people.headers(people.admin)).json()}
    night_task, day_task = listed[night["task_id"]], listed[day["task_id"]]
    starts = datetime.fromisoformat(night_task["sla_starts_at"])
    assert starts > datetime.fromisoformat(night_task["due_at"])  # the clock waited for the opening
    assert (starts.minute, starts.second) == (0, 0)
    assert datetime.fromisoformat(night_task["sla_due_at"]) - starts == timedelta(minutes=90)
    assert day_task["sla_starts_at"] == day_task["due_at"]
    assert day_task["priority"] < night_task["priority"]
    assert take(people, people.op_n1).json()["id"] == day["task_id"]  # made in hours: more urgent

    assert put_rules(people, in_hours_first=False).status_code == 200  # then the older goes first
    assert take(people, people.op_n2).json()["id"] == night["task_id"]
