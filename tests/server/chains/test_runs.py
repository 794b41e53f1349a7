"""Chain runs on the app with its real worker and a manual clock, sending through recording
providers: the trigger, waits, the reaction branch, consents, the preferred channel, the client's
night, callback tasks, retries with backoff when a provider is down, bad input."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from server.chains.clock import ManualClock
from server.db import Database
from server.models import ChainMessage, ChainRun, ChainStep, Task
from server.settings import Settings
from tests.server.chains.fakes import Recorder, advance, wait_until
from tests.server.chains.support import add_sale_code, chain
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import report, task_settings
from tests.server.test_dispositions import call, new_key

ZONE = "Europe/Moscow"  # UTC+3 all year
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])
"""Rules of a step the database does not change: on SQLite only (the flows that claim, wait, retry
and stop run on PostgreSQL too), to keep the suite's time down."""


@pytest.fixture
def settings(db_url: str) -> Settings:
    return task_settings(
        make_settings(db_url, chain_poll_seconds=0.05, chain_retry_base_seconds=60, chain_max_attempts=3),
        task_default_time_zone=ZONE,
    )


def upload(people: People, doc: dict[str, Any]) -> None:
    add_sale_code(people)
    response = people.client.post("/chains", json=doc, headers=people.headers(people.admin))
    assert response.status_code == 201, response.text


def contact(people: People, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Анна Петрова",
        "phones": ["+79123456789"],
        "email": "anna@example.ru",
        "time_zone": ZONE,
        "consent": {"sms": True, "email": True, "marketing": True},
    } | fields
    response = people.client.post("/contacts", json=body, headers=people.headers(people.op_n1))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def dispose(people: People, contact_id: int | None, code: str = "sale") -> dict[str, Any]:
    response = people.client.post(
        "/dispositions",
        json=call("op_n1", contact_id=contact_id, code=code, comment="ждёт предложение"),
        headers=people.headers(people.op_n1) | {"Idempotency-Key": new_key()},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def runs(database: Database) -> list[ChainRun]:
    with database.session() as session:
        return list(session.scalars(select(ChainRun).order_by(ChainRun.id)))


def messages(database: Database) -> list[ChainMessage]:
    with database.session() as session:
        return list(session.scalars(select(ChainMessage).order_by(ChainMessage.id)))


def waiting_step(database: Database) -> str | None:
    with database.session() as session:
        step = session.scalars(select(ChainStep).where(ChainStep.state == "pending")).first()
        return step.step if step is not None else None


def run_state(database: Database) -> str:
    (run,) = runs(database)
    return run.state


def test_no_reaction_mail_then_sms_after_the_wait(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, mail: Recorder, sms: Recorder
) -> None:
    upload(people, chain())
    anna = contact(people)
    dispose(people, anna["id"])
    (got,) = wait_until(lambda: mail.sent, what="the e-mail")
    assert (got.recipient, got.subject, got.body) == (
        "anna@example.ru",
        "Offer for Анна Петрова",
        "Hello Анна Петрова",
    )
    wait_until(lambda: waiting_step(database) == "check", what="the wait")
    advance(app, clock, minutes=59)
    assert not sms.sent and waiting_step(database) == "check"
    advance(app, clock, minutes=1)
    (text,) = wait_until(lambda: sms.sent, what="the SMS")
    assert (text.recipient, text.body) == ("+79123456789", "Анна Петрова, see your mail")
    wait_until(lambda: run_state(database) == "done", what="the run's end")
    assert [(m.channel, m.state, m.provider, m.attempts) for m in messages(database)] == [
        ("email", "sent", "smtp", 1),
        ("sms", "sent", "http", 1),
    ]
    assert len(mail.sent) == 1 and len(sms.sent) == 1


def test_a_client_who_called_back_stops_the_chain(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, mail: Recorder, sms: Recorder
) -> None:
    upload(people, chain())
    anna = contact(people)
    dispose(people, anna["id"])
    wait_until(lambda: waiting_step(database) == "check", what="the wait")
    response = report(
        people.client, call_id="back-1", outcome="accepted", caller="+79123456789", missed_reason=None
    )
    assert response.status_code in (200, 201), response.text
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done", what="the run's end")
    assert len(mail.sent) == 1 and sms.sent == []
    with database.session() as session:
        taken = [s.step for s in session.scalars(select(ChainStep).order_by(ChainStep.id))]
    assert taken == ["mail", "wait", "check", "done"]


@SQLITE_ONLY
def test_no_sms_consent_never_gets_the_sms(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, mail: Recorder, sms: Recorder
) -> None:
    upload(people, chain(marketing=True))
    anna = contact(people, consent={"sms": False, "email": True, "marketing": True})
    dispose(people, anna["id"])
    wait_until(lambda: waiting_step(database) == "check")
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done")
    assert len(mail.sent) == 1 and sms.sent == [] and sms.attempts == 0
    skipped = messages(database)[-1]
    assert (skipped.channel, skipped.state, skipped.last_error) == (
        "sms",
        "skipped",
        "the client refused SMS",
    )


def test_marketing_needs_recorded_consent_and_a_withdrawal_stops_the_run(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, mail: Recorder, sms: Recorder
) -> None:
    upload(people, chain(marketing=True))
    unknown = contact(people, consent={})  # nothing recorded: no marketing message at all
    dispose(people, unknown["id"])
    wait_until(lambda: waiting_step(database) == "check")
    assert mail.sent == []
    assert messages(database)[0].last_error == "no e-mail consent recorded (a marketing message needs one)"

    anna = contact(people, phones=["+79123450000"], email="a2@example.ru")
    dispose(people, anna["id"])
    wait_until(lambda: len(mail.sent) == 1)
    patched = people.client.patch(
        f"/contacts/{anna['id']}",
        json={"consent": {"marketing": False}},
        headers=people.headers(people.op_n1) | {"If-Match": f'"{anna["version"]}"'},
    )
    assert patched.status_code == 200, patched.text
    (mine,) = [r for r in runs(database) if r.contact_id == anna["id"]]
    assert (mine.state, mine.reason) == ("stopped", "the client withdrew marketing consent")  # at once
    with database.session() as session:
        left = session.scalars(
            select(ChainStep).where(ChainStep.run_id == mine.id, ChainStep.state == "pending")
        )
        assert list(left) == []
    advance(app, clock, hours=1)
    wait_until(lambda: next(r for r in runs(database) if r.contact_id == unknown["id"]).state == "done")
    assert sms.sent == [] and len(mail.sent) == 1


@SQLITE_ONLY
def test_the_preferred_channel_picks_the_message_of_a_send_step(
    people: People, database: Database, mail: Recorder, sms: Recorder
) -> None:
    doc = chain()
    doc["steps"] = [
        {"id": "hello", "send": {"email": {"subject": "Hi", "body": "Mail"}, "sms": "Text"}, "next": "done"},
        {"id": "done", "stop": {}},
    ]
    upload(people, doc)
    dispose(people, contact(people, preferred_channel="sms")["id"])
    dispose(
        people,
        contact(people, phones=["+79123450001"], email="b@example.ru", preferred_channel="email")["id"],
    )
    wait_until(lambda: all(r.state == "done" for r in runs(database)) and len(runs(database)) == 2)
    assert [m.body for m in sms.sent] == ["Text"] and [m.body for m in mail.sent] == ["Mail"]


@SQLITE_ONLY
def test_an_sms_at_night_waits_for_the_clients_morning(
    people: People, database: Database, app: FastAPI, clock: ManualClock, sms: Recorder
) -> None:
    doc = chain()
    doc["steps"] = [
        {"id": "late", "wait": {"hours": 10}, "next": "sms"},  # 12:00 + 10 h: 22:00 in Moscow
        {"id": "sms", "sms": {"text": "Доброе утро"}, "next": "done"},
        {"id": "done", "stop": {}},
    ]
    upload(people, doc)
    dispose(people, contact(people)["id"])
    wait_until(lambda: waiting_step(database) == "sms")
    advance(app, clock, hours=10)

    def morning() -> tuple[int, int, int] | None:
        with database.session() as session:
            step = session.scalars(select(ChainStep).where(ChainStep.step == "sms")).one()
            local = step.due_at.astimezone(ZoneInfo(ZONE))
            return (
                (local.hour, local.minute, step.attempts)
                if step.state == "pending" and local.hour < 12
                else None
            )

    assert wait_until(morning) == (9, 0, 0)  # Wednesday 9:00, no attempt spent
    assert sms.sent == []
    advance(app, clock, hours=10, minutes=59)  # 08:59 in Moscow
    assert sms.sent == []
    advance(app, clock, minutes=1)
    wait_until(lambda: sms.sent)


def test_a_provider_down_is_retried_with_backoff_then_the_run_fails(
    people: People, database: Database, app: FastAPI, clock: ManualClock, mail: Recorder
) -> None:
    upload(people, chain())
    mail.down = True
    dispose(people, contact(people)["id"])
    wait_until(lambda: messages(database) and messages(database)[0].attempts == 1)
    with database.session() as session:
        step = session.scalars(select(ChainStep)).one()
        assert step.state == "pending" and step.last_error == "connection refused"
        delay = (step.due_at - clock.now()).total_seconds()
    assert 48 <= delay <= 72  # 60 s, jittered
    advance(app, clock, seconds=delay + 1)
    wait_until(lambda: messages(database)[0].attempts == 2)
    mail.down = False
    advance(app, clock, seconds=200)
    wait_until(lambda: messages(database)[0].state == "sent")
    assert len(mail.sent) == 1 and mail.attempts == 3

    mail.refuse = True  # a permanent refusal: no retries, the run fails saying why
    dispose(people, contact(people, phones=["+79123450002"], email="x@example.ru")["id"])
    wait_until(lambda: runs(database)[-1].state == "failed")
    assert runs(database)[-1].reason == "email refused: 550 no such user"
    assert mail.attempts == 4


@SQLITE_ONLY
def test_a_callback_task_goes_to_the_task_queue(people: People, database: Database) -> None:
    doc = chain()
    doc["steps"] = [
        {"id": "task", "callback_task": {"text": "Перезвонить: {{ trigger.comment }}"}, "next": "done"},
        {"id": "done", "stop": {}},
    ]
    upload(people, doc)
    anna = contact(people)
    dispose(people, anna["id"])
    wait_until(lambda: run_state(database) == "done")
    with database.session() as session:
        (task,) = session.scalars(select(Task))
        assert (task.phone, task.contact_id, task.text, task.kind.value) == (
            "+79123456789", anna["id"], "Перезвонить: ждёт предложение", "callback_scheduled",
        )  # fmt: skip


@SQLITE_ONLY
def test_a_card_without_a_printed_value_fails_the_run_clearly(
    people: People, database: Database, mail: Recorder
) -> None:
    doc = chain()
    doc["steps"][0]["email"]["body"] = "Your city: {{ contact.city }}"
    upload(people, doc)
    dispose(people, contact(people)["id"])
    wait_until(lambda: run_state(database) == "failed")
    assert runs(database)[0].reason == "step 'mail': the card has no city for this message"
    assert mail.sent == []


@SQLITE_ONLY
def test_dispositions_no_chain_wants_start_nothing(people: People, database: Database) -> None:
    upload(people, chain(trigger={"event": "disposition", "codes": ["sale"], "segment": "vip"}))
    dispose(people, contact(people)["id"])
    assert runs(database) == []
    people.client.post("/chains/follow/disable", headers=people.headers(people.admin))
    dispose(people, contact(people, phones=["+79123450003"], segment="vip")["id"])
    assert runs(database) == []


@SQLITE_ONLY
def test_the_contacts_history_shows_each_message_with_its_status(
    people: People, database: Database, app: FastAPI, clock: ManualClock, sms: Recorder
) -> None:
    upload(people, chain())
    anna = contact(people, consent={"sms": False, "email": True})
    dispose(people, anna["id"])
    wait_until(lambda: waiting_step(database) == "check")
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done")
    url = f"/contacts/{anna['id']}/history"
    plain = people.client.get(url, headers=people.headers(people.op_n1)).json()
    assert [item["kind"] for item in plain["items"]] == ["call"]  # a client that does not ask: calls only
    items = people.client.get(url, params={"messages": "true"}, headers=people.headers(people.op_n1)).json()[
        "items"
    ]
    messages = [i for i in items if i["kind"] == "message"]
    assert [(m["channel"], m["status"], m["chain"], m["chain_name"]) for m in messages] == [
        ("sms", "skipped", "follow", "Follow-up"),
        ("email", "sent", "follow", "Follow-up"),
    ]
    assert (
        messages[1]["subject"] == "Offer for Анна Петрова" and messages[1]["recipient"] == "anna@example.ru"
    )
    assert messages[0]["error"] == "the client refused SMS"
    with database.session() as session:
        mail = session.scalars(select(ChainMessage).where(ChainMessage.channel == "email")).one()
        mail.state = "delivered"  # as a delivery report sets it (tests/server/chains/test_live.py)
        session.commit()
    items = people.client.get(url, params={"messages": "true"}, headers=people.headers(people.op_n1)).json()[
        "items"
    ]
    assert [i["status"] for i in items if i["kind"] == "message"] == ["skipped", "delivered"]


@SQLITE_ONLY
def test_a_template_beyond_its_budget_fails_its_run_and_holds_up_nobody(
    people: People, database: Database, mail: Recorder
) -> None:
    doc = chain()
    doc["steps"][0]["email"]["body"] = "{{ contact.name * 100000000 }}"  # lints: it is the data that is big
    upload(people, doc)
    dispose(people, contact(people)["id"])
    wait_until(lambda: run_state(database) == "failed")
    reason = runs(database)[0].reason or ""
    assert reason.startswith("step 'mail': the template failed: TooExpensive"), reason
    assert mail.sent == []
    good = chain(id="other", trigger={"event": "disposition", "codes": ["sale"]})
    good["steps"] = [
        {"id": "mail", "email": {"subject": "Hi", "body": "Hello"}, "next": "done"},
        {"id": "done", "stop": {}},
    ]
    response = people.client.post("/chains", json=good, headers=people.headers(people.admin))
    assert response.status_code == 201, response.text
    people.client.post("/chains/follow/disable", headers=people.headers(people.admin))
    dispose(people, contact(people, phones=["+79123450004"], email="c@example.ru")["id"])
    wait_until(lambda: [m.body for m in mail.sent] == ["Hello"])
