"""Issue 14, item 3, at the API: an operator's ``/me/live`` connection keeps their desk alive; silent
longer than ``desk_silence_seconds`` they become ``not_ready/connection_lost`` (source ``system``)
once, on the board and in the history; an ended shift, a team lead's socket or a client that never
connected are left alone. (The real thing, with a killed desktop process: tests/faults.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from app.wire.statuses import CONNECTION_LOST
from server.db import Database
from server.models import DeskPresence
from server.presence import mark_seen, sweep
from tests.server.helpers import People, TestUser


def post(client: TestClient, people: People, who: TestUser, status: str, reason: str | None = None) -> None:
    body = {"operator": who.name, "status": status, "reason": reason, "at": datetime.now(UTC).isoformat()}
    answer = client.post("/statuses", json=body, headers=people.headers(who))
    assert answer.status_code == 201, answer.text


def board(client: TestClient, people: People, name: str) -> dict[str, object]:
    rows = client.get("/statuses/board", headers=people.headers(people.admin)).json()
    return next(r for r in rows if r["operator"] == name)


def test_a_silent_desk_becomes_not_routable_once_and_others_are_left_alone(
    people: People, client: TestClient, database: Database
) -> None:
    context = client.app.state.ringdesk  # type: ignore[attr-defined]
    silence = timedelta(seconds=context.settings.desk_silence_seconds)
    post(client, people, people.op_n1, "ready")
    post(client, people, people.op_n2, "ready")  # never opens /me/live: an API client, never swept
    post(client, people, people.op_s1, "ready")
    token = people.headers(people.op_n1)["Authorization"].removeprefix("Bearer ")
    with client.websocket_connect(f"/me/live?token={token}"), database.session() as session:
        assert session.get(DeskPresence, people.op_n1.id) is not None  # alive while connected
    with database.session() as session:
        seen = session.get(DeskPresence, people.op_n1.id)
        assert seen is not None  # the close set when it was last heard
        mark_seen(session, [people.op_s1.id], datetime.now(UTC))  # a desk that ended its shift
        session.commit()
    post(client, people, people.op_s1, "offline")

    with database.session() as session:
        assert sweep(context, session, now=datetime.now(UTC), silence=silence) == []  # not yet
    later = datetime.now(UTC) + silence + timedelta(seconds=1)
    with database.session() as session:
        assert sweep(context, session, now=later, silence=silence) == ["op_n1"]
    with database.session() as session:
        assert sweep(context, session, now=later + silence, silence=silence) == []  # once
    row = board(client, people, "op_n1")
    assert (row["status"], row["reason"], row["source"], row["routable"]) == (
        "not_ready",
        CONNECTION_LOST,
        "system",
        False,
    )
    assert board(client, people, "op_n2")["status"] == "ready"
    assert board(client, people, "op_s1")["status"] == "offline"
    history = client.get(
        "/statuses/history", params={"operator": "op_n1"}, headers=people.headers(people.admin)
    ).json()
    assert [(c["status"], c["reason"]) for c in history] == [("ready", None), ("not_ready", CONNECTION_LOST)]


def test_my_status_is_what_the_board_shows(people: People, client: TestClient) -> None:
    post(client, people, people.op_n1, "ready")
    mine = client.get("/me/status", headers=people.headers(people.op_n1)).json()
    assert (mine["operator"], mine["status"]) == ("op_n1", "ready")
    fresh = client.get("/me/status", headers=people.headers(people.op_n2)).json()
    assert fresh["status"] == "offline"
