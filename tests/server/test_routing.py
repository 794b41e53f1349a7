"""``GET /routing/next``: longest-idle ready first, back of queue only when nobody ready is free,
never break, training, ACW or a call; queues and the key respected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from server.api.main import create_app
from server.db import Database
from server.models import User
from server.settings import Settings
from tests.server.helpers import People, TestClient, TestUser, add_user

KEY = "routing-test-key"
REASONS: list[dict[str, Any]] = [
    {"code": "break", "label_en": "Break", "label_ru": "Перерыв"},
    {"code": "back_of_queue", "label_en": "Back", "label_ru": "В конец", "routable": True},
]


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings.model_copy(update={"routing_key": SecretStr(KEY)}), database=database)


@pytest.fixture
def phones(people: People, database: Database, settings: Settings) -> dict[str, TestUser]:
    for spec in REASONS:
        response = people.client.put(
            f"/catalogue/reasons/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201
    op_n3 = add_user(database, settings, "op_n3", team="north")
    with database.session() as session:
        for name, ext, queues in (
            ("op_n1", "1001", None),
            ("op_n2", "1002", None),
            ("op_n3", "1003", ["vip"]),
        ):
            user = session.query(User).filter_by(name=name).one()
            user.sip_uri, user.queues = f"sip:{ext}@pbx.test", queues
        session.commit()
    return {"op_n1": people.op_n1, "op_n2": people.op_n2, "op_n3": op_n3}


def set_status(
    people: People, who: TestUser, minutes_ago: float, status: str, reason: str | None = None
) -> None:
    at = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat()
    body = {"operator": who.name, "status": status, "reason": reason, "at": at}
    if status == "on_call":
        body["source"] = "system"
    headers = people.headers(who)
    assert people.client.post("/statuses", json=body, headers=headers).status_code == 201


def route(client: TestClient, queue: str = "support", key: str = KEY) -> tuple[int, str]:
    response = client.get("/routing/next", params={"queue": queue, "key": key})
    return response.status_code, response.text


def test_the_rules(people: People, phones: dict[str, TestUser], client: TestClient) -> None:
    op1, op2, op3 = phones["op_n1"], phones["op_n2"], phones["op_n3"]
    assert route(client) == (404, "none")  # nobody logged in
    set_status(people, op1, 10, "ready")
    set_status(people, op2, 20, "ready")
    assert route(client) == (200, "sip:1002@pbx.test")  # idle longest
    set_status(people, op2, 1, "on_call")
    assert route(client) == (200, "sip:1001@pbx.test")
    set_status(people, op1, 0.5, "not_ready", "back_of_queue")
    set_status(people, op3, 0.4, "ready")  # ready, but only for "vip"
    assert route(client) == (200, "sip:1001@pbx.test")  # back of queue: nobody ready is free
    assert route(client, "vip") == (200, "sip:1003@pbx.test")  # ready beats back of queue
    set_status(people, op1, 0.3, "not_ready", "break")
    set_status(people, op2, 0.2, "acw")
    assert route(client) == (404, "none")  # break and ACW never get calls


def test_the_key(client: TestClient, people: People) -> None:
    assert route(client, key="wrong")[0] == 403
    assert route(client, key="")[0] == 403


def test_routing_off_without_a_key(settings: Settings, database: Database) -> None:
    with TestClient(create_app(settings, database=database)) as client:
        assert route(client)[0] == 503
