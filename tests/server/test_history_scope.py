"""Who reads what of a contact's history (issue 14): everyone sees every call with the contact (who
took it, when, its result), but comments and script answers only of their own team's calls (their
own, for an operator without a team); admins see everything. ``GET /dispositions/{id}`` applies the
same rule to what it shows in full."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.helpers import People, TestUser
from tests.server.test_dispositions import call, catalogue, new_key, post

__all__ = ["catalogue"]  # the fixture

pytestmark = pytest.mark.usefixtures("catalogue")


def _history(people: People, who: TestUser, contact_id: int) -> dict[str, dict[str, Any]]:
    response = people.client.get(f"/contacts/{contact_id}/history", headers=people.headers(who))
    assert response.status_code == 200, response.text
    return {item["operator"]: item["disposition"] for item in response.json()["items"]}


def _by_id(people: People, who: TestUser, disposition_id: int) -> int:
    return people.client.get(f"/dispositions/{disposition_id}", headers=people.headers(who)).status_code


def test_other_teams_calls_show_without_comment_and_answers(people: People) -> None:
    contact = people.client.post(
        "/contacts", json={"name": "Иванов", "phones": ["+79123456789"]}, headers=people.headers(people.op_n1)
    ).json()["id"]
    stored = {}
    for who, day in ((people.op_n1, "01"), (people.op_s1, "02")):
        body = call(
            who.name,
            contact_id=contact,
            ring_at=f"2026-03-{day}T10:00:00Z",
            answer_at=f"2026-03-{day}T10:00:05Z",
            end_at=f"2026-03-{day}T10:03:00Z",
            acw_end_at=None,
            code="refused",
            comment=f"diagnosis told by the customer to {who.name}",
            script={"id": "welcome", "version": 2},
            answers={"passport": "4510 123456"},
        )
        response = post(people, who, body, new_key())
        assert response.status_code == 201, response.text
        stored[who.name] = response.json()["id"]

    north = _history(people, people.op_n2, contact)  # a colleague of op_n1, not of op_s1
    assert north["op_n1"]["comment"] == "diagnosis told by the customer to op_n1"
    assert north["op_n1"]["answers"] == {"passport": "4510 123456"}
    assert north["op_n1"]["withheld"] is False
    south = north["op_s1"]
    assert (south["comment"], south["answers"]) == ("", {})
    assert south["withheld"] is True
    # what the operator needs for the customer stays: who, when, what result
    assert (south["code"], south["end_at"]) == ("refused", "2026-03-02T10:03:00Z")

    for lead, own, other in ((people.lead_n, "op_n1", "op_s1"), (people.lead_s, "op_s1", "op_n1")):
        seen = _history(people, lead, contact)
        assert seen[own]["comment"] and not seen[own]["withheld"]
        assert seen[other]["comment"] == "" and seen[other]["withheld"]
    assert all(d["comment"] and not d["withheld"] for d in _history(people, people.admin, contact).values())

    # the same rule for reading one disposition
    assert _by_id(people, people.op_n2, stored["op_n1"]) == 200
    assert _by_id(people, people.op_n2, stored["op_s1"]) == 404
    assert _by_id(people, people.lead_n, stored["op_s1"]) == 404
    assert _by_id(people, people.admin, stored["op_s1"]) == 200
