"""The quality score in reports: the average of the evaluations of calls started in the period,
the same figure ``GET /kpi`` gives (scoring, issue 18), per operator with the team's median."""

from __future__ import annotations

from tests.server.helpers import People
from tests.server.test_quality import create_form, evaluate, recorded
from tests.server.test_recordings import settings

__all__ = ["settings"]  # the fixture: recordings in the test's own directory

DAY = "2026-12-06"  # the recordings' calls start at 10:00 UTC that day


def test_the_reports_quality_score_is_the_kpis(people: People) -> None:
    form = create_form(people)
    for call_id, tone in (("call-1", 5), ("call-2", 2)):
        rec = recorded(people, people.op_n1, call_id)
        done = evaluate(people, people.lead_n, rec, form["id"], greeting=1, consent=1, tone=tone)
        assert done.status_code == 201, done.text
    admin = people.headers(people.admin)
    kpi = people.client.get(f"/kpi?day={DAY}&tz=UTC&operator=op_n1", headers=admin).json()
    expected = kpi["operators"][0]["quality_score"]
    assert expected is not None
    operators = people.client.get(f"/reports/operators?from={DAY}&to={DAY}&tz=UTC", headers=admin).json()
    mine = {row["group"]: row for row in operators["operators"]}
    assert mine["op_n1"]["quality_score"] == expected
    assert {m["team"]: m["quality_score"] for m in operators["medians"]} == {"north": expected}
    calls = people.client.get(f"/reports/calls?from={DAY}&to={DAY}&tz=UTC", headers=admin).json()
    assert calls["total"]["quality_score"] == expected
    south = people.client.get(
        f"/reports/calls?from={DAY}&to={DAY}&tz=UTC", headers=people.headers(people.lead_s)
    )
    assert south.json()["total"]["quality_score"] is None  # north's scores are not south's
