"""Records from the past (issue 14): a status change or disposition older than the window
(``record_max_age_days``, the longest the desktop's outbox keeps records offline) is refused with a
422 that says why, so nobody rewrites a closed KPI period; one accepted more than
``late_record_minutes`` after its own time is noted, and admins read those notes at
``GET /audit/late``. A replay of a record stored in time is still answered as a replay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.db import Database
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People, TestClient
from tests.server.test_dispositions import call, catalogue, new_key, post

__all__ = ["catalogue"]  # the fixture


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The production window (7 days) and late threshold (60 minutes)."""
    return make_settings(db_url, record_max_age_days=7, late_record_minutes=60)


def _ago(**delta: float) -> str:
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def _call_at(operator: str, ended_ago: timedelta, **changes: Any) -> dict[str, Any]:
    end = datetime.now(UTC) - ended_ago
    return call(
        operator,
        ring_at=(end - timedelta(minutes=3)).isoformat(),
        answer_at=(end - timedelta(minutes=2)).isoformat(),
        end_at=end.isoformat(),
        acw_end_at=None,
        **changes,
    )


def _status(people: People, who: Any, at: str, key: str | None = None) -> Any:
    headers = people.headers(who) | ({"Idempotency-Key": key} if key else {})
    return people.client.post(
        "/statuses", json={"operator": who.name, "status": "ready", "at": at}, headers=headers
    )


@pytest.mark.usefixtures("catalogue")
def test_records_older_than_the_window_are_refused_with_a_reason(people: People) -> None:
    old_status = _status(people, people.op_n1, _ago(days=40))
    assert old_status.status_code == 422
    assert "older than 7 days" in old_status.json()["detail"]
    old_call = post(people, people.op_n1, _call_at("op_n1", timedelta(days=40)), new_key())
    assert old_call.status_code == 422
    assert "older than 7 days" in old_call.json()["detail"]
    lead_own = _status(people, people.lead_n, _ago(days=8))  # whoever sends it
    assert lead_own.status_code == 422
    batch = people.client.post(
        "/dispositions/batch",
        json={
            "items": [
                {"idempotency_key": new_key(), "disposition": _call_at("op_n1", timedelta(days=40))},
                {"idempotency_key": new_key(), "disposition": _call_at("op_n1", timedelta(days=6))},
            ]
        },
        headers=people.headers(people.op_n1),
    )
    assert batch.status_code == 200, batch.text
    old, recent = batch.json()["results"]
    assert (old["outcome"], old["status"]) == ("rejected", 422)
    assert any("older than 7 days" in error for error in old["errors"])
    assert (recent["outcome"], recent["status"]) == ("created", 201)
    # just inside the window is accepted
    assert _status(people, people.op_n1, _ago(days=6, hours=23)).status_code == 201


@pytest.mark.usefixtures("catalogue")
def test_a_replay_of_a_record_stored_in_time_is_still_a_replay(
    people: People, settings: Settings, database: Database
) -> None:
    key, body = new_key(), _call_at("op_n1", timedelta(days=6, hours=23))
    assert post(people, people.op_n1, body, key).status_code == 201
    later = settings.model_copy(update={"record_max_age_days": 1})  # as if a week went by
    from server.api.main import create_app

    with TestClient(create_app(later, database=database)) as client:
        again = client.post(
            "/dispositions", json=body, headers=people.headers(people.op_n1) | {"Idempotency-Key": key}
        )
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"


@pytest.mark.usefixtures("catalogue")
def test_late_records_are_kept_for_admins(people: People) -> None:
    assert _status(people, people.op_n1, _ago(minutes=5)).status_code == 201  # on time: no note
    late_status = _status(people, people.op_n1, _ago(hours=30))
    assert late_status.status_code == 201
    late_call = post(people, people.op_n2, _call_at("op_n2", timedelta(days=2)), new_key())
    assert late_call.status_code == 201
    batch = people.client.post(
        "/dispositions/batch",
        json={
            "items": [{"idempotency_key": new_key(), "disposition": _call_at("op_n1", timedelta(hours=3))}]
        },
        headers=people.headers(people.op_n1),
    )
    assert batch.json()["results"][0]["outcome"] == "created"

    for who in (people.op_n1, people.lead_n):
        assert people.client.get("/audit/late", headers=people.headers(who)).status_code == 403
    response = people.client.get("/audit/late", headers=people.headers(people.admin))
    assert response.status_code == 200, response.text
    notes = response.json()
    assert [(n["kind"], n["operator"], n["sent_by"]) for n in notes] == [
        ("status", "op_n1", "op_n1"),
        ("disposition", "op_n2", "op_n2"),
        ("disposition", "op_n1", "op_n1"),
    ]
    assert notes[0]["id"] == late_status.json()["id"]
    assert notes[1]["id"] == late_call.json()["id"]
    assert 30 * 3600 - 60 <= notes[0]["late_seconds"] <= 30 * 3600 + 60
    assert 2 * 86400 - 60 <= notes[1]["late_seconds"] <= 2 * 86400 + 60
    assert all(n["at"] and n["received_at"] for n in notes)
    only_n2 = people.client.get(
        "/audit/late", params={"operator": "op_n2"}, headers=people.headers(people.admin)
    )
    assert [n["operator"] for n in only_n2.json()] == ["op_n2"]
