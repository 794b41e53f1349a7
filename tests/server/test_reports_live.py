"""``GET /reports/live``: today so far per queue for the dashboard and wallboard. The service level
uses each queue's N (``service_levels``, else ``service_level_seconds``), non-target calls are left
out of it; abandoned and missed-not-called-back are counted; operators get 403; a lead sees the
queues their team answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import SOURCES, task_settings


@pytest.fixture
def settings(db_url: str) -> Settings:
    return task_settings(make_settings(db_url), service_levels="sales:20", service_level_seconds=60)


def _call(call_id: str, queue: str, outcome: str, wait: float, **extra: Any) -> dict[str, Any]:
    arrived = datetime.now(UTC) - timedelta(seconds=120)
    body = {
        "call_id": call_id,
        "outcome": outcome,
        "queue": queue,
        "arrived_at": arrived.isoformat(),
        "ended_at": (arrived + timedelta(seconds=wait + 30)).isoformat(),
        **extra,
    }
    if outcome == "accepted":
        body["answered_at"] = (arrived + timedelta(seconds=wait)).isoformat()
    else:
        body["wait_seconds"] = wait
        body["ended_at"] = (arrived + timedelta(seconds=wait)).isoformat()
    return body


def test_service_level_abandoned_and_open_missed_per_queue(people: People) -> None:
    client = people.client
    for body in (
        _call("s1", "sales", "accepted", 10, operator="op_n1"),
        _call("s2", "sales", "accepted", 40, operator="op_n1"),  # answered after sales' 20 s
        _call("s3", "sales", "missed", 30, missed_reason="abandoned", caller="+79123456789"),
        _call("s4", "sales", "missed", 2, missed_reason="abandoned"),  # hung up in the greeting
        _call("t1", "support", "accepted", 40, operator="op_s1"),  # support: the default 60 s
    ):
        response = client.post("/calls/outcomes", json=body, headers=SOURCES)
        assert response.status_code == 200, response.text
    assert client.get("/reports/live?tz=UTC", headers=people.headers(people.op_n1)).status_code == 403
    body = client.get("/reports/live?tz=UTC", headers=people.headers(people.admin)).json()
    queues = {q["queue"]: q for q in body["queues"]}
    sales, support = queues["sales"], queues["support"]
    assert (sales["offered"], sales["accepted"], sales["non_target"], sales["missed"]) == (4, 2, 1, 1)
    assert (sales["service_seconds"], sales["answered_in_time"], sales["service_level"]) == (20, 1, 0.3333)
    assert (sales["abandoned"], sales["missed_open"]) == (1, 1)
    assert sales["waiting"] is None  # no PBX adapter reports its queue
    assert (support["service_seconds"], support["service_level"]) == (60, 1.0)
    assert body["total"]["offered"] == 5 and body["total"]["service_level"] == 0.5
    north = client.get("/reports/live?tz=UTC", headers=people.headers(people.lead_n)).json()
    assert "support" not in {q["queue"] for q in north["queues"]}  # south's answered call
