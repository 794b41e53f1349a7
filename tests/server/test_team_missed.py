"""``GET /team/missed``: the team board's missed calls not yet called back, the oldest one's age and
today's callback SLA, for the lead's own team only (``docs/tasks.md``, "The team board")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from server.api.main import create_app
from server.db import Database
from server.models import Task, User
from server.settings import Settings
from tests.server.helpers import People
from tests.server.tasks_support import report, task_settings
from tests.server.test_tasks import age, result, take


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings, callback_sla_minutes=30), database=database)


def queues(database: Database, **by_name: list[str]) -> None:
    with database.session() as session:
        for name, names in by_name.items():
            session.execute(update(User).where(User.name == name).values(queues=names))
        session.commit()


def same_day_zone() -> str:
    """A zone where the calls made 40 minutes ago fall today, whenever the test runs: Moscow, unless
    it is just after its midnight (the late call would then be yesterday's, not today's SLA)."""
    now = datetime.now(UTC)
    for zone in ("Europe/Moscow", "Asia/Vladivostok"):
        local = now.astimezone(ZoneInfo(zone))
        if local.hour >= 1:
            return zone
    raise AssertionError("unreachable: the zones are seven hours apart")


def test_the_leads_team_sees_its_missed_calls_and_todays_callback_sla(
    people: People, database: Database
) -> None:
    queues(database, op_n1=["sales"], op_n2=["sales"], op_s1=["support"])
    called = report(people.client, call_id="a", caller="+79120000001", queue="sales").json()["task_id"]
    late = report(people.client, call_id="b", caller="+79120000002", queue="sales").json()["task_id"]
    report(people.client, call_id="c", caller="+79120000003", queue="sales")
    report(people.client, call_id="d", caller="+79120000004", queue="support")
    age(database, late, 40)  # its 30 minutes ran out uncalled: counted, not met
    with database.session() as session:  # only "a" is due, so it is the one taken
        later = datetime.now(UTC) + timedelta(hours=1)
        session.execute(update(Task).where(Task.id != called).values(due_at=later))
        session.commit()
    assert take(people, people.op_n2).json()["id"] == called
    assert result(people, people.op_n2, called, outcome="not_reached", reason="busy").status_code == 200

    north = people.client.get(
        "/team/missed", params={"tz": same_day_zone()}, headers=people.headers(people.lead_n)
    )
    assert north.status_code == 200, north.text
    body = north.json()
    assert body["waiting"] == 3  # not reached is still owed a call
    assert datetime.fromisoformat(body["oldest_at"]) < datetime.now(UTC) - timedelta(minutes=39)
    assert (body["sla_met"], body["sla_counted"], body["sla_minutes"]) == (1, 2, 30)  # "c" can still make it

    south = people.client.get("/team/missed", headers=people.headers(people.lead_s)).json()
    assert (south["waiting"], south["sla_counted"]) == (1, 0)
    assert people.client.get("/team/missed", headers=people.headers(people.admin)).json()["waiting"] == 4


def test_only_leads_and_admins_read_it_and_a_bad_zone_is_refused(people: People) -> None:
    assert people.client.get("/team/missed", headers=people.headers(people.op_n1)).status_code == 403
    assert people.client.get("/team/missed").status_code == 401
    bad = people.client.get(
        "/team/missed", params={"tz": "Mars/Olympus"}, headers=people.headers(people.lead_n)
    )
    assert bad.status_code == 422
