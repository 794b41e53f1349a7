"""KPIs from raw events on a small synthetic day, every figure computed by hand in the comments.

op_n1 (team north) on 2026-03-02 (UTC):
    09:00 shift_start  09:05 ready  09:20 on_call  09:30 acw  09:32 ready  10:00 break  10:15 ready
    10:20:10 on_call  10:25:10 acw  10:26:10 ready  10:45 offline
Calls: A answered 09:20, ended 09:30 with 60 s hold, ACW to 09:32, code "sale" (success);
       B answered 10:20:10, ended 10:25:10, no hold reported, ACW to 10:26:10, code "info";
       C rang 10:40, never answered ("no_answer").
Ready: 09:05-09:20 900 + 09:32-10:00 1680 + 10:15-10:20:10 310 + 10:26:10-10:45 1130 = 4020 s.
Logged in: 09:00-10:45 = 6300 s, one shift. Talk: A 600-60 = 540, B 300 -> 840. Hold 60.
ACW: 120 + 60 = 180. Handle 1080, handled 2 -> AHT 540, avg ACW 90.
Occupancy 1080 / (1080 + 4020) = 0.2118. Team target 10 per shift -> plan 2/10 = 0.2.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.server.helpers import People

DAY = "2026-03-02"
REASONS = [{"code": "break", "label_en": "Break", "label_ru": "Перерыв"}]
CODES = [
    {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"},
    {"code": "info", "label_en": "Info", "label_ru": "Справка", "category": "other"},
    {"code": "no_answer", "label_en": "No answer", "label_ru": "Не ответил", "category": "not_reached"},
]
STATUSES = [
    ("09:00:00", "not_ready", "shift_start"),
    ("09:05:00", "ready", None),
    ("09:20:00", "on_call", None),
    ("09:30:00", "acw", None),
    ("09:32:00", "ready", None),
    ("10:00:00", "not_ready", "break"),
    ("10:15:00", "ready", None),
    ("10:20:10", "on_call", None),
    ("10:25:10", "acw", None),
    ("10:26:10", "ready", None),
    ("10:45:00", "offline", None),
]


def at(clock: str) -> str:
    return f"{DAY}T{clock}+00:00"


def call(
    ring: str, answer: str | None, end: str, acw_end: str | None, code: str, **extra: Any
) -> dict[str, Any]:
    return {
        "call_id": f"call-{uuid.uuid4().hex[:8]}@pbx",
        "operator": "op_n1",
        "ring_at": at(ring),
        "answer_at": at(answer) if answer else None,
        "end_at": at(end),
        "acw_end_at": at(acw_end) if acw_end else None,
        "code": code,
        **extra,
    }


@pytest.fixture
def day(people: People) -> None:
    admin = people.headers(people.admin)
    for spec in REASONS:
        assert (
            people.client.put(f"/catalogue/reasons/{spec['code']}", json=spec, headers=admin).status_code
            == 201
        )
    for spec in CODES:
        assert (
            people.client.put(f"/catalogue/dispositions/{spec['code']}", json=spec, headers=admin).status_code
            == 201
        )
    op = people.headers(people.op_n1)
    for clock, status, reason in STATUSES:
        body = {"operator": "op_n1", "status": status, "reason": reason, "at": at(clock)}
        if status == "on_call":
            body["source"] = "system"
        assert people.client.post("/statuses", json=body, headers=op).status_code == 201
    for body in (
        call("09:19:50", "09:20:00", "09:30:00", "09:32:00", "sale", hold_seconds=60),
        call("10:20:00", "10:20:10", "10:25:10", "10:26:10", "info"),
        call("10:40:00", None, "10:40:20", None, "no_answer"),
    ):
        headers = op | {"Idempotency-Key": str(uuid.uuid4())}
        response = people.client.post("/dispositions", json=body, headers=headers)
        assert response.status_code == 201, response.text
    target = {"team": "north", "handled_per_shift": 10}
    assert (
        people.client.put("/kpi/targets", json=target, headers=people.headers(people.lead_n)).status_code
        == 204
    )


def kpi(people: People, who: Any, **params: str) -> dict[str, Any]:
    response = people.client.get("/kpi", params=params, headers=people.headers(who))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


EXPECTED_OP_N1 = {
    "operator": "op_n1",
    "team": "north",
    "handled": 2,
    "missed": 1,
    "successful": 1,
    "talk_seconds": 840,
    "hold_seconds": 60,
    "acw_seconds": 180,
    "ready_seconds": 4020,
    "logged_in_seconds": 6300,
    "aht_seconds": 540.0,
    "avg_acw_seconds": 90.0,
    "occupancy": 0.2118,
    "target": 10,
    "plan_completion": 0.2,
    "evaluated": 0,
    "quality_score": None,
}


@pytest.mark.usefixtures("day")
def test_a_synthetic_day_by_hand(people: People) -> None:
    report = kpi(people, people.lead_n, day=DAY)
    rows = {row["operator"]: row for row in report["operators"]}
    assert set(rows) == {"op_n1", "op_n2"}
    assert rows["op_n1"] == EXPECTED_OP_N1
    # op_n2 never logged in: no shift, so no target to complete
    assert rows["op_n2"]["handled"] == 0
    assert rows["op_n2"]["target"] == 0
    assert rows["op_n2"]["plan_completion"] is None
    assert rows["op_n2"]["occupancy"] is None
    [north] = report["teams"]
    assert north["team"] == "north"
    assert north["operator"] is None
    assert (north["handled"], north["aht_seconds"], north["target"], north["plan_completion"]) == (
        2,
        540.0,
        10,
        0.2,
    )
    assert report["total"]["talk_seconds"] == 840
    assert report["since"] == "2026-03-02T00:00:00Z"


@pytest.mark.usefixtures("day")
def test_a_period_cut_in_the_middle_of_a_call(people: People) -> None:
    """09:25-10:00: the period starts on a call (status before it: on_call). Ready 09:32-10:00 =
    1680 s; call A's handling ends at 09:32, inside: handled 1, talk 540, hold 60, ACW 120."""
    report = kpi(people, people.admin, operator="op_n1", since=at("09:25:00"), until=at("10:00:00"))
    [row] = report["operators"]
    assert (row["handled"], row["talk_seconds"], row["hold_seconds"], row["acw_seconds"]) == (1, 540, 60, 120)
    assert row["ready_seconds"] == 1680
    assert row["logged_in_seconds"] == 35 * 60
    assert row["occupancy"] == round(720 / (720 + 1680), 4)


@pytest.mark.usefixtures("day")
def test_a_moscow_day_starts_at_21_utc(people: People) -> None:
    report = kpi(people, people.admin, day="2026-03-02", tz="Europe/Moscow")
    assert report["since"] == "2026-03-01T21:00:00Z"
    assert report["until"] == "2026-03-02T21:00:00Z"
    rows = {row["operator"]: row for row in report["operators"]}
    assert rows["op_n1"]["handled"] == 2


@pytest.mark.usefixtures("day")
def test_who_sees_whose_kpis(people: People) -> None:
    own = kpi(people, people.op_n1, day=DAY)
    assert [row["operator"] for row in own["operators"]] == ["op_n1"]
    assert own["operators"][0] == EXPECTED_OP_N1

    def status(who: Any, **params: str) -> int:
        return people.client.get(
            "/kpi", params={"day": DAY, **params}, headers=people.headers(who)
        ).status_code

    assert status(people.op_n1, operator="op_n2") == 403
    assert status(people.lead_s, team="north") == 403
    assert status(people.lead_s, operator="op_n1") == 403
    assert status(people.admin, team="nowhere") == 404
    south = kpi(people, people.lead_s, day=DAY)
    assert [row["operator"] for row in south["operators"]] == ["op_s1"]
    everyone = kpi(people, people.admin, day=DAY)
    assert {row["operator"] for row in everyone["operators"]} == {"op_n1", "op_n2", "op_s1"}
    target = {"team": "north", "handled_per_shift": 5}
    assert (
        people.client.put("/kpi/targets", json=target, headers=people.headers(people.lead_s)).status_code
        == 403
    )


@pytest.mark.usefixtures("day")
def test_csv_for_russian_excel(people: People) -> None:
    response = people.client.get(
        "/kpi",
        params={"day": DAY, "format": "csv", "encoding": "cp1251", "operator": "op_n1"},
        headers=people.headers(people.lead_n),
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=windows-1251"
    lines = response.content.decode("cp1251").splitlines()
    assert lines[0].startswith("scope;team;operator;handled;missed")
    cells = lines[1].split(";")
    assert cells[:6] == ["operator", "north", "op_n1", "2", "1", "1"]
    assert "0,2118" in cells and "540,0" in cells
    assert lines[-1].startswith("total;")
    utf8 = people.client.get(
        "/kpi", params={"day": DAY, "format": "csv"}, headers=people.headers(people.lead_n)
    )
    assert utf8.content.startswith("\ufeff".encode())
    assert "0.2118" in utf8.content.decode("utf-8-sig")


def test_bad_periods_are_422(people: People) -> None:
    headers = people.headers(people.admin)
    for params in (
        {"since": at("10:00:00")},
        {"since": at("10:00:00"), "until": at("09:00:00")},
        {"since": "2026-01-01T00:00:00Z", "until": "2026-06-01T00:00:00Z"},
        {"tz": "Mars/Olympus"},
    ):
        assert people.client.get("/kpi", params=params, headers=headers).status_code == 422, params
