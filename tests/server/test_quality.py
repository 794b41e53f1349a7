"""Scoring recorded calls on the server (issue 18): forms by admins (frozen once used), evaluations by
the operator's own team lead with the score computed here (weights, scales, a critical "no" zeroes
it), operators reading only their own, and the average score in the KPIs; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

import pytest

from server.db import Database
from tests.server.helpers import People, TestUser, audit_rows
from tests.server.test_recordings import settings, upload

__all__ = ["settings"]  # the fixture: recordings in the test's own directory

FORM: dict[str, Any] = {
    "name": "Sales call",
    "sections": [
        {
            "title": "Opening",
            "questions": [
                {"key": "greeting", "text": "Greeted by the script", "kind": "yes_no", "weight": 2},
                {"key": "consent", "text": "Asked consent", "kind": "yes_no", "weight": 1, "critical": True},
            ],
        },
        {
            "title": "Talk",
            "questions": [{"key": "tone", "text": "Tone", "kind": "scale", "weight": 5}],
        },
    ],
}


def create_form(people: People, form: dict[str, Any] = FORM) -> dict[str, Any]:
    answer = people.client.post("/quality/forms", json=form, headers=people.headers(people.admin))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def evaluate(people: People, who: TestUser, recording_id: int, form_id: int, **answers: int) -> Any:
    body = {"recording_id": recording_id, "form_id": form_id, "answers": answers, "comment": "Спасибо!"}
    return people.client.post("/quality/evaluations", json=body, headers=people.headers(who))


def recorded(people: People, who: TestUser, call_id: str = "call-1") -> int:
    return int(upload(people, who, os.urandom(2_000), call_id)["id"])


def test_only_admins_define_forms_and_a_used_form_is_frozen(people: People, database: Database) -> None:
    for who in (people.lead_n, people.op_n1):
        refused = people.client.post("/quality/forms", json=FORM, headers=people.headers(who))
        assert refused.status_code == 403, who.name
    form = create_form(people)
    assert form["used"] is False and form["active"] is True
    assert people.client.get("/quality/forms", headers=people.headers(people.op_n1)).status_code == 403
    listed = people.client.get("/quality/forms", headers=people.headers(people.lead_n)).json()
    assert [f["id"] for f in listed] == [form["id"]]
    renamed = {**FORM, "name": "Sales call v1"}
    assert (
        people.client.put(
            f"/quality/forms/{form['id']}", json=renamed, headers=people.headers(people.lead_n)
        ).status_code
        == 403
    )
    changed = people.client.put(
        f"/quality/forms/{form['id']}", json=renamed, headers=people.headers(people.admin)
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Sales call v1"

    rec = recorded(people, people.op_n1)
    assert evaluate(people, people.lead_n, rec, form["id"], greeting=1, consent=1, tone=5).status_code == 201
    frozen = people.client.put(
        f"/quality/forms/{form['id']}", json=FORM, headers=people.headers(people.admin)
    )
    assert frozen.status_code == 409
    retired = people.client.delete(f"/quality/forms/{form['id']}", headers=people.headers(people.admin))
    assert retired.status_code == 204
    assert people.client.get("/quality/forms", headers=people.headers(people.lead_n)).json() == []
    # the evaluation still shows the form it was scored on
    [mine] = people.client.get("/quality/evaluations", headers=people.headers(people.op_n1)).json()
    assert mine["form"]["name"] == "Sales call v1" and mine["form"]["used"] is True
    rec2 = recorded(people, people.op_n1, "call-2")
    assert evaluate(people, people.lead_n, rec2, form["id"], greeting=1, consent=1, tone=5).status_code == 409
    actions = [row.action for row in audit_rows(database)]
    assert {"quality.form.create", "quality.form.update", "quality.form.retire", "quality.evaluate"} <= set(
        actions
    )


def test_bad_forms_are_refused(people: People) -> None:
    critical_scale = {
        "name": "x",
        "sections": [
            {"title": "a", "questions": [{"key": "q", "text": "Q", "kind": "scale", "critical": True}]}
        ],
    }
    twice = {
        "name": "x",
        "sections": [{"title": "a", "questions": [{"key": "q", "text": "Q"}, {"key": "q", "text": "Q2"}]}],
    }
    for form in (critical_scale, twice):
        answer = people.client.post("/quality/forms", json=form, headers=people.headers(people.admin))
        assert answer.status_code == 422, answer.text


def test_the_server_computes_the_score_and_a_critical_no_zeroes_it(people: People) -> None:
    form = create_form(people)["id"]
    good = recorded(people, people.op_n1, "good")
    answer = evaluate(people, people.lead_n, good, form, greeting=1, consent=1, tone=3)
    assert answer.status_code == 201, answer.text
    # 2 (greeting) + 1 (consent) + 5 x 3/5 (tone) = 6 of 8
    assert answer.json()["score"] == 75.0 and answer.json()["critical_failed"] is False
    assert answer.json()["evaluator"] == "lead_n" and answer.json()["operator"] == "op_n1"

    bad = recorded(people, people.op_n1, "bad")
    zeroed = evaluate(people, people.lead_n, bad, form, greeting=1, consent=0, tone=5)
    assert zeroed.status_code == 201
    assert zeroed.json()["score"] == 0.0 and zeroed.json()["critical_failed"] is True

    # a score sent by the client is not a field: refused, never trusted
    other = recorded(people, people.op_n2, "other")
    body = {"recording_id": other, "form_id": form, "answers": {"greeting": 0, "consent": 1, "tone": 0}}
    forged = people.client.post(
        "/quality/evaluations", json={**body, "score": 100}, headers=people.headers(people.lead_n)
    )
    assert forged.status_code == 422
    for wrong in (
        {"greeting": 1, "consent": 1},
        {"greeting": 2, "consent": 1, "tone": 1},
        {"greeting": 1, "consent": 1, "tone": 6},
        {"greeting": 1, "consent": 1, "tone": 1, "x": 1},
    ):
        refused = people.client.post(
            "/quality/evaluations", json={**body, "answers": wrong}, headers=people.headers(people.lead_n)
        )
        assert refused.status_code == 422, wrong
    assert (
        people.client.post("/quality/evaluations", json=body, headers=people.headers(people.lead_n)).json()[
            "score"
        ]
        == 12.5
    )
    again = evaluate(people, people.admin, good, form, greeting=0, consent=1, tone=0)
    assert again.status_code == 409  # one evaluation per call


def test_who_may_score_and_read(people: People) -> None:
    form = create_form(people)["id"]
    north = recorded(people, people.op_n1, "n")
    south = recorded(people, people.op_s1, "s")
    lead_own = recorded(people, people.lead_n, "lead")
    answers = {"greeting": 1, "consent": 1, "tone": 5}
    assert evaluate(people, people.lead_s, north, form, **answers).status_code == 403  # another team
    assert evaluate(people, people.op_n2, north, form, **answers).status_code == 403  # an operator
    assert evaluate(people, people.lead_n, lead_own, form, **answers).status_code == 403  # their own call
    assert evaluate(people, people.lead_n, south, form, **answers).status_code == 403
    scored = evaluate(people, people.lead_n, north, form, **answers)
    assert scored.status_code == 201
    assert evaluate(people, people.admin, south, form, **answers).status_code == 201

    evaluation = scored.json()["id"]
    h = people.headers
    assert people.client.get(f"/quality/evaluations/{evaluation}", headers=h(people.op_n1)).json()[
        "comment"
    ] == ("Спасибо!")
    for who in (people.op_n2, people.op_s1, people.lead_s):
        assert people.client.get(f"/quality/evaluations/{evaluation}", headers=h(who)).status_code == 403
        assert people.client.get("/quality/evaluations?operator=op_n1", headers=h(who)).status_code == 403
    assert people.client.get(f"/quality/evaluations/{evaluation}", headers=h(people.admin)).status_code == 200
    assert [e["id"] for e in people.client.get("/quality/evaluations", headers=h(people.op_n1)).json()] == [
        evaluation
    ]
    assert people.client.get("/quality/evaluations", headers=h(people.op_n2)).json() == []
    lead_view = people.client.get("/quality/evaluations?operator=op_n1", headers=h(people.lead_n))
    assert [e["id"] for e in lead_view.json()] == [evaluation]

    listed = people.client.get("/quality/recordings?operator=op_n1", headers=h(people.lead_n))
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["recording"]["id"] == north and row["evaluation"]["id"] == evaluation
    assert (
        people.client.get("/quality/recordings?operator=op_s1", headers=h(people.lead_n)).status_code == 403
    )
    assert people.client.get("/quality/recordings?operator=op_n1", headers=h(people.op_n1)).status_code == 403


@pytest.mark.parametrize("when", ["2026-12-06"])
def test_the_kpis_average_the_quality_score_per_operator_and_team(people: People, when: str) -> None:
    form = create_form(people)["id"]
    scores = {}
    for call, who, answers in (
        ("a", people.op_n1, {"greeting": 1, "consent": 1, "tone": 5}),  # 100
        ("b", people.op_n1, {"greeting": 1, "consent": 1, "tone": 0}),  # 37.5
        ("c", people.op_n2, {"greeting": 1, "consent": 0, "tone": 5}),  # 0 (critical)
    ):
        answer = evaluate(people, people.lead_n, recorded(people, who, call), form, **answers)
        scores[call] = answer.json()["score"]
    assert scores == {"a": 100.0, "b": 37.5, "c": 0.0}
    report = people.client.get(f"/kpi?day={when}", headers=people.headers(people.lead_n)).json()
    rows = {row["operator"]: row for row in report["operators"]}
    assert rows["op_n1"]["quality_score"] == 68.8 and rows["op_n1"]["evaluated"] == 2
    assert rows["op_n2"]["quality_score"] == 0.0 and rows["op_n2"]["evaluated"] == 1
    [north] = report["teams"]
    assert north["team"] == "north" and north["evaluated"] == 3 and north["quality_score"] == 45.8
    other_day = people.client.get("/kpi?day=2026-12-05", headers=people.headers(people.lead_n)).json()
    assert other_day["teams"][0]["quality_score"] is None
    mine = people.client.get(f"/kpi?day={when}", headers=people.headers(people.op_n1)).json()
    assert mine["operators"][0]["quality_score"] == 68.8
