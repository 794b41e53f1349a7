"""Outgoing webhooks (issue 19) on the app with its real delivery worker, posting to a real HTTP
receiver the test starts: signed deliveries for dispositions, calls, tasks and contacts; retries
with backoff, then ``failed``; a hanging receiver timed out without holding up another endpoint;
replay; the outbox written in the change's own transaction; URLs refused; roles."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from server.db import Database
from server.models import WebhookDelivery, WebhookEvent
from server.settings import Settings
from server.webhooks import events as webhook_events
from server.webhooks.events import EventType
from server.webhooks.urls import BadWebhookUrl, check_url
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import MOBILE, report, task_settings
from tests.server.test_dispositions import call, new_key
from tests.server.webhook_receiver import Received, Receiver

DOCS = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def docs_verify() -> Callable[..., bool]:
    """The ``verify`` function of docs/integrations.md, run as a CRM developer would copy it."""
    text = DOCS.read_text(encoding="utf-8")
    block = re.search(r"<!-- verify-snippet -->\n```python\n(.*?)```", text, re.S)
    assert block is not None, "the verification snippet is missing from docs/integrations.md"
    namespace: dict[str, Any] = {}
    exec(block.group(1), namespace)
    verify: Callable[..., bool] = namespace["verify"]
    return verify


@pytest.fixture
def settings(db_url: str) -> Settings:
    return task_settings(
        make_settings(
            db_url,
            webhook_allowed_hosts="127.0.0.1",
            webhook_poll_seconds=0.05,
            webhook_retry_base_seconds=0.5,
            webhook_max_attempts=3,
            webhook_timeout_seconds=3.0,
            webhook_endpoint_concurrency=2,
        )
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as started:
        yield started


@pytest.fixture
def catalogue(people: People) -> None:
    spec = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
    response = people.client.put(
        "/catalogue/dispositions/sale", json=spec, headers=people.headers(people.admin)
    )
    assert response.status_code == 201, response.text


def register(people: People, url: str, events: list[str]) -> dict[str, Any]:
    response = people.client.post(
        "/webhooks", json={"url": url, "events": events}, headers=people.headers(people.admin)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def in_order(got: list[Received]) -> list[Received]:
    """Deliveries in the order their events happened: they are sent concurrently, so they may arrive
    in another order (docs/integrations.md says so), and receivers sort by ``occurred_at``."""
    return sorted(got, key=lambda r: datetime.fromisoformat(json.loads(r.body)["occurred_at"]))


def post_disposition(people: People, **changes: Any) -> dict[str, Any]:
    response = people.client.post(
        "/dispositions",
        json=call("op_n1", **changes),
        headers=people.headers(people.op_n1) | {"Idempotency-Key": new_key()},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def add_contact(people: People, n: int = 0) -> dict[str, Any]:
    response = people.client.post(
        "/contacts",
        json={"name": f"C{n}", "phones": [f"+7912345{n:04d}"]},
        headers=people.headers(people.op_n1),
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def deliveries(people: People, **query: Any) -> list[dict[str, Any]]:
    response = people.client.get("/webhooks/deliveries", params=query, headers=people.headers(people.admin))
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def wait_for_log(
    people: People, condition: Callable[[list[dict[str, Any]]], bool], timeout: float = 20
) -> list[dict[str, Any]]:
    """The delivery log once ``condition`` holds (the worker records after the receiver answered)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = deliveries(people)
        if condition(rows):
            return rows
        assert time.monotonic() < deadline, f"the delivery log never got there: {rows}"
        time.sleep(0.02)  # polling the log over HTTP: the condition is re-read each time


@pytest.mark.usefixtures("catalogue")
def test_a_stored_disposition_is_delivered_once_signed_with_the_endpoints_secret(
    people: People, receiver: Receiver
) -> None:
    endpoint = register(people, receiver.url, ["disposition.stored"])
    assert endpoint["secret"].startswith("whsec_")
    listed = people.client.get("/webhooks", headers=people.headers(people.admin)).json()
    assert "secret" not in listed[0]  # shown once, when made

    stored = post_disposition(people, comment='Сказал "перезвоните"')
    (got,) = receiver.wait_for(lambda r: len(r) >= 1)

    verify = docs_verify()
    assert verify(endpoint["secret"], got.headers["ringdesk-signature"], got.body)
    assert not verify("whsec_wrong", got.headers["ringdesk-signature"], got.body)
    assert not verify(endpoint["secret"], got.headers["ringdesk-signature"], got.body + b" ")
    assert got.path == "/hooks/ringdesk"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["ringdesk-event"] == "disposition.stored"
    assert got.headers["ringdesk-attempt"] == "1"
    event = json.loads(got.body)
    assert event["type"] == "disposition.stored"
    assert event["data"] == stored  # the disposition as GET /dispositions/{id} shows it
    log = wait_for_log(people, lambda rows: bool(rows) and rows[0]["state"] == "delivered")
    (row,) = log
    assert row["delivery_id"] == got.delivery
    assert (row["attempts"], row["last_status"], row["last_error"]) == (1, 204, None)
    assert row["event_id"] == event["id"] and row["delivered_at"] is not None
    assert row["last_duration_ms"] is not None


@pytest.mark.usefixtures("catalogue")
def test_a_batch_sends_one_event_per_disposition_stored_now(people: People, receiver: Receiver) -> None:
    register(people, receiver.url, ["disposition.stored"])
    first = post_disposition(people)
    items = [{"idempotency_key": new_key(), "disposition": call("op_n1")} for _ in range(2)]
    response = people.client.post(
        "/dispositions/batch", json={"items": items}, headers=people.headers(people.op_n1)
    )
    assert response.status_code == 200, response.text
    ids = {item["disposition"]["id"] for item in response.json()["results"]}
    got = receiver.wait_for(lambda r: len(r) >= 3)
    assert {json.loads(r.body)["data"]["id"] for r in got} == ids | {first["id"]}


@pytest.mark.usefixtures("catalogue")
def test_events_nobody_subscribed_to_are_not_written(
    people: People, database: Database, receiver: Receiver
) -> None:
    register(people, receiver.url, ["call.ended"])
    post_disposition(people)
    contact = people.client.post(
        "/contacts", json={"name": "Ann", "phones": ["+79123456789"]}, headers=people.headers(people.op_n1)
    )
    assert contact.status_code == 201, contact.text
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0


def test_events_are_written_in_the_changes_transaction(
    people: People, database: Database, receiver: Receiver
) -> None:
    register(people, receiver.url, ["contact.changed"])
    with database.session() as session:
        webhook_events.emit(session, EventType.CONTACT_CHANGED, lambda: [{"n": 1}])
        session.rollback()
        assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        webhook_events.emit(session, EventType.CONTACT_CHANGED, lambda: [{"n": 2}])
        session.commit()
    (got,) = receiver.wait_for(lambda r: len(r) >= 1)
    assert json.loads(got.body)["data"] == {"n": 2}


def test_calls_and_contacts_each_send_their_event(
    people: People, receiver: Receiver, database: Database
) -> None:
    register(people, receiver.url, ["contact.changed"])
    created = people.client.post(
        "/contacts", json={"name": "Ann", "phones": ["+79123456789"]}, headers=people.headers(people.op_n1)
    )
    assert created.status_code == 201, created.text
    edited = people.client.patch(
        f"/contacts/{created.json()['id']}",
        json={"city": "Пермь"},
        headers=people.headers(people.op_n1) | {"If-Match": created.headers["ETag"]},
    )
    assert edited.status_code == 200, edited.text
    got = in_order(receiver.wait_for(lambda r: len(r) >= 2))
    changes = [json.loads(r.body)["data"] for r in got]
    assert [(c["created"], c["changed"]) for c in changes] == [(True, []), (False, ["city"])]
    assert changes[1]["contact"]["city"] == "Пермь"


def test_a_missed_call_and_the_callback_task_done_send_their_events(
    people: People, receiver: Receiver
) -> None:
    register(people, receiver.url, ["call.started", "call.ended", "task.done"])
    now = datetime.now(UTC)
    arrived, end = (now - timedelta(seconds=50)).isoformat(), (now - timedelta(seconds=10)).isoformat()
    assert report(people.client, call_id="c-1@pbx", arrived_at=arrived).status_code == 200  # live: no end yet
    ended = report(people.client, call_id="c-1@pbx", arrived_at=arrived, ended_at=end)
    assert ended.status_code == 200, ended.text
    again = report(people.client, call_id="c-1@pbx", arrived_at=arrived, ended_at=end)
    assert again.status_code == 200
    got = in_order(receiver.wait_for(lambda r: len(r) >= 2))
    assert [r.headers["ringdesk-event"] for r in got] == ["call.started", "call.ended"]
    call_ended = json.loads(got[1].body)["data"]
    assert (call_ended["outcome"], call_ended["missed_reason"], call_ended["caller"]) == (
        "missed",
        "abandoned",
        MOBILE,
    )
    operator = people.headers(people.op_n1)
    task = people.client.post("/tasks/next", headers=operator)
    assert task.status_code == 200, task.text
    assert task.json()["id"] == call_ended["task_id"]
    done = people.client.post(
        f"/tasks/{task.json()['id']}/result", json={"outcome": "done"}, headers=operator
    )
    assert done.status_code == 200, done.text
    got = in_order(receiver.wait_for(lambda r: len(r) >= 3))
    assert got[2].headers["ringdesk-event"] == "task.done"
    data = json.loads(got[2].body)["data"]
    assert (data["id"], data["state"]) == (call_ended["task_id"], "done")
    assert len(receiver.received) == 3  # the third report of an ended call sent nothing


def test_a_receiver_failing_forever_is_retried_with_backoff_then_failed_and_slows_no_one(
    people: People, receiver: Receiver
) -> None:
    with Receiver(mode="fail") as failing:
        register(people, failing.url, ["contact.changed"])
        register(people, receiver.url, ["contact.changed"])
        started = time.monotonic()
        for n in range(3):
            add_contact(people, n)
        healthy = receiver.wait_for(lambda r: len(r) >= 3)
        assert len({r.delivery for r in healthy}) == 3
        tries = failing.wait_for(lambda r: len(r) >= 9)  # 3 events x webhook_max_attempts
        log = wait_for_log(people, lambda rows: sum(r["state"] == "failed" for r in rows) == 3)
    # the healthy endpoint had everything before the failing one was done retrying
    assert max(r.at for r in healthy) < min(r.at for r in tries if r.headers["ringdesk-attempt"] == "3")
    by_delivery: dict[str, list[Received]] = {}
    for r in tries:
        by_delivery.setdefault(r.delivery, []).append(r)
    assert len(by_delivery) == 3
    for attempts in by_delivery.values():
        assert [a.headers["ringdesk-attempt"] for a in attempts] == ["1", "2", "3"]
        first_gap, second_gap = attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at
        assert first_gap >= 0.5 * 0.8 - 0.01  # base 0.5 s, jitter 0.8-1.2
        assert second_gap >= 1.0 * 0.8 - 0.01  # doubled
    failed = [r for r in log if r["state"] == "failed"]
    assert {(r["attempts"], r["last_status"], r["last_error"]) for r in failed} == {
        (3, 500, "HTTP 500 Internal Server Error")
    }
    assert time.monotonic() - started < 20


@pytest.mark.usefixtures("catalogue")
def test_a_hanging_receiver_times_out_without_holding_up_another_endpoint_or_dispositions(
    people: People, receiver: Receiver
) -> None:
    post_disposition(people)  # the operator's login, out of the timings
    floor = time.monotonic()
    for _ in range(4):
        post_disposition(people)
    floor = time.monotonic() - floor  # four posts with no webhooks at all
    with Receiver(mode="hang") as hanging:
        register(people, hanging.url, ["disposition.stored"])
        register(people, receiver.url, ["disposition.stored"])
        post_disposition(people)
        hanging.wait_for(lambda r: len(r) >= 1)
        # an attempt hangs now; the endpoint's second slot fills next, nobody else's
        started = time.monotonic()
        for _ in range(4):
            post_disposition(people)
        posting = time.monotonic() - started
        healthy = receiver.wait_for(lambda r: len(r) >= 5)
        hanging.wait_for(lambda r: len(r) >= 2)
        before_timeout = [r for r in deliveries(people) if r["last_error"] is not None]
        hanging_now = len(hanging.received)
        log = wait_for_log(people, lambda rows: any(r["last_error"] == "no answer within 3 s" for r in rows))
    assert len(healthy) == 5 and before_timeout == []  # served while the hanging attempts were open
    assert hanging_now == 2  # webhook_endpoint_concurrency: the others wait their turn
    timed_out = next(r for r in log if r["last_error"] == "no answer within 3 s")
    assert timed_out["last_status"] is None and timed_out["last_duration_ms"] >= 3000
    assert posting < 3 * floor + 0.5  # dispositions are stored as fast as without webhooks


def test_a_failed_delivery_is_replayed_with_the_same_delivery_id(people: People) -> None:
    with Receiver(mode="fail") as flaky:
        register(people, flaky.url, ["contact.changed"])
        add_contact(people)
        (failed,) = wait_for_log(people, lambda rows: bool(rows) and rows[0]["state"] == "failed")
        flaky.mode = "ok"
        response = people.client.post(
            f"/webhooks/deliveries/{failed['id']}/replay", headers=people.headers(people.admin)
        )
        assert response.status_code == 200, response.text
        assert response.json()["state"] in ("pending", "delivering", "delivered")
        got = flaky.wait_for(lambda r: len(r) >= 4)
        (row,) = wait_for_log(people, lambda rows: rows[0]["state"] == "delivered")
    assert {r.delivery for r in got} == {failed["delivery_id"]}
    assert got[3].headers["ringdesk-attempt"] == "1"
    assert (row["attempts"], row["last_status"]) == (1, 204)
    missing = people.client.post("/webhooks/deliveries/999999/replay", headers=people.headers(people.admin))
    assert missing.status_code == 404


def test_a_paused_endpoint_keeps_its_deliveries_until_resumed(people: People, receiver: Receiver) -> None:
    endpoint = register(people, receiver.url, ["contact.changed"])
    admin = people.headers(people.admin)
    paused = people.client.patch(f"/webhooks/{endpoint['id']}", json={"active": False}, headers=admin)
    assert paused.status_code == 200 and paused.json()["active"] is False
    add_contact(people)
    assert [r["state"] for r in deliveries(people)] == ["pending"]
    people.client.patch(f"/webhooks/{endpoint['id']}", json={"active": True}, headers=admin)
    receiver.wait_for(lambda r: len(r) == 1)
    deleted = people.client.delete(f"/webhooks/{endpoint['id']}", headers=admin)
    assert deleted.status_code == 204
    assert deliveries(people) == []


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://crm.example.ru/hook", "only http:// and https://"),
        ("http://127.0.0.2:8040/dispositions", "loopback"),
        ("http://[::ffff:127.0.0.3]/x", "loopback"),
        ("http://[::1]/x", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[fe80::1]/x", "link-local"),
        ("http://0.0.0.0/x", "not a unicast address"),
        ("https://user:pw@crm.example.ru/x", "no user name or password"),
        ("http:///x", "no host"),
    ],
)
def test_a_bad_url_is_refused_with_a_clear_error(people: People, url: str, why: str) -> None:
    response = people.client.post(
        "/webhooks", json={"url": url, "events": ["call.ended"]}, headers=people.headers(people.admin)
    )
    assert response.status_code == 422, response.text
    assert why in json.dumps(response.json())


def test_the_servers_own_address_is_refused_and_an_allowed_host_accepted() -> None:
    own = frozenset({__import__("ipaddress").ip_address("10.0.0.5")})

    def resolver(host: str) -> list[str]:
        return {"crm.lan": ["10.0.0.7"], "self.lan": ["10.0.0.5"], "rebound.example": ["169.254.169.254"]}[
            host
        ]

    assert (
        check_url("https://crm.lan/x", allowed=frozenset(), own=own, resolver=resolver) == "https://crm.lan/x"
    )
    with pytest.raises(BadWebhookUrl, match="an address of this server"):
        check_url("https://self.lan/x", allowed=frozenset(), own=own, resolver=resolver)
    with pytest.raises(BadWebhookUrl, match="metadata"):
        check_url("https://rebound.example/x", allowed=frozenset(), own=own, resolver=resolver)
    assert check_url("https://self.lan/x", allowed=frozenset({"self.lan"}), own=own, resolver=resolver)


def test_only_admins_manage_webhooks(people: People) -> None:
    for user in (people.op_n1, people.lead_n):
        headers = people.headers(user)
        for method, path, body in (
            ("POST", "/webhooks", {"url": "https://crm.example.ru/x", "events": ["call.ended"]}),
            ("GET", "/webhooks", None),
            ("PATCH", "/webhooks/1", {"active": False}),
            ("DELETE", "/webhooks/1", None),
            ("GET", "/webhooks/deliveries", None),
            ("GET", "/webhooks/deliveries/1", None),
            ("POST", "/webhooks/deliveries/1/replay", None),
        ):
            response = people.client.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (user.name, method, path, response.text)
    assert people.client.get("/webhooks").status_code == 401
    assert people.client.get("/webhooks", headers=people.headers(people.admin)).status_code == 200


def test_unknown_event_types_are_refused(people: People) -> None:
    response = people.client.post(
        "/webhooks",
        json={"url": "https://crm.example.ru/x", "events": ["call.exploded"]},
        headers=people.headers(people.admin),
    )
    assert response.status_code == 422
    assert "events.0: Input should be 'call.started'" in response.json()["detail"]


def test_a_delivery_whose_worker_died_is_claimed_again_after_its_lease_with_the_same_id(
    database: Database, settings: Settings
) -> None:
    """A worker killed between claiming and recording (kill -9): nothing is lost, the next claim
    after the lease has it again, and the dead worker's late record changes nothing."""
    from server.models import WebhookEndpoint
    from server.webhooks.delivery import LEASE_MARGIN, Outcome, Policy, claim, record

    with database.session() as session:
        session.add(WebhookEndpoint(url="https://203.0.113.7/x", events=["task.done"], secret="whsec_t"))
        session.commit()
        webhook_events.forget(session)
        webhook_events.emit(session, EventType.TASK_DONE, lambda: [{"id": 1}])
        session.commit()
    policy = Policy.of(settings)
    now = datetime.now(UTC)
    (first,) = claim(database, free={}, total=10, policy=policy, now=now)
    assert claim(database, free={}, total=10, policy=policy, now=now) == []  # claimed once
    later = now + timedelta(seconds=policy.timeout) + LEASE_MARGIN
    assert claim(database, free={}, total=10, policy=policy, now=later - timedelta(seconds=1)) == []
    (again,) = claim(database, free={}, total=10, policy=policy, now=later)
    assert (again.id, again.uid, again.attempt, again.body) == (first.id, first.uid, 2, first.body)
    rng = __import__("random").Random(1)
    assert record(database, first, Outcome(204, None, 5), policy=policy, rng=rng) == "superseded"
    with database.session() as session:
        row = session.scalars(select(WebhookDelivery)).one()
        assert (row.state, row.attempts) == ("delivering", 2)  # the dead worker's record was ignored
    assert record(database, again, Outcome(204, None, 5), policy=policy, rng=rng) == "delivered"
    with database.session() as session:
        assert session.scalars(select(WebhookDelivery.state)).one() == "delivered"
