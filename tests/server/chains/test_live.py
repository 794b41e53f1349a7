"""Chains on a real ``ringdesk-server serve``: a kill -9 between a message's send and its record
(the provider got it, the server never heard back) neither loses the message nor sends it twice
(the retry carries the same Idempotency-Key / Message-ID, the provider de-duplicates); delivery
reports from the HTTP provider and from Kannel update the message; several worker processes on
PostgreSQL send each message once."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from server.db import Database
from server.models import ChainMessage, ChainRun, ChainStep, Role
from tests.server.chains.fakes import wait_until
from tests.server.conftest import TEST_SECRET, make_settings
from tests.server.helpers import add_user
from tests.server.live import LiveServer
from tests.server.tasks_support import open_zone
from tests.server.test_dispositions import call
from tests.server.test_live_server import CHEAP_ARGON2
from tests.support.kannel import Kannel, kannel_available
from tests.support.patience import patient
from tests.support.ports import free_port
from tests.support.sms_provider import SmsProvider
from tests.support.smtp_server import Mail, SmtpServer

PASSWORD = "Pa55-word"


@pytest.fixture(scope="module")
def smtp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmtpServer]:
    with SmtpServer(tmp_path_factory.mktemp("smtp")) as server:
        yield server


@pytest.fixture
def provider() -> Iterator[SmsProvider]:
    with SmsProvider() as started:
        yield started


def _env(db_url: str, **settings: Any) -> dict[str, str]:
    env = {
        "RINGDESK_DATABASE_URL": db_url,
        "RINGDESK_SECRET_KEY": TEST_SECRET,
        "RINGDESK_RECORD_MAX_AGE_DAYS": "3650",
        "RINGDESK_CHAIN_POLL_SECONDS": "0.05",
        "RINGDESK_CHAIN_LEASE_SECONDS": "2",
        "RINGDESK_TASK_DEFAULT_TIME_ZONE": open_zone(),
        **CHEAP_ARGON2,
    }
    env.update({f"RINGDESK_{k.upper()}": str(v) for k, v in settings.items()})
    return env


class Desk:
    """The admin and an operator of a live server, over HTTP."""

    def __init__(self, server: LiveServer) -> None:
        self.http = httpx.Client(base_url=server.base_url, timeout=10)
        self.tokens = {name: self._login(name) for name in ("boss", "op")}

    def _login(self, name: str) -> dict[str, str]:
        response = self.http.post("/auth/login", json={"name": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def setup(self, steps: list[dict[str, Any]]) -> None:
        spec = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
        self.http.put("/catalogue/dispositions/sale", json=spec, headers=self.tokens["boss"])
        doc = {
            "id": "live",
            "version": 1,
            "trigger": {"event": "disposition", "codes": ["sale"]},
            "steps": steps,
        }
        response = self.http.post("/chains", json=doc, headers=self.tokens["boss"])
        assert response.status_code in (200, 201), response.text

    def contact(self, n: int = 0) -> int:
        body = {
            "name": "Анна",
            "phones": [f"+7912300{n:04d}"],
            "email": f"anna{n}@example.ru",
            "time_zone": open_zone(),
            "consent": {"sms": True, "email": True},
        }
        response = self.http.post("/contacts", json=body, headers=self.tokens["op"])
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def dispose(self, contact_id: int) -> None:
        headers = self.tokens["op"] | {"Idempotency-Key": str(uuid.uuid4())}
        response = self.http.post("/dispositions", json=call("op", contact_id=contact_id), headers=headers)
        assert response.status_code == 201, response.text


def _users(db_url: str) -> None:
    database = Database.connect(db_url, pooled=False)
    try:
        settings = make_settings(db_url)
        add_user(database, settings, "boss", Role.ADMIN, "north", password=PASSWORD)
        add_user(database, settings, "op", Role.OPERATOR, "north", password=PASSWORD)
    finally:
        database.dispose()


def _rows(db_url: str) -> tuple[list[ChainMessage], list[ChainStep], list[ChainRun]]:
    database = Database.connect(db_url, pooled=False)
    try:
        with database.session() as session:
            return (
                list(session.scalars(select(ChainMessage).order_by(ChainMessage.id))),
                list(session.scalars(select(ChainStep).order_by(ChainStep.id))),
                list(session.scalars(select(ChainRun).order_by(ChainRun.id))),
            )
    finally:
        database.dispose()


def _kill(server: LiveServer) -> None:
    pid = server.pid
    assert pid is not None
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _restart_after_kill(server: LiveServer, killed: list[bool]) -> None:
    wait_until(lambda: killed, what="the kill")
    server.stop()  # reaps the killed process
    server.start()


@pytest.mark.parametrize(
    ("channel", "backend"), [("sms", "sqlite"), ("sms", "postgresql"), ("email", "sqlite")]
)
def test_a_kill_9_between_send_and_record_sends_once(
    *, channel: str, backend: str, db_url: str, tmp_path: Path, provider: SmsProvider, smtp: SmtpServer
) -> None:
    _users(db_url)
    settings = provider.settings() if channel == "sms" else smtp.settings()
    env = _env(db_url, **settings)
    step = {"id": "sms", "sms": {"text": "Предложение"}} if channel == "sms" else {
        "id": "mail", "email": {"subject": "Предложение", "body": "Текст"},
    }  # fmt: skip
    killed: list[bool] = []
    server = LiveServer(tmp_path / "server.log", env=env)
    before = len(smtp.received)

    def kill_once(_: Any) -> None:
        if not killed:
            _kill(server)  # the provider has the message; the server dies before it hears back
            killed.append(True)

    if channel == "sms":
        provider.on_message = kill_once
    else:
        smtp.on_data = kill_once
    try:
        with server:
            desk = Desk(server)
            desk.setup([step | {"next": "done"}, {"id": "done", "stop": {}}])
            desk.dispose(desk.contact())
            _restart_after_kill(server, killed)
            wait_until(lambda: _rows(db_url)[2][0].state == "done", what="the run's end after the restart")
    finally:
        smtp.on_data = None
    messages, steps, _ = _rows(db_url)
    (message,) = messages
    assert (message.state, message.attempts) == ("sent", 1)
    assert steps[0].attempts == 2  # claimed before the kill and again after the lease ran out
    if channel == "sms":
        assert len(provider.requests) == 2
        assert {r.key for r in provider.requests} == {str(message.uid)}  # the same key both times
        assert len(provider.messages) == 1  # ... so the provider sent one SMS
        assert message.provider_ref == "p-1"
    else:
        mails: list[Mail] = smtp.received[before:]
        assert len(mails) == 2 and {m.message_id for m in mails} == {f"<{message.uid}@ringdesk>"}


class SendsmsProxy:
    """Stands between the server and smsbox's sendsms: forwards each request, and once smsbox has
    accepted the first one, kills the server before the answer reaches it (the kill -9 between the
    send and its record), then answers the dead connection."""

    def __init__(self, target: str, on_sent: Callable[[], None]) -> None:
        owner = self
        self.target, self.on_sent, self.forwarded = target, on_sent, 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                query = self.path.partition("?")[2]
                answer = httpx.get(f"{owner.target}?{query}", timeout=10)
                owner.forwarded += 1
                owner.on_sent()
                self.send_response(answer.status_code)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(answer.content)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port("tcp")), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/sendsms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.skipif(
    not kannel_available(), reason="Kannel not installed (apt-get install kannel kannel-extras)"
)
@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_kill_9_between_send_and_record_sends_once_through_kannel(db_url: str, tmp_path: Path) -> None:
    """Kannel has no idempotency key: the in-doubt SMS is not sent again but waits for Kannel's
    report (its dlr-url carries our uid; smsbox retries it while the server is down), which marks
    it sent. The fake SMSC sees one message."""
    _users(db_url)
    (tmp_path / "kannel").mkdir()
    killed: list[bool] = []
    with Kannel(tmp_path / "kannel") as kannel:
        server = LiveServer(tmp_path / "server.log")

        def kill_once() -> None:
            if not killed:
                _kill(server)  # smsbox has the message; the server dies before it hears back
                killed.append(True)

        proxy = SendsmsProxy(kannel.sendsms_url, kill_once)
        settings = kannel.settings() | {"kannel_sendsms_url": proxy.url}
        server.env.update(_env(db_url, **settings))
        server.env["RINGDESK_CHAIN_PUBLIC_URL"] = server.base_url
        try:
            with server:
                desk = Desk(server)
                desk.setup(
                    [{"id": "sms", "sms": {"text": "Привет"}, "next": "done"}, {"id": "done", "stop": {}}]
                )
                desk.dispose(desk.contact(7))
                _restart_after_kill(server, killed)
                wait_until(
                    lambda: _rows(db_url)[2][0].state == "done", what="the run's end after the restart"
                )
        finally:
            proxy.close()
        (message,) = _rows(db_url)[0]
        assert message.state in ("sent", "delivered") and message.handed_at is None
        assert proxy.forwarded == 1  # never handed to Kannel a second time ...
        assert [m.text for m in kannel.messages() if m.to == "+79123000007"] == ["Привет"]  # ... one SMS


@pytest.mark.parametrize("backend", ["sqlite"])
def test_delivery_reports_from_the_http_provider(db_url: str, tmp_path: Path, provider: SmsProvider) -> None:
    _users(db_url)
    server = LiveServer(tmp_path / "server.log", env=_env(db_url, **provider.settings()))
    server.env["RINGDESK_CHAIN_PUBLIC_URL"] = server.base_url
    with server:
        desk = Desk(server)
        desk.setup([{"id": "sms", "sms": {"text": "Hi"}, "next": "done"}, {"id": "done", "stop": {}}])
        desk.dispose(desk.contact())
        (sms,) = provider.wait_for(1)
        key = str(sms["id"])
        assert sms["report_url"].startswith(f"{server.base_url}/messaging/reports/{key}?sig=")
        wait_until(lambda: _rows(db_url)[0] and _rows(db_url)[0][0].state == "sent")
        assert provider.report(key, "delivered").json() == {"state": "delivered"}
        assert provider.report(key, "undelivered").json() == {"state": "delivered"}  # never back
        forged = httpx.post(sms["report_url"].replace("sig=", "sig=0"), json={"status": "failed"})
        assert forged.status_code == 422
        wrong = httpx.post(sms["report_url"][:-4] + "abcd", json={"status": "failed"})
        assert wrong.status_code == 403
    (message,) = _rows(db_url)[0]
    assert message.state == "delivered" and message.delivered_at is not None


@pytest.mark.skipif(
    not kannel_available(), reason="Kannel not installed (apt-get install kannel kannel-extras)"
)
@pytest.mark.parametrize("backend", ["sqlite"])
def test_kannel_reports_delivery(db_url: str, tmp_path: Path) -> None:
    _users(db_url)
    (tmp_path / "kannel").mkdir()
    with Kannel(tmp_path / "kannel") as kannel:
        server = LiveServer(tmp_path / "server.log", env=_env(db_url, **kannel.settings()))
        server.env["RINGDESK_CHAIN_PUBLIC_URL"] = server.base_url
        with server:
            desk = Desk(server)
            desk.setup([{"id": "sms", "sms": {"text": "Привет"}, "next": "done"}, {"id": "done", "stop": {}}])
            desk.dispose(desk.contact())
            (got,) = kannel.wait_for(1)
            assert (got.to, got.text) == ("+79123000000", "Привет")
            wait_until(
                lambda: _rows(db_url)[0] and _rows(db_url)[0][0].state == "delivered", what="the report"
            )


def test_two_workers_on_postgresql_send_each_message_once(
    backend: str, db_url: str, tmp_path: Path, provider: SmsProvider
) -> None:
    if backend != "postgresql":
        pytest.skip("several workers need PostgreSQL")
    _users(db_url)
    total = 40
    # A lease long enough for a loaded machine: "never sent twice" holds while a worker records a
    # send within its lease (2 s here is for the kill -9 tests; the default is 120 s). The chain
    # workers run at nice 10 beside the HTTP workers and everything else on the machine.
    env = _env(db_url, **provider.settings(), chain_lease_seconds=30)
    server = LiveServer(tmp_path / "server.log", args=["--workers", "2"], env=env)
    with server:
        desk = Desk(server)
        desk.setup([{"id": "sms", "sms": {"text": "Hi"}, "next": "done"}, {"id": "done", "stop": {}}])
        for n in range(total):
            desk.dispose(desk.contact(n))
        provider.wait_for(total, timeout=patient(60))
        deadline = time.monotonic() + patient(30)
        while any(r.state != "done" for r in _rows(db_url)[2]):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert server.pid is not None
        chain_workers = _chain_processes(server.pid)
        served_nice = _nice(server.pid)
    assert len(provider.requests) == total  # no message was sent twice, not even to be de-duplicated
    # the chains were worked by processes of their own, one per HTTP worker, 10 below the requests'
    # priority (the tests may run niced already: 19 is the floor)
    assert [nice for _, nice in chain_workers] == [min(19, served_nice + 10)] * 2


def _nice(pid: int) -> int:
    return int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[16])


def _chain_processes(group: int) -> list[tuple[int, int]]:
    """``(pid, nice)`` of the chain worker processes in process group ``group`` (the served app)."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if int(fields[2]) == group and b"server.chains.process" in command:
            found.append((int(proc.name), int(fields[16])))
    return found
