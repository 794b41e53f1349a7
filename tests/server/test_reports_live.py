"""``GET /reports/live``: today so far per queue for the dashboard and wallboard. The service level
uses each queue's N (``service_levels``, else ``service_level_seconds``), non-target calls are left
out of it; abandoned and missed-not-called-back are counted; operators get 403; a lead sees the
queues their team answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from server.db import Database
from server.models import User
from server.pbx.waiting import WaitingBoard
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People, TestClient
from tests.server.tasks_support import SOURCES, open_zone, task_settings


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
    """The calls arrived two minutes ago, so "today" is asked in a zone where it is around noon: in
    UTC, just after midnight, they would rightly be yesterday's."""
    client = people.client
    today = {"tz": open_zone()}
    for body in (
        _call("s1", "sales", "accepted", 10, operator="op_n1"),
        _call("s2", "sales", "accepted", 40, operator="op_n1"),  # answered after sales' 20 s
        _call("s3", "sales", "missed", 30, missed_reason="abandoned", caller="+79123456789"),
        _call("s4", "sales", "missed", 2, missed_reason="abandoned"),  # hung up in the greeting
        _call("t1", "support", "accepted", 40, operator="op_s1"),  # support: the default 60 s
    ):
        response = client.post("/calls/outcomes", json=body, headers=SOURCES)
        assert response.status_code == 200, response.text
    assert client.get("/reports/live", params=today, headers=people.headers(people.op_n1)).status_code == 403
    body = client.get("/reports/live", params=today, headers=people.headers(people.admin)).json()
    queues = {q["queue"]: q for q in body["queues"]}
    sales, support = queues["sales"], queues["support"]
    assert (sales["offered"], sales["accepted"], sales["non_target"], sales["missed"]) == (4, 2, 1, 1)
    assert (sales["service_seconds"], sales["answered_in_time"], sales["service_level"]) == (20, 1, 0.3333)
    assert (sales["abandoned"], sales["missed_open"]) == (1, 1)
    assert sales["waiting"] is None  # no PBX adapter reports its queue
    assert (support["service_seconds"], support["service_level"]) == (60, 1.0)
    assert body["total"]["offered"] == 5 and body["total"]["service_level"] == 0.5
    north = client.get("/reports/live", params=today, headers=people.headers(people.lead_n)).json()
    assert "support" not in {q["queue"] for q in north["queues"]}  # south's answered call


def test_waiting_callers_from_the_pbx_and_the_push_to_boards(
    people: People, client: TestClient, database: Database
) -> None:
    """The PBX's waiting callers (``server.pbx.waiting``) per queue, their longest wait computed when
    read, only in the queues the lead's team answers; a change is pushed to the boards that asked
    (``queues=true``) and to no other."""
    client = people.client
    board: WaitingBoard = client.app.state.ringdesk.waiting  # type: ignore[attr-defined]
    admin = people.headers(people.admin)
    before = client.get("/reports/live?tz=UTC", headers=admin).json()
    assert (before["pbx_configured"], before["pbx_connected"]) == (False, False)
    with database.session() as session:  # north answers sales only
        session.execute(update(User).where(User.name.in_(["op_n1", "op_n2"])).values(queues=["sales"]))
        session.commit()
    token = people.headers(people.lead_n)["Authorization"].removeprefix("Bearer ")
    book = board.book("asterisk", queues=("sales", "vip", "support"))
    body = client.get("/reports/live?tz=UTC", headers=admin).json()
    assert (body["pbx_configured"], body["pbx_connected"]) == (True, False)
    assert {q["queue"]: q["waiting"] for q in body["queues"]} == {"sales": None, "vip": None, "support": None}
    with (
        client.websocket_connect(f"/statuses/live?token={token}&requests=true&queues=true") as asked,
        client.websocket_connect(f"/statuses/live?token={token}&requests=true") as older,
    ):
        now = datetime.now(UTC)
        book.end_sync(
            [("c1", "sales", now - timedelta(seconds=42)), ("c2", "vip", now - timedelta(seconds=7))]
        )
        assert asked.receive_text() == '{"kind":"queues"}'
        book.join("c3", "sales")
        assert asked.receive_text() == '{"kind":"queues"}'
        response = client.post(
            "/statuses",
            json={"operator": "op_n1", "status": "acw", "at": now.isoformat()},
            headers=people.headers(people.op_n1),
        )
        assert response.status_code == 201, response.text
        assert '"kind":"status"' in older.receive_text()  # the status change came; the queues' did not
        assert '"kind":"status"' in asked.receive_text()
    body = client.get("/reports/live?tz=UTC", headers=admin).json()
    assert (body["pbx_configured"], body["pbx_connected"]) == (True, True)
    queues = {q["queue"]: q for q in body["queues"]}
    assert (queues["sales"]["waiting"], queues["vip"]["waiting"], queues["support"]["waiting"]) == (2, 1, 0)
    assert 42 <= queues["sales"]["longest_wait_seconds"] < 52  # computed at the read
    assert queues["support"]["longest_wait_seconds"] == 0
    assert queues["vip"]["offered"] == 0 and queues["vip"]["service_seconds"] == 60
    assert body["total"]["waiting"] == 3 and body["total"]["longest_wait_seconds"] >= 42
    north = client.get("/reports/live?tz=UTC", headers=people.headers(people.lead_n)).json()
    assert {q["queue"]: q["waiting"] for q in north["queues"]} == {"sales": 2}
    assert north["total"]["waiting"] == 2
    book.lost()
    gone = client.get("/reports/live?tz=UTC", headers=admin).json()
    assert gone["pbx_connected"] is False and gone["total"]["waiting"] is None
