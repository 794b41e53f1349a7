"""Outgoing webhooks on a real ``ringdesk-server serve``: an endpoint registered with the
``webhook`` command, a disposition posted over HTTP, a signed delivery arriving at a real receiver;
exactly once across two worker processes on PostgreSQL; the command's refusals."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from server.db import Database
from server.models import Role
from server.webhooks.signing import verify
from tests.server.conftest import TEST_SECRET, make_settings
from tests.server.helpers import add_user
from tests.server.live import LiveServer, run_cli
from tests.server.test_dispositions import call
from tests.server.test_live_server import CHEAP_ARGON2
from tests.server.webhook_receiver import Receiver

PASSWORD = "Pa55-word"


def _env(db_url: str) -> dict[str, str]:
    return {
        "RINGDESK_DATABASE_URL": db_url,
        "RINGDESK_SECRET_KEY": TEST_SECRET,
        "RINGDESK_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "RINGDESK_WEBHOOK_POLL_SECONDS": "0.05",
        "RINGDESK_RECORD_MAX_AGE_DAYS": "3650",  # the shared test calls are dated in March
        **CHEAP_ARGON2,
    }


def _setup(env: dict[str, str], receiver: Receiver) -> str:
    """Users, and the receiver registered with the console command; the secret it printed."""
    database = Database.connect(env["RINGDESK_DATABASE_URL"], pooled=False)
    try:  # users written to the database: a CLI start-up each costs seconds on a loaded machine
        settings = make_settings(env["RINGDESK_DATABASE_URL"])
        add_user(database, settings, "boss", Role.ADMIN, "north", password=PASSWORD)
        add_user(database, settings, "op", Role.OPERATOR, "north", password=PASSWORD)
    finally:
        database.dispose()
    done = run_cli(["webhook", "add", receiver.url, "--events", "disposition.stored"], env=env)
    assert done.returncode == 0, done.stderr
    secret = done.stdout.split("secret (shown once, give it to the receiver): ", 1)[1].strip()
    return secret


def _token(http: httpx.Client, name: str) -> str:
    response = http.post("/auth/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _catalogue(http: httpx.Client) -> None:
    spec = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}
    headers = {"Authorization": f"Bearer {_token(http, 'boss')}"}
    assert http.put("/catalogue/dispositions/sale", json=spec, headers=headers).status_code == 201


def test_a_disposition_posted_to_a_live_server_reaches_the_receiver_signed(
    db_url: str, tmp_path: Path
) -> None:
    env = _env(db_url)
    with Receiver() as receiver:
        secret = _setup(env, receiver)
        with (
            LiveServer(tmp_path / "server.log", env=env) as server,
            httpx.Client(base_url=server.base_url) as http,
        ):
            _catalogue(http)
            headers = {"Authorization": f"Bearer {_token(http, 'op')}", "Idempotency-Key": str(uuid.uuid4())}
            posted = http.post("/dispositions", json=call("op"), headers=headers)
            assert posted.status_code == 201, posted.text
            replayed = http.post(
                "/dispositions", json=call("op") | {"call_id": posted.json()["call_id"]}, headers=headers
            )
            assert replayed.status_code == 201
            (got,) = receiver.wait_for(lambda r: len(r) >= 1)
            log = run_cli(["webhook", "deliveries"], env=env)
    signature = got.headers["ringdesk-signature"]
    timestamp = int(signature.split(",")[0].removeprefix("t="))
    assert verify(secret, signature, got.body, now=timestamp)
    assert json.loads(got.body)["data"]["id"] == posted.json()["id"]
    assert len(receiver.received) == 1  # the replay of the same disposition sent nothing more
    assert re.search(r"\tdelivered\tdisposition.stored\tendpoint \d+\tattempts 1\t204$", log.stdout, re.M)


def _senders_once_recorded(server: LiveServer, total: int, timeout: float = 30) -> Counter[int]:
    """Which worker (pid) sent how many deliveries, once all ``total`` outcomes are in the log (a
    worker records an outcome just after the receiver answered)."""
    deadline = time.monotonic() + timeout
    while True:
        senders = Counter(
            entry["pid"]
            for entry in map(
                json.loads, filter(lambda line: line.startswith("{"), server.log_text().splitlines())
            )
            if entry.get("event") == "webhooks.attempt"
        )
        if sum(senders.values()) >= total or time.monotonic() > deadline:
            return senders
        time.sleep(0.05)  # the log file is re-read: the condition, not the delay, ends the wait


def test_exactly_once_across_two_workers_on_postgresql(backend: str, db_url: str, tmp_path: Path) -> None:
    if backend != "postgresql":
        pytest.skip("several workers need PostgreSQL")
    env = _env(db_url)
    total = 60
    with Receiver() as receiver:
        _setup(env, receiver)
        server = LiveServer(tmp_path / "server.log", args=["--workers", "2"], env=env)
        with server, httpx.Client(base_url=server.base_url) as http:
            _catalogue(http)
            token = _token(http, "op")

            def post(_: int) -> int:
                with httpx.Client(base_url=server.base_url) as own:  # new connections: either worker
                    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
                    return own.post("/dispositions", json=call("op"), headers=headers).status_code

            with ThreadPoolExecutor(8) as pool:
                assert set(pool.map(post, range(total))) == {201}
            got = receiver.wait_for(lambda r: len(r) >= total)
            senders = _senders_once_recorded(server, total)
    counts = Counter(r.delivery for r in got)
    assert len(counts) == total and set(counts.values()) == {1}, counts.most_common(3)
    assert sum(senders.values()) == total
    assert len(senders) == 2, f"one worker sent everything: {senders}"  # both claimed: they competed


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://crm.example.ru/x", "only http:// and https:// URLs can receive webhooks"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata service"),
        ("http://localhost:8040/dispositions", "a loopback address (this machine)"),
    ],
)
def test_the_command_refuses_a_bad_url(db_url: str, url: str, message: str) -> None:
    done = run_cli(["webhook", "add", url, "--events", "all"], env={"RINGDESK_DATABASE_URL": db_url})
    assert done.returncode == 1
    assert "webhook URL refused" in done.stderr and message in done.stderr


def test_the_command_pauses_resumes_and_deletes(db_url: str) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url}
    added = run_cli(["webhook", "add", "https://203.0.113.7/x", "--events", "task.done"], env=env)
    assert added.returncode == 0, added.stderr
    number = added.stdout.split(":", 1)[0].removeprefix("webhook ")  # ids go on across tests on PostgreSQL
    assert run_cli(["webhook", "pause", number], env=env).returncode == 0
    listed = run_cli(["webhook", "list"], env=env).stdout
    assert f"{number}\tpaused\thttps://203.0.113.7/x\ttask.done" in listed and "whsec_" not in listed
    assert run_cli(["webhook", "resume", number], env=env).returncode == 0
    assert f"{number}\tactive\t" in run_cli(["webhook", "list"], env=env).stdout
    assert run_cli(["webhook", "delete", number], env=env).returncode == 0
    assert run_cli(["webhook", "list"], env=env).stdout == ""
    missing = run_cli(["webhook", "pause", number], env=env)
    assert missing.returncode == 1 and f"no webhook endpoint has id {number}" in missing.stderr
    unknown = run_cli(["webhook", "add", "https://203.0.113.7/x", "--events", "call.exploded"], env=env)
    assert unknown.returncode == 1 and "unknown events call.exploded" in unknown.stderr
