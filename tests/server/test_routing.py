"""``GET /routing/next``: longest-idle ready first, back of queue only when nobody ready is free,
never break, training, ACW or a call; queues and the key respected. An answer reserves the operator
until their status changes or ``routing_offer_seconds`` pass, also between concurrent requests to a
real server (two workers on PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import text, update

from server.api.main import create_app
from server.crud.routing import offer_next
from server.crud.statuses import record_change
from server.db import Database
from server.models import OperatorCurrentStatus, OperatorStatus, StatusSource, User, utcnow
from server.settings import Settings
from tests.server.conftest import TEST_SECRET
from tests.server.helpers import People, TestClient, TestUser, add_user
from tests.server.live import LiveServer
from tests.server.test_workers import _pids as worker_pids

KEY = "routing-test-key"
#: ``routing_offer_seconds`` for the expiry tests: short, so they sleep a fraction of a second.
QUICK_OFFER = 0.3
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


@pytest.fixture
def quick_client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """A client of an app whose offers last :data:`QUICK_OFFER` seconds."""
    quick = settings.model_copy(update={"routing_key": SecretStr(KEY), "routing_offer_seconds": QUICK_OFFER})
    with TestClient(create_app(quick, database=database)) as client:
        yield client


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


def test_an_answer_reserves_the_operator(
    people: People, phones: dict[str, TestUser], client: TestClient
) -> None:
    op1, op2, op3 = phones["op_n1"], phones["op_n2"], phones["op_n3"]
    set_status(people, op1, 10, "ready")
    set_status(people, op2, 20, "ready")
    set_status(people, op3, 30, "not_ready", "back_of_queue")  # answers "vip" only
    assert route(client) == (200, "sip:1002@pbx.test")
    assert route(client) == (200, "sip:1001@pbx.test")  # op2 is ringing: the next one
    assert route(client) == (404, "none")  # only reserved operators left: not offered again
    assert route(client, "vip") == (200, "sip:1003@pbx.test")  # back of queue: both ready ones ringing
    assert route(client, "vip") == (404, "none")


def test_a_status_change_ends_the_reservation(
    people: People, phones: dict[str, TestUser], client: TestClient
) -> None:
    op1 = phones["op_n1"]
    set_status(people, op1, 10, "ready")
    assert route(client) == (200, "sip:1001@pbx.test")
    assert route(client) == (404, "none")
    set_status(people, op1, 20, "not_ready", "break")  # stored late, older than "ready": not current
    assert route(client) == (404, "none")  # so the reservation holds
    set_status(people, op1, 0.02, "on_call")  # picked up
    assert route(client) == (404, "none")
    set_status(people, op1, 0.01, "ready")  # after the call: free at once, no wait for the window
    assert route(client) == (200, "sip:1001@pbx.test")
    assert route(client) == (404, "none")
    set_status(people, op1, 0, "not_ready", "back_of_queue")  # any change ends it, to a routable one too
    assert route(client) == (200, "sip:1001@pbx.test")


def test_a_reservation_expires(people: People, phones: dict[str, TestUser], quick_client: TestClient) -> None:
    op1, op2 = phones["op_n1"], phones["op_n2"]
    set_status(people, op1, 10, "ready")
    set_status(people, op2, 20, "ready")
    assert route(quick_client) == (200, "sip:1002@pbx.test")
    assert route(quick_client) == (200, "sip:1001@pbx.test")
    assert route(quick_client) == (404, "none")
    time.sleep(QUICK_OFFER + 0.1)
    assert route(quick_client) == (200, "sip:1002@pbx.test")  # both free again, op2 offered first
    assert route(quick_client) == (200, "sip:1001@pbx.test")


def test_asked_again_after_a_ring_out_someone_else_gets_the_call(
    people: People, phones: dict[str, TestUser], quick_client: TestClient
) -> None:
    op1, op2 = phones["op_n1"], phones["op_n2"]
    set_status(people, op1, 10, "ready")
    set_status(people, op2, 20, "ready")
    assert route(quick_client) == (200, "sip:1002@pbx.test")  # rings out: no status change
    time.sleep(QUICK_OFFER + 0.1)
    # The reservation is over, but op2 counts as idle only since the offer: op1 waited longer.
    assert route(quick_client) == (200, "sip:1001@pbx.test")
    assert route(quick_client) == (200, "sip:1002@pbx.test")  # the only one free, window passed


def test_an_offer_in_progress_is_skipped_not_waited_for(
    backend: str, people: People, phones: dict[str, TestUser], database: Database
) -> None:
    """Two transactions at once on PostgreSQL: the second skips the row the first has locked."""
    if backend != "postgresql":
        pytest.skip("SQLite runs one transaction at a time (BEGIN IMMEDIATE)")
    set_status(people, phones["op_n1"], 10, "ready")
    set_status(people, phones["op_n2"], 20, "ready")
    hold = timedelta(seconds=30)
    with database.session() as first, database.session() as second:
        assert offer_next(first, queue="support", now=utcnow(), hold=hold) == "sip:1002@pbx.test"
        second.execute(text("SET LOCAL lock_timeout = '2s'"))  # waiting would be an error, not a hang
        assert offer_next(second, queue="support", now=utcnow(), hold=hold) == "sip:1001@pbx.test"
        first.commit()
        second.commit()
    with database.session() as third:
        assert offer_next(third, queue="support", now=utcnow(), hold=hold) is None


OPERATORS = 8
MAX_ROUNDS = 20


def test_concurrent_asks_get_distinct_operators(
    backend: str, settings: Settings, database: Database, tmp_path: Path
) -> None:
    """N free operators, N + 1 asks at once over fresh connections to a real server (two workers on
    PostgreSQL, one on SQLite): N distinct operators and one 404. Rounds repeat until both workers
    answered asks (PostgreSQL)."""
    expected = {f"sip:{2000 + n}@pbx.test" for n in range(OPERATORS)}
    added = [add_user(database, settings, f"op{n}") for n in range(OPERATORS)]
    with database.session() as session:
        for n, operator in enumerate(added):
            user = session.get(User, operator.id)
            assert user is not None
            user.sip_uri = f"sip:{2000 + n}@pbx.test"
            at = datetime.now(UTC) - timedelta(minutes=60 - n)
            record_change(
                session,
                operator=user,
                status=OperatorStatus.READY,
                reason=None,
                at=at,
                source=StatusSource.OPERATOR,
                changed_by=None,
            )
        session.commit()
    env = {
        "RINGDESK_DATABASE_URL": settings.database_url,
        "RINGDESK_SECRET_KEY": TEST_SECRET,
        "RINGDESK_ROUTING_KEY": KEY,
    }
    args = ["--workers", "2"] if backend == "postgresql" else []
    with LiveServer(tmp_path / "server.log", args=args, env=env) as server:
        start = threading.Barrier(OPERATORS + 1)

        def ask(_: int) -> tuple[int, str, str]:
            with httpx.Client(base_url=server.base_url, timeout=10) as fresh:  # a new connection
                start.wait(timeout=10)
                response = fresh.get("/routing/next", params={"queue": "support", "key": KEY})
            return response.status_code, response.text, response.headers["x-request-id"]

        request_ids: set[str] = set()
        with ThreadPoolExecutor(OPERATORS + 1) as pool:
            for rounds in range(1, MAX_ROUNDS + 1):
                answers = list(pool.map(ask, range(OPERATORS + 1)))
                offered = [body for code, body, _ in answers if code == 200]
                assert sorted(offered) == sorted(expected), answers
                assert [(code, body) for code, body, _ in answers if code != 200] == [(404, "none")]
                request_ids |= {request_id for _, _, request_id in answers}
                with database.session() as session:  # everyone free again for the next round
                    session.execute(update(OperatorCurrentStatus).values(offered_at=None))
                    session.commit()
                if rounds >= 3 and (backend == "sqlite" or len(worker_pids(server, request_ids)) == 2):
                    break
        if backend == "postgresql":
            assert len(worker_pids(server, request_ids)) == 2, "one worker answered every ask"


def test_no_queue_list_answers_every_queue(
    people: People, phones: dict[str, TestUser], client: TestClient, database: Database
) -> None:
    """``queues`` unset is SQL NULL or JSON ``null`` (what the ORM writes when it is set to None):
    both answer every queue, checked with each database's own JSON functions."""
    with database.session() as session:
        session.execute(text("UPDATE users SET queues = NULL WHERE name = 'op_n1'"))
        session.execute(text("UPDATE users SET queues = 'null' WHERE name = 'op_n2'"))
        session.commit()
    set_status(people, phones["op_n1"], 10, "ready")
    set_status(people, phones["op_n2"], 20, "ready")
    set_status(people, phones["op_n3"], 30, "ready")
    assert route(client, "sales") == (200, "sip:1002@pbx.test")
    assert route(client, "sales") == (200, "sip:1001@pbx.test")
    assert route(client, "sales") == (404, "none")  # op_n3 answers "vip" only
