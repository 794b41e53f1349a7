"""``/statuses``: who may set whose status, reasons against the catalogue, offline replay (the current
status only moves forward), the board, the history, and the live WebSocket feed."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from starlette.websockets import WebSocketDisconnect

from server.api.broadcast import QUEUE_SIZE, StatusFeed
from server.api.deps import TeamScope
from server.crud import statuses as crud_statuses
from server.db import Database
from server.models import OperatorStatusChange, Role
from server.security import create_access_token
from server.settings import Settings
from tests.server.helpers import People, TestClient, TestUser, audit_rows

REASONS: list[dict[str, Any]] = [
    {"code": "break", "label_en": "Break", "label_ru": "Перерыв", "max_minutes": 15},
    {"code": "back_of_queue", "label_en": "Back", "label_ru": "В конец", "routable": True},
    {"code": "old", "label_en": "Old", "label_ru": "Старая", "active": False},
]


@pytest.fixture
def catalogue(people: People) -> None:
    for spec in REASONS:
        response = people.client.put(
            f"/catalogue/reasons/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text


def ago(minutes: float) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()


def change(operator: str, status: str = "ready", **extra: Any) -> dict[str, Any]:
    return {"operator": operator, "status": status, "at": ago(1)} | extra


def post(people: People, who: TestUser, body: dict[str, Any]) -> httpx.Response:
    return people.client.post("/statuses", json=body, headers=people.headers(who))


def count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(OperatorStatusChange)) or 0


def board(people: People, who: TestUser, **params: str) -> dict[str, dict[str, Any]]:
    response = people.client.get("/statuses/board", params=params, headers=people.headers(who))
    assert response.status_code == 200, response.text
    return {row["operator"]: row for row in response.json()}


@pytest.mark.usefixtures("catalogue")
def test_an_operator_sets_their_own_status(people: People) -> None:
    response = post(people, people.op_n1, change("op_n1", "not_ready", reason="break", at=ago(2)))
    assert response.status_code == 201, response.text
    out = response.json()
    assert (out["status"], out["reason"], out["source"], out["by"]) == (
        "not_ready",
        "break",
        "operator",
        None,
    )
    assert out["id"] > 0 and out["received_at"].endswith("Z")
    row = board(people, people.lead_n)["op_n1"]
    assert (row["status"], row["reason"], row["team"], row["max_minutes"]) == (
        "not_ready",
        "break",
        "north",
        15,
    )
    assert row["routable"] is False
    assert post(people, people.op_n1, change("op_n1", "not_ready", reason="back_of_queue")).status_code == 201
    assert board(people, people.lead_n)["op_n1"]["routable"] is True
    assert post(people, people.op_n1, change("op_n1", "ready")).status_code == 201
    assert board(people, people.lead_n)["op_n1"]["routable"] is True


@pytest.mark.usefixtures("catalogue")
def test_who_may_set_whose_status(people: People, database: Database) -> None:
    def code(who: TestUser, operator: str, **extra: Any) -> int:
        return post(people, who, change(operator, **extra)).status_code

    assert code(people.op_n1, "op_n2") == 403
    assert code(people.op_n1, "ghost") == 403
    assert code(people.lead_n, "op_s1") == 403
    assert code(people.lead_n, "ghost") == 422
    assert code(people.lead_n, "op_n2") == 201
    assert code(people.lead_n, "op_n2", source="team_lead") == 201
    assert code(people.lead_n, "op_n2", source="operator") == 422
    assert code(people.lead_n, "op_n2", status="on_call") == 422  # follows from the phone
    assert code(people.op_n1, "op_n1", status="on_call") == 201
    assert code(people.op_n1, "op_n1", source="team_lead") == 422
    assert code(people.op_n1, "op_n1", source="system") == 201  # the desktop's own doing (ACW timer...)
    assert code(people.admin, "op_s1", source="system") == 422
    assert code(people.lead_n, "op_n2", source="system") == 422
    assert code(people.admin, "op_s1") == 201
    assert people.client.post("/statuses", json=change("op_n1")).status_code == 401

    history = people.client.get(
        "/statuses/history", params={"operator": "op_n2"}, headers=people.headers(people.lead_n)
    ).json()
    assert [(c["source"], c["by"]) for c in history] == [("team_lead", "lead_n")] * 2
    audited = [(r.actor_name, r.details["operator"]) for r in audit_rows(database, "status.change")]
    assert audited == [("lead_n", "op_n2"), ("lead_n", "op_n2"), ("admin", "op_s1")]
    assert count(database) == 5


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"status": "not_ready"}, "needs a reason"),
        ({"status": "ready", "reason": "break"}, "only a not_ready status carries a reason"),
        ({"status": "not_ready", "reason": "nope"}, "'nope' is not in the not-ready catalogue"),
        ({"status": "not_ready", "reason": "old"}, "is retired"),
        ({"status": "not_ready", "reason": "x'; DROP TABLE users; --"}, "reason"),
        ({"status": "lunch"}, "status"),
        ({"at": "2026-03-02T10:00:00"}, "at"),
        ({"at": (datetime.now(UTC) + timedelta(minutes=5)).isoformat()}, "in the future"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
@pytest.mark.usefixtures("catalogue")
def test_bad_changes_are_422(people: People, database: Database, extra: dict[str, Any], message: str) -> None:
    response = post(people, people.op_n1, change("op_n1") | extra)
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert count(database) == 0


@pytest.mark.usefixtures("catalogue")
def test_a_small_clock_skew_is_accepted(people: People) -> None:
    ahead = (datetime.now(UTC) + timedelta(seconds=10)).isoformat()
    assert post(people, people.op_n1, change("op_n1", at=ahead)).status_code == 201


@pytest.mark.usefixtures("catalogue")
def test_an_offline_replay_keeps_history_and_the_newest_current_status(
    people: People, database: Database
) -> None:
    assert post(people, people.op_n1, change("op_n1", "ready", at=ago(5))).status_code == 201
    # the desktop was offline: its queued changes arrive late, with their original (older) times
    queued = [
        change("op_n1", "not_ready", reason="shift_start", at=ago(60)),
        change("op_n1", "not_ready", reason="break", at=ago(30)),
    ]
    for body in queued:
        assert post(people, people.op_n1, body).status_code == 201
    row = board(people, people.lead_n)["op_n1"]
    assert row["status"] == "ready"
    history = people.client.get(
        "/statuses/history", params={"operator": "op_n1"}, headers=people.headers(people.lead_n)
    ).json()
    assert [(c["status"], c["reason"]) for c in history] == [
        ("not_ready", "shift_start"),
        ("not_ready", "break"),
        ("ready", None),
    ]
    # a newer change moves it on; the same time as the current one: the later stored wins
    at = ago(1)
    assert post(people, people.op_n1, change("op_n1", "acw", at=at)).status_code == 201
    assert post(people, people.op_n1, change("op_n1", "offline", at=at)).status_code == 201
    assert board(people, people.lead_n)["op_n1"]["status"] == "offline"
    assert count(database) == 5


@pytest.mark.usefixtures("catalogue")
def test_the_board_is_scoped(people: People) -> None:
    assert post(people, people.op_s1, change("op_s1", "ready")).status_code == 201
    north = board(people, people.lead_n)
    assert set(north) == {"op_n1", "op_n2"}
    assert north["op_n1"]["status"] == "offline" and north["op_n1"]["source"] == "system"
    assert set(board(people, people.admin)) == {"op_n1", "op_n2", "op_s1"}
    south = board(people, people.admin, team="south")
    assert south["op_s1"]["status"] == "ready" and south["op_s1"]["routable"] is True
    assert set(board(people, people.lead_s)) == {"op_s1"}
    get = people.client.get
    assert get("/statuses/board", headers=people.headers(people.op_n1)).status_code == 403
    assert (
        get("/statuses/board", params={"team": "south"}, headers=people.headers(people.lead_n)).status_code
        == 403
    )
    assert (
        get("/statuses/board", params={"team": "nowhere"}, headers=people.headers(people.admin)).status_code
        == 404
    )
    assert get("/statuses/board").status_code == 401


@pytest.mark.usefixtures("catalogue")
def test_history_is_scoped_and_filtered(people: People) -> None:
    for minutes in (50, 40, 30):
        assert post(people, people.op_n1, change("op_n1", "ready", at=ago(minutes))).status_code == 201
    assert post(people, people.op_s1, change("op_s1", "ready", at=ago(45))).status_code == 201

    def get(who: TestUser, **params: Any) -> httpx.Response:
        return people.client.get("/statuses/history", params=params, headers=people.headers(who))

    assert [c["operator"] for c in get(people.lead_n).json()] == ["op_n1"] * 3
    assert [c["operator"] for c in get(people.admin).json()] == ["op_n1", "op_s1", "op_n1", "op_n1"]
    window = get(people.admin, since=ago(46), until=ago(35)).json()
    assert [c["operator"] for c in window] == ["op_s1", "op_n1"]
    assert len(get(people.admin, limit=2).json()) == 2
    assert get(people.lead_n, operator="op_s1").status_code == 403
    assert get(people.op_n1, operator="op_n1").status_code == 403
    assert get(people.admin, operator="ghost").status_code == 404
    assert get(people.admin, since=ago(10), until=ago(20)).status_code == 422
    assert get(people.admin, since="yesterday").status_code == 422
    assert get(people.admin, since="2026-03-02T10:00:00").status_code == 422  # naive
    assert get(people.admin, limit=0).status_code == 422


def _token(people: People, who: TestUser) -> str:
    return people.headers(who)["Authorization"].removeprefix("Bearer ")


@pytest.mark.usefixtures("catalogue")
def test_the_live_feed_pushes_a_team_its_changes(people: People, client: TestClient) -> None:
    with (
        client.websocket_connect(f"/statuses/live?token={_token(people, people.lead_n)}") as north,
        client.websocket_connect(f"/statuses/live?token={_token(people, people.lead_s)}") as south,
        client.websocket_connect(f"/statuses/live?token={_token(people, people.admin)}") as admin,
    ):
        stored = post(people, people.op_n1, change("op_n1", "not_ready", reason="break"))
        assert stored.status_code == 201
        assert north.receive_json() == stored.json()
        assert admin.receive_json() == stored.json()
        south_change = post(people, people.op_s1, change("op_s1"))
        # south's lead receives its own team's change and nothing of north's before it
        assert south.receive_json() == south_change.json()
        assert admin.receive_json() == south_change.json()
        last = post(people, people.op_n2, change("op_n2"))
        assert north.receive_json() == last.json()  # not op_s1's


@pytest.mark.parametrize(
    ("token", "code", "reason"),
    [
        ("", 4401, "send ?token="),
        ("garbage", 4401, "invalid access token"),
        ("operator", 4403, "team_lead or admin"),
    ],
)
def test_the_live_feed_refuses(
    people: People, client: TestClient, token: str, code: int, reason: str
) -> None:
    if token == "operator":
        token = _token(people, people.op_n1)
    with (
        client.websocket_connect(f"/statuses/live?token={token}") as ws,
        pytest.raises(WebSocketDisconnect) as info,
    ):
        ws.receive_text()
    assert info.value.code == code
    assert reason in info.value.reason


def test_an_expired_token_is_refused(people: People, client: TestClient, settings: Settings) -> None:
    token, _ = create_access_token(
        settings,
        user_id=people.lead_n.id,
        role=Role.TEAM_LEAD,
        team="north",
        now=datetime.now(UTC) - timedelta(days=1),
    )
    with (
        client.websocket_connect(f"/statuses/live?token={token}") as ws,
        pytest.raises(WebSocketDisconnect) as info,
    ):
        ws.receive_text()
    assert (info.value.code, info.value.reason) == (4401, "access token expired")


def test_a_slow_subscriber_is_dropped_not_waited_for() -> None:
    async def scenario() -> None:
        feed = StatusFeed()
        slow = feed.subscribe(TeamScope(all_teams=True, team_ids=frozenset()).allows)
        fast = feed.subscribe(TeamScope(all_teams=False, team_ids=frozenset({1})).allows)
        for i in range(QUEUE_SIZE + 1):
            feed.publish(f"m{i}", 1)
            assert await fast.queue.get() == f"m{i}"
        feed.publish("other team", 2)
        assert slow.dropped and await slow.queue.get() is None
        assert not fast.dropped and fast.queue.empty()
        assert feed.subscriber_count == 1

    asyncio.run(scenario())


def post_keyed(people: People, who: TestUser, body: dict[str, Any], key: str) -> httpx.Response:
    headers = people.headers(who) | {"Idempotency-Key": key}
    return people.client.post("/statuses", json=body, headers=headers)


@pytest.mark.usefixtures("catalogue")
def test_a_replayed_change_is_stored_once(people: People, database: Database) -> None:
    key = str(uuid.uuid4())
    body = change("op_n1", "not_ready", reason="break", at=ago(10))
    first = post_keyed(people, people.op_n1, body, key)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    # the desktop did not see the answer and replays it, with the time written in another offset
    moscow = datetime.fromisoformat(body["at"]).astimezone(timezone(timedelta(hours=3))).isoformat()
    again = post_keyed(people, people.op_n1, body | {"at": moscow}, key)
    assert again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(database) == 1
    # the reason retired meanwhile: the replay still answers with what was stored
    retired = REASONS[0] | {"active": False}
    response = people.client.put(
        "/catalogue/reasons/break", json=retired, headers=people.headers(people.admin)
    )
    assert response.status_code == 200
    assert post_keyed(people, people.op_n1, body, key).json() == first.json()
    # the same key for another change is refused and stores nothing
    other = post_keyed(people, people.op_n1, change("op_n1", "ready"), key)
    assert other.status_code == 422
    assert "already used for a different status change" in other.json()["detail"]
    assert count(database) == 1
    # without a key every post is stored
    plain = change("op_n1", "ready", at=ago(5))
    assert post(people, people.op_n1, plain).status_code == 201
    assert post(people, people.op_n1, plain).status_code == 201
    assert count(database) == 3


@pytest.mark.usefixtures("catalogue")
def test_a_team_lead_replay_is_audited_once(people: People, database: Database) -> None:
    key = str(uuid.uuid4())
    body = change("op_n2", "ready")
    first = post_keyed(people, people.lead_n, body, key)
    assert first.status_code == 201 and first.json()["by"] == "lead_n"
    again = post_keyed(people, people.lead_n, body, key)
    assert (again.status_code, again.json()) == (201, first.json())
    assert len(audit_rows(database, "status.change")) == 1
    # someone else's key does not open their change to others
    assert post_keyed(people, people.lead_s, body, key).status_code == 403
    assert count(database) == 1


@pytest.mark.parametrize("key", ["not-a-uuid", "", "12345"])
@pytest.mark.usefixtures("catalogue")
def test_the_key_must_be_a_uuid(people: People, database: Database, key: str) -> None:
    response = post_keyed(people, people.op_n1, change("op_n1"), key)
    assert response.status_code == 400
    assert "must be a UUID" in response.json()["detail"]
    assert count(database) == 0


@pytest.mark.usefixtures("catalogue")
def test_two_replays_at_once_store_one_change(
    people: People, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request looks the key up before the first has stored it: the unique constraint
    turns its insert into a replay."""
    key = str(uuid.uuid4())
    body = change("op_n1")
    first = post_keyed(people, people.op_n1, body, key)
    assert first.status_code == 201
    monkeypatch.setattr(crud_statuses, "get_by_key", _miss_once(crud_statuses.get_by_key))
    again = post_keyed(people, people.op_n1, body, key)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(database) == 1


def _miss_once(real: Any) -> Any:
    calls = {"n": 0}

    def get_by_key(session: Any, *, key: uuid.UUID) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(session, key=key)

    return get_by_key
