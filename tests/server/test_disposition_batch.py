"""``POST /dispositions/batch``: many dispositions, one result each, by the single post's rules."""

from __future__ import annotations

from typing import Any

import pytest

from server.db import Database
from tests.server.helpers import People, TestUser, audit_rows
from tests.server.test_dispositions import call, catalogue, count, new_key, post

pytestmark = pytest.mark.usefixtures("catalogue")
__all__ = ["catalogue"]  # the fixture, imported to be used here


def batch(people: People, who: TestUser, items: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    body = {"items": [{"idempotency_key": key, "disposition": d} for key, d in items]}
    response = people.client.post("/dispositions/batch", json=body, headers=people.headers(who))
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert [r["idempotency_key"] for r in results] == [key for key, _ in items]
    return results


def outcomes(results: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return [(r["outcome"], r["status"]) for r in results]


def test_mixed_results_in_order_and_only_the_good_ones_stored(people: People, database: Database) -> None:
    good, replay_key, reused_key, dup_key = new_key(), new_key(), new_key(), new_key()
    first = call("op_n1")
    assert post(people, people.op_n1, first, replay_key).status_code == 201
    assert post(people, people.op_n1, call("op_n1"), reused_key).status_code == 201
    same_twice = call("op_n1")
    results = batch(
        people,
        people.op_n1,
        [
            (good, call("op_n1")),
            (replay_key, first),  # sent alone before, and again here: the first result
            (reused_key, call("op_n1")),  # the key of another disposition
            ("not-a-uuid", call("op_n1")),
            (new_key(), call("op_n1", code="refused")),  # needs a comment
            (new_key(), call("op_n1", code="nope")),
            (new_key(), call("op_n1", end_at="2026-03-02T09:00:00+03:00")),  # ends before it rang
            (new_key(), call("op_n1", calback_at="2026-03-03T10:00:00+03:00")),  # a typo: unknown field
            (new_key(), call("op_n2")),  # a colleague's
            (dup_key, same_twice),
            (dup_key, same_twice),  # the same item twice in one batch: stored once
        ],
    )
    assert outcomes(results) == [
        ("created", 201),
        ("replayed", 201),
        ("rejected", 422),
        ("rejected", 400),
        ("rejected", 422),
        ("rejected", 422),
        ("rejected", 422),
        ("rejected", 422),
        ("rejected", 403),
        ("created", 201),
        ("replayed", 201),
    ]
    assert results[1]["disposition"] == post(people, people.op_n1, first, replay_key).json()
    assert "already used for a different disposition" in results[2]["errors"][0]
    assert "requires a comment" in results[4]["errors"][0]
    assert "not in the disposition catalogue" in results[5]["errors"][0]
    assert any("calback_at" in error for error in results[7]["errors"])
    assert results[9]["disposition"] == results[10]["disposition"]
    assert count(database) == 2 + 2

    again = batch(people, people.op_n1, [(good, call("op_n1"))])
    assert outcomes(again) == [("rejected", 422)]  # same key, other call id: another disposition
    fixed = batch(
        people, people.op_n1, [(results[4]["idempotency_key"], call("op_n1", code="refused", comment="x"))]
    )
    assert outcomes(fixed) == [("created", 201)]  # a rejected item did not use up its key
    single = post(people, people.op_n1, same_twice, dup_key)  # and the batch's keys are the single post's
    assert single.headers["idempotent-replayed"] == "true"
    assert single.json() == results[9]["disposition"]


def test_who_may_send_what(people: People, database: Database) -> None:
    results = batch(people, people.lead_n, [(new_key(), call("op_n1")), (new_key(), call("op_s1"))])
    assert outcomes(results) == [("created", 201), ("rejected", 403)]
    assert results[1]["errors"] == ["team leads post dispositions for their own team only"]
    [audit] = audit_rows(database, "disposition.create")
    assert audit.target == f"disposition:{results[0]['disposition']['id']}"
    results = batch(people, people.admin, [(new_key(), call("op_s1")), (new_key(), call("ghost"))])
    assert outcomes(results) == [("created", 201), ("rejected", 422)]
    assert len(audit_rows(database, "disposition.create")) == 2
    assert batch(people, people.op_s1, [(new_key(), call("op_s1"))])[0]["outcome"] == "created"
    anonymous = people.client.post("/dispositions/batch", json={"items": []})
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (0, "at least 1 item"),
        (501, "at most 500 items"),
    ],
)
def test_the_envelope_is_checked(people: People, database: Database, items: int, message: str) -> None:
    body = {"items": [{"idempotency_key": new_key(), "disposition": call("op_n1")} for _ in range(items)]}
    response = people.client.post("/dispositions/batch", json=body, headers=people.headers(people.op_n1))
    assert response.status_code == 422
    assert message in response.text
    assert count(database) == 0


def test_a_full_batch_is_stored(people: People, database: Database) -> None:
    items = [(new_key(), call("op_n1")) for _ in range(500)]
    assert {r["outcome"] for r in batch(people, people.op_n1, items)} == {"created"}
    assert {r["outcome"] for r in batch(people, people.op_n1, items)} == {"replayed"}
    assert count(database) == 500
