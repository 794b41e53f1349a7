"""``GET /reports/calls/list`` (drill-down): the calls behind one figure of one report row. Role
checked like the reports (operators 403, a lead sees their team's), and for every row of every
grouping and every counted figure the list holds exactly as many entries as the figure."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from app.wire.reports import COUNTED
from tests.server.helpers import People
from tests.server.test_reports_api import DAY, day, settings

__all__ = ["day", "settings"]  # the fixtures

BASE = {"from": DAY, "to": DAY, "tz": "UTC"}


def _get(people: People, who: Any, path: str, params: dict[str, str]) -> Any:
    response = people.client.get(f"{path}?{urlencode(params)}", headers=people.headers(who))
    assert response.status_code == 200, response.text
    return response.json()


def _check_every_figure(people: People, who: Any, params: dict[str, str]) -> int:
    """Each row's counted figures against their lists; how many figures were checked (non-zero)."""
    report = _get(people, who, "/reports/calls", params)
    checked = 0
    for row in [*report["rows"], {**report["total"], "start": None, "group": None, "total": True}]:
        for figure in COUNTED:
            ask = {**params, "figure": figure}
            if row.get("total"):
                ask.pop("by", None)  # the total: every group
            else:
                if row["start"] is not None:
                    ask["start"] = row["start"]
                if row["group"] is not None:
                    ask["group"] = row["group"]
            calls = _get(people, who, "/reports/calls/list", ask)["calls"]
            assert len(calls) == row[figure], (params, row.get("group"), row.get("start"), figure)
            checked += row[figure] > 0
    return checked


def test_operators_are_refused(day: People) -> None:
    response = day.client.get(
        f"/reports/calls/list?{urlencode({**BASE, 'figure': 'offered'})}", headers=day.headers(day.op_n1)
    )
    assert response.status_code == 403


def test_every_list_is_as_long_as_its_figure(day: People) -> None:
    checked = 0
    for by in ("none", "queue", "team", "operator", "dnis", "code"):
        for shape in ({"interval": "hour"}, {"whole": "true"}):
            checked += _check_every_figure(day, day.admin, {**BASE, "by": by, **shape})
            checked += _check_every_figure(day, day.lead_n, {**BASE, "by": by, **shape})
    assert checked > 100  # the lists were not all empty


def test_a_lead_sees_only_their_team_and_what_a_call_carries(day: People) -> None:
    params = {**BASE, "by": "operator", "whole": "true", "figure": "handled"}
    south = _get(day, day.lead_s, "/reports/calls/list", {**params, "group": "op_n1"})
    assert south["calls"] == []  # op_n1 is north's
    [call] = _get(day, day.lead_n, "/reports/calls/list", {**params, "group": "op_n1"})["calls"]
    assert (call["call_id"], call["operator"], call["code"], call["queue"]) == (
        "c1",
        "op_n1",
        "sale",
        "sales",
    )
    assert (call["talk_seconds"], call["hold_seconds"], call["acw_seconds"]) == (270, 30, 60)
    assert call["disposition_id"] > 0 and call["recording_id"] is None
    [missed] = _get(day, day.lead_n, "/reports/calls/list", {**BASE, "figure": "missed"})["calls"]
    assert (missed["call_id"], missed["outcome"], missed["dnis"]) == ("c2", "missed", "+74950000002")
    assert missed["caller"] is not None and missed["disposition_id"] == 0


def test_a_start_outside_a_whole_report_is_422(day: People) -> None:
    params = {**BASE, "whole": "true", "figure": "offered", "start": f"{DAY}T09:00:00+00:00"}
    response = day.client.get(f"/reports/calls/list?{urlencode(params)}", headers=day.headers(day.admin))
    assert response.status_code == 422
