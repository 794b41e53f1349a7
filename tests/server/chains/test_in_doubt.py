"""An SMS through Kannel whose send's outcome was lost (the provider took it, the worker never heard
back: a kill -9, a lease run out) is *in doubt*: Kannel has no idempotency key, so it is not sent
again blindly. It waits for Kannel's report (which carries our uid): a report marks it sent and the
chain goes on; none within ``kannel_report_wait_seconds`` fails it, still sent once. The manual
clock moves the lease and the wait; the real Kannel and a real kill -9: ``test_live.py``."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from server.chains.clock import ManualClock
from server.db import Database
from server.messaging.base import Provider
from server.models import ChainStep
from server.settings import Settings
from tests.server.chains.fakes import CutOff, Recorder, advance, wait_until
from tests.server.chains.test_runs import ZONE, contact, dispose, messages, runs, upload
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.tasks_support import task_settings

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])
DOC = {
    "id": "one-sms",
    "version": 1,
    "trigger": {"event": "disposition", "codes": ["sale"]},
    "steps": [
        {"id": "sms", "sms": {"text": "Предложение"}, "next": "wait"},
        {"id": "wait", "wait": {"hours": 1}, "next": "done"},
        {"id": "done", "stop": {}},
    ],
}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return task_settings(
        make_settings(
            db_url,
            chain_poll_seconds=0.05,
            chain_lease_seconds=5,
            sms_provider="kannel",
            kannel_report_wait_seconds=600,
            chain_public_url="http://testserver",
        ),
        task_default_time_zone=ZONE,
    )


@pytest.fixture
def providers(kannel: CutOff) -> dict[str, Provider]:
    return {"email": Recorder(), "sms": kannel}


@pytest.fixture
def kannel() -> CutOff:
    return CutOff("kannel")


def _step(database: Database, name: str) -> ChainStep | None:
    with database.session() as session:
        return session.scalars(select(ChainStep).where(ChainStep.step == name)).first()


def _cut_off(people: People, database: Database, app: FastAPI, clock: ManualClock, kannel: CutOff) -> str:
    """The SMS handed to Kannel, its outcome lost, its lease run out: waiting for the report."""
    upload(people, DOC)
    dispose(people, contact(people)["id"])
    (sent,) = wait_until(lambda: kannel.sent, what="the send")
    advance(app, clock, seconds=6)  # the lease runs out: another claim finds the message in doubt

    def waiting() -> bool:
        step = _step(database, "sms")
        return step is not None and step.state == "pending" and "in doubt" in (step.last_error or "")

    wait_until(waiting, what="the step waiting for the report")
    assert sent.report_url is not None
    return sent.report_url


def test_a_report_marks_the_in_doubt_sms_sent_and_the_chain_goes_on(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, kannel: CutOff
) -> None:
    report_url = _cut_off(people, database, app, clock, kannel)
    advance(app, clock, minutes=5)
    assert kannel.attempts == 1  # not sent again while it waits
    answer = people.client.get(report_url + "&kannel=8")  # the SMSC took it
    assert answer.json() == {"state": "sent"}
    wait_until(lambda: _step(database, "wait") is not None, what="the chain going on")
    (message,) = messages(database)
    assert (message.state, message.handed_at, kannel.attempts) == ("sent", None, 1)
    step = _step(database, "sms")
    assert step is not None and step.state == "done"


def test_no_report_within_the_wait_fails_the_sms_and_never_sends_it_twice(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, kannel: CutOff
) -> None:
    _cut_off(people, database, app, clock, kannel)
    for _ in range(9):  # rechecked every minute, the message still queued
        advance(app, clock, minutes=1)
        wait_until(lambda: (s := _step(database, "sms")) is not None and s.state == "pending")
    assert runs(database)[0].state == "running" and kannel.attempts == 1
    advance(app, clock, minutes=2)
    wait_until(lambda: runs(database)[0].state == "failed", what="the run failing")
    (message,) = messages(database)
    assert message.state == "failed" and "not sent again" in (message.last_error or "")
    assert "Kannel did not report on it within 600 s" in (runs(database)[0].reason or "")
    assert kannel.attempts == 1
