"""``GET /reports/...`` over the real write paths: PBX reports, dispositions (one and a batch), an
operator's callback on a missed call's task. Who sees what, the figures, CSV (UTF-8 with a BOM and
cp1251 for Russian Excel), XLSX, and that what the writes kept equals a rebuild from scratch.
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from typing import Any

import pytest
from sqlalchemy import select

from server.db import Database
from server.models import ReportRollup
from server.reports import maintain
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import MOBILE, SOURCES, task_settings

DAY = "2026-03-02"
CODES = [
    {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"},
    {"code": "info", "label_en": "Info", "label_ru": "Справка", "category": "other"},
]
REPORT = f"/reports/calls?from={DAY}&to={DAY}&tz=UTC"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return task_settings(make_settings(db_url))


def at(clock: str) -> str:
    return f"{DAY}T{clock}+00:00"


def disposition(
    call_id: str, operator: str, code: str, *, answer: str, end: str, acw_end: str
) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "operator": operator,
        "queue": None,
        "ring_at": at(answer),
        "answer_at": at(answer),
        "end_at": at(end),
        "acw_end_at": at(acw_end),
        "hold_seconds": 30,
        "code": code,
    }


@pytest.fixture
def day(people: People) -> People:
    """north's op_n1 answers c1 (a sale on line 1) in queue sales; c2 in sales is missed and op_n1
    calls back; south's op_s1 answers c3 (information) in queue support, posted in a batch."""
    client, admin = people.client, people.headers(people.admin)
    for spec in CODES:
        assert (
            client.put(f"/catalogue/dispositions/{spec['code']}", json=spec, headers=admin).status_code == 201
        )
    reports = [
        {
            "call_id": "c1",
            "outcome": "accepted",
            "operator": "op_n1",
            "queue": "sales",
            "dnis": "+74950000001",
            "arrived_at": at("09:00:00"),
            "answered_at": at("09:00:20"),
            "ended_at": at("09:05:20"),
        },
        {
            "call_id": "c2",
            "outcome": "missed",
            "missed_reason": "abandoned",
            "caller": MOBILE,
            "queue": "sales",
            "dnis": "+74950000002",
            "arrived_at": at("09:10:00"),
            "ended_at": at("09:10:40"),
        },
        {
            "call_id": "c3",
            "outcome": "accepted",
            "operator": "op_s1",
            "queue": "support",
            "dnis": "+74950000001",
            "arrived_at": at("10:00:00"),
            "answered_at": at("10:00:05"),
            "ended_at": at("10:02:05"),
        },
    ]
    for body in reports:
        assert client.post("/calls/outcomes", json=body, headers=SOURCES).status_code == 200
    one = disposition("c1", "op_n1", "sale", answer="09:00:20", end="09:05:20", acw_end="09:06:20")
    response = client.post(
        "/dispositions",
        json={**one, "queue": "sales"},
        headers={**people.headers(people.op_n1), "Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 201, response.text
    batch = {
        "items": [
            {
                "idempotency_key": str(uuid.uuid4()),
                "disposition": {
                    **disposition(
                        "c3", "op_s1", "info", answer="10:00:05", end="10:02:05", acw_end="10:02:35"
                    ),
                    "queue": "support",
                },
            }
        ]
    }
    response = client.post("/dispositions/batch", json=batch, headers=people.headers(people.op_s1))
    assert response.status_code == 200 and response.json()["results"][0]["status"] == 201, response.text
    task = client.post("/tasks/next", headers=people.headers(people.op_n1))
    assert task.status_code == 200, task.text
    done = client.post(
        f"/tasks/{task.json()['id']}/result", json={"outcome": "done"}, headers=people.headers(people.op_n1)
    )
    assert done.status_code == 200, done.text
    return people


def _rows(body: dict[str, Any]) -> dict[str | None, dict[str, Any]]:
    return {row["group"]: row for row in body["rows"]}


def test_operators_are_refused(day: People) -> None:
    for path in ("/reports/calls", "/reports/operators"):
        assert day.client.get(path, headers=day.headers(day.op_n1)).status_code == 403


def test_an_admin_sees_every_queue_and_line(day: People) -> None:
    admin = day.headers(day.admin)
    by_queue = day.client.get(f"{REPORT}&by=queue", headers=admin)
    assert by_queue.status_code == 200, by_queue.text
    sales, support = _rows(by_queue.json())["sales"], _rows(by_queue.json())["support"]
    assert (sales["offered"], sales["accepted"], sales["missed"], sales["called_back"]) == (2, 1, 1, 1)
    assert (sales["handled"], sales["successful"], sales["conversion"]) == (1, 1, 1.0)
    # talk 300 s - 30 s hold, ACW 60 s: AHT 360 s
    assert (sales["talk_seconds"], sales["hold_seconds"], sales["acw_seconds"], sales["aht_seconds"]) == (
        270,
        30,
        60,
        360.0,
    )
    assert (support["offered"], support["handled"], support["successful"]) == (1, 1, 0)
    assert sales["quality_score"] is None
    lines = _rows(day.client.get(f"{REPORT}&by=dnis&whole=true", headers=admin).json())
    assert (lines["+74950000001"]["offered"], lines["+74950000001"]["conversion"]) == (2, 0.5)
    assert (lines["+74950000002"]["missed"], lines["+74950000002"]["called_back"]) == (1, 1)
    hourly = day.client.get(f"{REPORT}&interval=hour", headers=admin).json()
    assert [row["start"] for row in hourly["rows"]] == [
        at("09:00:00").replace("+00:00", "Z"),
        at("10:00:00").replace("+00:00", "Z"),
    ]


def test_a_team_lead_sees_their_team_and_the_unanswered_calls(day: People) -> None:
    body = day.client.get(f"{REPORT}&by=operator", headers=day.headers(day.lead_n)).json()
    rows = _rows(body)
    assert set(rows) == {"op_n1", None}  # None: the missed call nobody answered
    assert body["total"]["offered"] == 2 and body["total"]["handled"] == 1
    south = day.client.get(f"{REPORT}&by=operator", headers=day.headers(day.lead_s)).json()
    assert "op_n1" not in _rows(south) and _rows(south)["op_s1"]["handled"] == 1
    operators = day.client.get(
        f"/reports/operators?from={DAY}&to={DAY}&tz=UTC", headers=day.headers(day.admin)
    )
    assert operators.status_code == 200
    medians = {m["team"]: m for m in operators.json()["medians"]}
    assert medians["north"]["aht_seconds"] == 360.0 and medians["south"]["operators"] == 1


def test_what_the_writes_kept_equals_a_rebuild(day: People, database: Database) -> None:
    with database.session() as session:
        table = ReportRollup.__table__
        kept = sorted(tuple(row) for row in session.execute(select(table)) if any(row[5:]))
        assert kept
        maintain.rebuild(session)
        session.commit()
        assert sorted(tuple(row) for row in session.execute(select(table)) if any(row[5:])) == kept


def test_csv_for_russian_excel_and_utf8_and_xlsx(day: People) -> None:
    admin = day.headers(day.admin)
    russian = day.client.get(f"{REPORT}&by=dnis&whole=true&format=csv&encoding=cp1251", headers=admin)
    assert russian.headers["content-type"] == "text/csv; charset=windows-1251"
    lines = list(csv.reader(io.StringIO(russian.content.decode("cp1251")), delimiter=";"))
    assert lines[0][:4] == ["start", "dnis", "category", "offered"]
    row = next(line for line in lines if line[1] == "+74950000001")
    assert row[lines[0].index("conversion")] == "0,5"
    assert lines[-1][0] == "total"
    utf8 = day.client.get(f"{REPORT}&format=csv", headers=admin)
    assert utf8.content.startswith(b"\xef\xbb\xbf") and b"," in utf8.content
    xlsx = day.client.get(f"{REPORT}&by=queue&format=xlsx", headers=admin)
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "support" in strings and "<v>2</v>" in sheet  # sales: offered 2, a number cell


def test_bad_periods_are_422(day: People) -> None:
    admin = day.headers(day.admin)
    assert day.client.get("/reports/calls?from=2026-03-02&to=2026-03-01", headers=admin).status_code == 422
    assert day.client.get("/reports/calls?tz=Mars/Olympus", headers=admin).status_code == 422
    assert (
        day.client.get(
            "/reports/calls?from=2026-01-01&to=2026-12-01&interval=15min", headers=admin
        ).status_code
        == 422
    )
