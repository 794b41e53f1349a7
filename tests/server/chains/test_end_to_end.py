"""End to end with the real parts: a disposition starts a chain, the e-mail reaches a real SMTP
server (STARTTLS with a self-signed certificate, AUTH required), and with no reaction the SMS
reaches Kannel's fake SMSC after the wait (the worker's clock is moved, nothing sleeps); a client
who called back in between gets no SMS; a client without SMS consent never gets one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from server.chains.clock import ManualClock
from server.db import Database
from server.models import ChainMessage, ChainRun
from server.settings import Settings
from tests.server.chains.fakes import advance, wait_until
from tests.server.chains.support import add_sale_code, chain
from tests.server.chains.test_runs import ZONE, contact, dispose
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import report, task_settings
from tests.support.kannel import SENDER, Kannel, kannel_available
from tests.support.smtp_server import SmtpServer

pytestmark = pytest.mark.skipif(
    not kannel_available(), reason="Kannel not installed (apt-get install kannel kannel-extras)"
)


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    with SmtpServer(tmp_path_factory.mktemp("smtp")) as server:
        yield server


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    with Kannel(tmp_path_factory.mktemp("kannel")) as gateway:
        yield gateway


@pytest.fixture
def settings(db_url: str, smtp: SmtpServer, kannel: Kannel) -> Settings:
    return task_settings(
        make_settings(db_url, chain_poll_seconds=0.05, **smtp.settings(), **kannel.settings()),
        task_default_time_zone=ZONE,
    )


@pytest.fixture
def providers() -> None:
    """The real gateways the settings configure."""
    return None


def _start(people: People, phone: str, **fields: Any) -> dict[str, Any]:
    add_sale_code(people)
    response = people.client.post("/chains", json=chain(), headers=people.headers(people.admin))
    assert response.status_code == 201, response.text
    anna = contact(people, phones=[phone], email=f"{phone[1:]}@example.ru", **fields)
    dispose(people, anna["id"])
    return anna


def _to(kannel: Kannel, phone: str) -> list[str]:
    return [sms.text for sms in kannel.messages() if sms.to == phone]


def _run(database: Database) -> ChainRun:
    with database.session() as session:
        return session.scalars(select(ChainRun)).one()


def test_mail_then_sms_through_smtp_and_kannel(
    *,
    backend: str,
    people: People,
    database: Database,
    app: FastAPI,
    clock: ManualClock,
    smtp: SmtpServer,
    kannel: Kannel,
) -> None:
    phone = f"+7912000000{1 if backend == 'sqlite' else 4}"
    _start(people, phone)

    def sent() -> ChainMessage | None:
        with database.session() as session:
            row = session.scalars(select(ChainMessage).where(ChainMessage.state == "sent")).first()
            return row

    message = wait_until(sent, what="the e-mail recorded as sent")
    assert message is not None
    got = smtp.distinct()[f"<{message.uid}@ringdesk>"]  # the Message-ID is the message's uid
    assert (got.subject, got.body, got.sender) == (
        "Offer for Анна Петрова",
        "Hello Анна Петрова",
        "offers@ringdesk.test",
    )
    assert got.recipients == (f"{phone[1:]}@example.ru",)
    assert got.tls and got.authenticated
    wait_until(lambda: _run(database).steps_taken >= 2, what="the wait started")
    advance(app, clock, hours=1)
    before = len(_to(kannel, phone))  # the module's Kannel also served the other backend's run
    assert wait_until(lambda: _to(kannel, phone)[before:]) == ["Анна Петрова, see your mail"]
    assert kannel.messages()[-1].sender == SENDER
    wait_until(lambda: _run(database).state == "done")


def test_a_call_back_in_between_means_no_sms(
    *,
    backend: str,
    people: People,
    database: Database,
    app: FastAPI,
    clock: ManualClock,
    smtp: SmtpServer,
    kannel: Kannel,
) -> None:
    phone = f"+7912000000{2 if backend == 'sqlite' else 5}"
    _start(people, phone)
    wait_until(lambda: _run(database).steps_taken >= 2)
    answered = report(people.client, call_id="cb-2", outcome="accepted", caller=phone, missed_reason=None)
    assert answered.status_code in (200, 201), answered.text
    advance(app, clock, hours=1)
    wait_until(lambda: _run(database).state == "done")
    assert _to(kannel, phone) == []


def test_without_sms_consent_never_an_sms(
    *, backend: str, people: People, database: Database, app: FastAPI, clock: ManualClock, kannel: Kannel
) -> None:
    phone = f"+7912000000{3 if backend == 'sqlite' else 6}"
    _start(people, phone, consent={"sms": False, "email": True})
    wait_until(lambda: _run(database).steps_taken >= 2)
    advance(app, clock, hours=1)
    wait_until(lambda: _run(database).state == "done")
    assert _to(kannel, phone) == []


def test_smtp_refuses_a_wrong_password_and_the_message_waits(
    people: People, database: Database, smtp: SmtpServer, tmp_path: Path
) -> None:
    import uuid

    from server.messaging.base import Outgoing
    from server.messaging.smtp import SmtpProvider

    settings = make_settings("sqlite://", **(smtp.settings() | {"smtp_password": "wrong"}))
    sent = SmtpProvider(settings).send_now(Outgoing(uuid.uuid4(), "email", "a@example.ru", "s", "b"))
    assert not sent.ok and not sent.permanent and "535" in (sent.error or "")
    plain = make_settings("sqlite://", **(smtp.settings() | {"smtp_security": "none"}))
    refused = SmtpProvider(plain).send_now(Outgoing(uuid.uuid4(), "email", "a@example.ru", "s", "b"))
    assert not refused.ok  # the server requires STARTTLS: nothing goes in clear
