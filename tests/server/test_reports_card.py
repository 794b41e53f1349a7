"""``GET /reports/calls/card``: a call opened from a drill-down, with the client's contact card,
the dispositions and their script answers, and the stored recordings; role-checked like the
reports (operators 403, a lead their team's calls only: another team's call is 404). Also the
historical service level and the request-type grouping over the API and in the CSV."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import MOBILE, SOURCES, task_settings
from tests.server.test_recordings import upload
from tests.server.test_reports_api import DAY, REPORT, at, day, disposition

__all__ = ["day"]  # the fixture


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return task_settings(make_settings(db_url, recordings_dir=str(tmp_path / "recordings")))


def _card(people: People, who: Any, call_id: str) -> Any:
    return people.client.get(
        f"/reports/calls/card?{urlencode({'call_id': call_id})}", headers=people.headers(who)
    )


@pytest.fixture
def answered(day: People) -> People:
    """c9: the client Иванов (a contact owning MOBILE) calls sales; op_n1 answers, walks the script
    (answers stored with the disposition) and records the call."""
    client, admin = day.client, day.headers(day.admin)
    body = {
        "id": "sales-intro", "version": 3, "title": "Продажи", "language": "ru",
        "nodes": [
            {"id": "ask", "kind": "ask", "next": "done", "fields": [
                {"id": "budget", "type": "text", "label": "Бюджет в месяц"},
                {"id": "product", "type": "text", "label": "Какой тариф?"},
                {"id": "unused", "type": "text", "label": "Не спросили"},
            ]},
            {"id": "done", "kind": "end", "outcome": "done", "disposition": "sale"},
        ],
    }  # fmt: skip
    stored = client.put(
        "/scripts/sales-intro/versions/3",
        json={"id": "sales-intro", "version": 3, "name": "Продажи: вводный", "body": body},
        headers=admin,
    )
    assert stored.status_code == 201, stored.text
    contact = client.post(
        "/contacts",
        json={"name": "Иванов <b>Иван</b>", "phones": [MOBILE], "city": "Тула", "segment": "vip"},
        headers=admin,
    )
    assert contact.status_code == 201, contact.text
    report = {
        "call_id": "c9",
        "outcome": "accepted",
        "operator": "op_n1",
        "caller": MOBILE,
        "queue": "sales",
        "dnis": "+74950000001",
        "arrived_at": at("11:00:00"),
        "answered_at": at("11:00:30"),
        "ended_at": at("11:04:30"),
    }
    assert client.post("/calls/outcomes", json=report, headers=SOURCES).status_code == 200
    body = {
        **disposition("c9", "op_n1", "sale", answer="11:00:30", end="11:04:30", acw_end="11:05:00"),
        "queue": "sales",
        "contact_id": contact.json()["id"],
        "comment": "хочет тариф <Бизнес>",
        "script": {"id": "sales-intro", "version": 3},
        "answers": {"budget": "50000", "product": "Бизнес"},
    }
    response = client.post(
        "/dispositions",
        json=body,
        headers={**day.headers(day.op_n1), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.text
    upload(day, day.op_n1, b"OggS" + bytes(5000), call_id="c9")
    return day


def test_operators_are_refused_and_unknown_calls_are_404(answered: People) -> None:
    assert _card(answered, answered.op_n1, "c9").status_code == 403
    assert _card(answered, answered.admin, "no-such-call").status_code == 404


def test_the_card_holds_the_contact_the_script_answers_and_the_recording(answered: People) -> None:
    response = _card(answered, answered.lead_n, "c9")
    assert response.status_code == 200, response.text
    card = response.json()
    assert (card["outcome"], card["caller"], card["queue"], card["operator"]) == (
        "accepted",
        MOBILE,
        "sales",
        "op_n1",
    )
    assert (card["wait_seconds"], card["service_seconds"]) == (30.0, 20)
    assert card["contact"]["name"] == "Иванов <b>Иван</b>" and card["contact"]["city"] == "Тула"
    [handled] = card["dispositions"]
    assert handled["operator"] == "op_n1" and handled["code"] == "sale"
    assert handled["script_answers"] == {"budget": "50000", "product": "Бизнес"}
    assert handled["script_name"] == "Продажи: вводный"
    assert handled["script_questions"] == {"budget": "Бюджет в месяц", "product": "Какой тариф?"}
    assert handled["comment"] == "хочет тариф <Бизнес>"
    [recording] = card["recordings"]
    assert recording["operator"] == "op_n1" and recording["seconds"] == 61.5


def test_a_lead_opens_only_the_calls_of_their_scope(answered: People) -> None:
    assert _card(answered, answered.lead_s, "c9").status_code == 404  # north's call
    assert _card(answered, answered.lead_s, "c3").status_code == 200  # south's own
    assert _card(answered, answered.admin, "c9").status_code == 200


def test_historical_service_level_and_speed_of_answer(answered: People) -> None:
    """c1 waited 20 s (sales' N: the default 20, in time), c3 5 s, c9 30 s (late); c2 was missed."""
    admin = answered.headers(answered.admin)
    body = answered.client.get(f"{REPORT}&by=queue&whole=true", headers=admin).json()
    sales = next(row for row in body["rows"] if row["group"] == "sales")
    assert (sales["offered"], sales["answered_in_time"], sales["service_level"]) == (3, 1, 0.3333)
    assert sales["avg_answer_seconds"] == 25.0
    assert (body["total"]["answered_in_time"], body["total"]["service_level"]) == (2, 0.5)
    exported = answered.client.get(f"{REPORT}&by=queue&whole=true&format=csv&encoding=cp1251", headers=admin)
    lines = list(csv.reader(io.StringIO(exported.content.decode("cp1251")), delimiter=";"))
    header = lines[0]
    total = lines[-1]
    assert header[-3:] == ["answered_in_time", "service_level", "avg_answer_seconds"]
    assert total[header.index("service_level")] == "0,5"


def test_request_type_is_a_grouping(answered: People) -> None:
    """A web request (a complaint) taken by op_n1, who calls the client back (call w1): the call
    and its disposition count under "complaint"; every other call under no type. The client's number
    is a mobile, so the task's calling hours are the default zone's (open now): a Moscow landline
    was not offered after 21:00 Moscow time, and a run then failed."""
    client = answered.client
    request = client.post(
        "/tasks",
        json={"phone": "+79161234567", "request_type": "complaint", "text": "сломался"},
        headers={**SOURCES, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert request.status_code in (200, 201), request.text
    task_id = request.json()["id"]
    lead = answered.headers(answered.lead_n)
    claimed = client.post("/tasks/next", headers=answered.headers(answered.op_n1))
    assert claimed.status_code == 200 and claimed.json()["id"] == task_id, claimed.text
    body = {
        **disposition("w1", "op_n1", "info", answer="12:00:05", end="12:03:05", acw_end="12:03:35"),
        "ring_at": at("12:00:00"),
    }
    posted = client.post(
        "/dispositions",
        json=body,
        headers={**answered.headers(answered.op_n1), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert posted.status_code == 201, posted.text
    done = client.post(
        f"/tasks/{task_id}/result",
        json={"outcome": "done", "call_id": "w1"},
        headers=answered.headers(answered.op_n1),
    )
    assert done.status_code == 200, done.text
    report = client.get(f"{REPORT}&by=request_type&whole=true", headers=answered.headers(answered.admin))
    rows = {row["group"]: row for row in report.json()["rows"]}
    assert rows["complaint"]["handled"] == 1 and rows["complaint"]["offered"] == 0
    assert rows[None]["offered"] == 4
    listed = client.get(
        "/reports/calls/list?"
        + urlencode(
            {
                "from": DAY,
                "to": DAY,
                "tz": "UTC",
                "by": "request_type",
                "whole": "true",
                "group": "complaint",
                "figure": "handled",
            }
        ),
        headers=lead,
    )
    assert [call["call_id"] for call in listed.json()["calls"]] == ["w1"]
    assert _card(answered, answered.lead_n, "w1").json()["request_type"] == "complaint"
