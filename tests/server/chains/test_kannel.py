"""A client's SMS through the real Kannel: the fake operator (``fakesmsc`` on an SMSC of its own)
sends an MO message, smsbox's ``sms-service`` calls ringdesk's get-url with the key, the server
matches the sender (written ``8 912...``: normalised to +7) to the contact's open run, and the
chain's branch takes the "replied" path: no second SMS reaches the fake SMSC. The app runs with a
manual clock, served on a real port for Kannel (uvicorn in a thread)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi import FastAPI

from server.chains.clock import ManualClock
from server.db import Database
from server.settings import Settings
from tests.server.chains.fakes import advance, wait_until
from tests.server.chains.test_replies import KEY, SMS_FIRST, history, inbound
from tests.server.chains.test_runs import ZONE, contact, dispose, messages, run_state, upload, waiting_step
from tests.server.conftest import make_settings
from tests.server.helpers import People, TestClient
from tests.server.tasks_support import task_settings
from tests.support.kannel import Kannel, kannel_available
from tests.support.ports import free_port

pytestmark = [
    pytest.mark.skipif(
        not kannel_available(), reason="Kannel not installed (apt-get install kannel kannel-extras)"
    ),
    pytest.mark.parametrize("backend", ["sqlite"]),
]


@pytest.fixture(scope="module")
def port() -> int:
    return free_port("tcp")


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory, port: int) -> Iterator[Kannel]:
    url = f"http://127.0.0.1:{port}/messaging/inbound/kannel?key={KEY}"
    with Kannel(tmp_path_factory.mktemp("kannel"), inbound_url=url) as gateway:
        yield gateway


@pytest.fixture
def settings(db_url: str, kannel: Kannel) -> Settings:
    return task_settings(
        make_settings(db_url, chain_poll_seconds=0.05, **kannel.settings()), task_default_time_zone=ZONE
    )


@pytest.fixture
def providers() -> None:
    """The real gateways the settings configure."""
    return None


@pytest.fixture
def client(app: FastAPI, port: int) -> Iterator[TestClient]:
    """The test's client (which runs the app's lifespan: the chain worker) and the same app on a
    real port for Kannel's get-url."""
    with TestClient(app) as test_client:
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
        )
        thread = threading.Thread(target=server.run, name="uvicorn-for-kannel", daemon=True)
        thread.start()
        wait_until(lambda: server.started, what="the server on its port")
        try:
            yield test_client
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def test_a_kannel_mo_reply_takes_the_replied_path_and_no_sms_follows(
    *, people: People, database: Database, app: FastAPI, clock: ManualClock, kannel: Kannel
) -> None:
    phone = "+79120000107"
    upload(people, SMS_FIRST)
    anna = contact(people, phones=[phone])
    dispose(people, anna["id"])
    first = wait_until(lambda: [m for m in kannel.messages() if m.to == phone], what="the first SMS")
    assert [m.text for m in first] == ["Предложение для Анна Петрова"]
    wait_until(lambda: waiting_step(database) == "check", what="the wait")
    kannel.send_mo("89120000107", "Да, звоните после 18:00")
    (reply,) = wait_until(lambda: inbound(database), what="the reply through Kannel")
    assert (reply.provider, reply.sender, reply.contact_id) == ("kannel", phone, anna["id"])
    assert reply.body == "Да, звоните после 18:00" and reply.external_id  # Kannel's id: stored once
    assert [m.state for m in messages(database)] == ["replied"]
    advance(app, clock, hours=1)
    wait_until(lambda: run_state(database) == "done", what="the run's end")
    assert [m.text for m in kannel.messages() if m.to == phone] == ["Предложение для Анна Петрова"]
    shown = [i for i in history(people, anna["id"]) if i["kind"] == "message" and i["direction"] == "inbound"]
    assert [(i["text"], i["channel"], i["status"]) for i in shown] == [
        ("Да, звоните после 18:00", "sms", "received")
    ]
