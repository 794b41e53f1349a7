"""Replies on the app with its real worker and a manual clock: the HTTP SMS provider's inbound
webhook and the inbound-mail webhook store a client's message, match it to the contact's open run
(the number in any written form, an e-mail's In-Reply-To), and the chain's "reacted" branch takes
the reply path: no SMS follows. The card's history shows the reply. (Kannel's MO messages through
the real gateway: ``test_kannel.py``.)"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from server.chains.clock import ManualClock
from server.db import Database
from server.messaging.base import inbound_key
from server.models import InboundMessage
from server.settings import Settings
from tests.server.chains.fakes import Recorder, advance, wait_until
from tests.server.chains.support import chain
from tests.server.chains.test_runs import ZONE, contact, dispose, messages, run_state, upload, waiting_step
from tests.server.conftest import TEST_SECRET, make_settings
from tests.server.helpers import People
from tests.server.tasks_support import task_settings

KEY = inbound_key(TEST_SECRET)
SMS_FIRST = chain(
    steps=[
        {"id": "offer", "sms": {"text": "Предложение для {{ contact.name }}"}, "next": "wait"},
        {"id": "wait", "wait": {"hours": 1}, "next": "check"},
        {"id": "check", "branch": {"reacted": "done", "otherwise": "again", "reactions": ["reply"]}},
        {"id": "again", "sms": {"text": "Напоминаем о предложении"}, "next": "done"},
        {"id": "done", "stop": {}},
    ]
)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return task_settings(make_settings(db_url, chain_poll_seconds=0.05), task_default_time_zone=ZONE)


def inbound(database: Database) -> list[InboundMessage]:
    with database.session() as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def history(people: People, contact_id: int) -> list[dict[str, Any]]:
    response = people.client.get(
        f"/contacts/{contact_id}/history",
        params={"messages": "true", "inbound": "true"},
        headers=people.headers(people.op_n1),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_an_sms_reply_through_the_webhook_takes_the_replied_path(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, sms: Recorder
) -> None:
    upload(people, SMS_FIRST)
    anna = contact(people)
    dispose(people, anna["id"])
    wait_until(lambda: sms.sent, what="the first SMS")
    wait_until(lambda: waiting_step(database) == "check", what="the wait")
    reply = {"id": "in-1", "from": "8 (912) 345-67-89", "to": "RINGDESK", "text": "<b>Да</b>, звоните"}
    answer = people.client.post(f"/messaging/inbound/sms?key={KEY}", json=reply)
    assert answer.status_code == 200, answer.text
    assert answer.json()["contact_id"] == anna["id"] and not answer.json()["duplicate"]
    again = people.client.post(f"/messaging/inbound/sms?key={KEY}", json=reply)  # the provider retried
    assert again.json()["duplicate"] and len(inbound(database)) == 1
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done", what="the run's end")
    assert [m.body for m in sms.sent] == ["Предложение для Анна Петрова"]  # no reminder
    assert [m.state for m in messages(database)] == ["replied"]
    (stored,) = inbound(database)
    assert (stored.sender, stored.provider, stored.contact_id) == ("+79123456789", "http", anna["id"])
    rows = [i for i in history(people, anna["id"]) if i["kind"] == "message"]
    got = {(r["direction"], r["status"], r["text"], r.get("chain")) for r in rows}
    assert got == {
        ("inbound", "received", "<b>Да</b>, звоните", "follow"),
        ("outbound", "replied", "Предложение для Анна Петрова", "follow"),
    }
    plain = people.client.get(
        f"/contacts/{anna['id']}/history", params={"messages": "true"}, headers=people.headers(people.op_n1)
    )
    assert all(i.get("direction") != "inbound" for i in plain.json()["items"])  # only when asked


def test_without_a_reply_the_reminder_goes(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, sms: Recorder
) -> None:
    upload(people, SMS_FIRST)
    anna = contact(people)
    dispose(people, anna["id"])
    wait_until(lambda: waiting_step(database) == "check", what="the wait")
    other = {"id": "in-2", "from": "+79990001122", "text": "не тот клиент"}  # someone else's SMS
    assert people.client.post(f"/messaging/inbound/sms?key={KEY}", json=other).json()["contact_id"] is None
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done", what="the run's end")
    assert [m.body for m in sms.sent] == ["Предложение для Анна Петрова", "Напоминаем о предложении"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_e_mail_reply_names_its_message_and_a_wrong_key_is_refused(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, mail: Recorder, sms: Recorder
) -> None:
    upload(people, chain())  # e-mail, wait an hour, branch on any reaction, SMS
    anna = contact(people)
    dispose(people, anna["id"])
    (sent,) = wait_until(lambda: mail.sent, what="the e-mail")
    wait_until(lambda: waiting_step(database) == "check", what="the wait")
    reply = {
        "id": "<CAF-1@mail.example.ru>",
        "from": "Анна <ANNA@example.ru>",
        "to": "offers@ringdesk.test",
        "subject": "Re: Offer for Анна Петрова",
        "text": "Спасибо, интересно",
        "in_reply_to": f"<{sent.uid}@ringdesk>",
    }
    assert people.client.post("/messaging/inbound/email?key=" + "0" * 32, json=reply).status_code == 403
    assert people.client.post("/messaging/inbound/email", json=reply).status_code == 422
    answer = people.client.post(f"/messaging/inbound/email?key={KEY}", json=reply)
    assert answer.status_code == 200, answer.text
    (message,) = messages(database)
    assert answer.json()["replied"] == [message.id] and message.state == "replied"
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done", what="the run's end")
    assert sms.sent == []
    (stored,) = inbound(database)
    assert (stored.sender, stored.answers_id, stored.subject) == (
        "anna@example.ru",
        message.id,
        "Re: Offer for Анна Петрова",
    )


def test_the_cli_prints_the_inbound_urls_with_their_key() -> None:
    from tests.server.live import run_cli

    env = {"RINGDESK_SECRET_KEY": TEST_SECRET, "RINGDESK_DATABASE_URL": "sqlite://"}
    missing = run_cli(["chain", "inbound-urls"], env=env)
    assert missing.returncode == 1 and "chain_public_url is not set" in missing.stderr
    shown = run_cli(
        ["chain", "inbound-urls"], env=env | {"RINGDESK_CHAIN_PUBLIC_URL": "https://rd.example.ru/"}
    )
    assert shown.returncode == 0, shown.stderr
    base = "https://rd.example.ru/messaging/inbound"
    assert (
        f'get-url = "{base}/kannel?key={KEY}&from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I"'
        in shown.stdout
    )
    assert f"POST {base}/sms?key={KEY}" in shown.stdout and f"POST {base}/email?key={KEY}" in shown.stdout


@pytest.mark.parametrize("backend", ["sqlite"])
def test_kannels_get_url_is_read_byte_for_byte_and_needs_the_key(people: People, database: Database) -> None:
    """``%b`` of a UCS-2 message holds bytes no text decoding of the query may touch ("+" is a
    space, %2B a plus); a Latin-1 one comes in Kannel's charset; a wrong key or no sender is refused."""
    anna = contact(people)
    ucs2 = "".join(f"%{b:02X}" for b in "Ёлка +1 <b>".encode("utf-16-be")).replace("%20", "+")
    url = f"/messaging/inbound/kannel?key={KEY}&from=%2B79123456789&to=RINGDESK&coding=2&charset=UTF-16BE"
    assert people.client.get(f"{url}&text={ucs2}&id=k-1").status_code == 200
    assert people.client.get(f"{url}&text={ucs2}&id=k-1").status_code == 200  # smsbox retried
    latin = url.replace("coding=2", "coding=0").replace("UTF-16BE", "ISO-8859-1")
    assert people.client.get(f"{latin}&text=caf%E9&id=k-2").status_code == 200
    assert people.client.get(url.replace(KEY, "f" * 32) + "&text=x&id=k-3").status_code == 403
    assert people.client.get(f"/messaging/inbound/kannel?key={KEY}&text=x").status_code == 422
    got = [(m.body, m.sender, m.contact_id) for m in inbound(database)]
    assert got == [("Ёлка +1 <b>", "+79123456789", anna["id"]), ("café", "+79123456789", anna["id"])]
