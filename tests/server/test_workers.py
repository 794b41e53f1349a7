"""``ringdesk-server serve --workers N``: a real uvicorn with two worker processes on PostgreSQL.

The kernel hands each new connection to whichever worker accepts it first. Each test opens fresh
connections until the log (one JSON line per request, with the worker's ``pid``) shows that both
workers answered, so what it checks did cross from one process to the other.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from tests.server.conftest import TEST_SECRET
from tests.server.live import LiveServer, run_cli
from tests.server.test_live_server import CHEAP_ARGON2

ATTEMPTS = 60
PBX_KEY = "pbx2-key-0123456789"


def _pids(server: LiveServer, request_ids: set[str]) -> set[int]:
    """The worker pids that answered the requests ``request_ids`` (from the request log)."""
    pids: set[int] = set()
    for line in server.log_text().splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            if entry.get("event") == "http.request" and entry.get("request_id") in request_ids:
                pids.add(entry["pid"])
    return pids


@pytest.fixture
def two_workers(backend: str, db_url: str, tmp_path: Path) -> LiveServer:
    if backend != "postgresql":
        pytest.skip("several workers need PostgreSQL (SQLite is refused: see test_sqlite_refuses...)")
    env = {
        "RINGDESK_DATABASE_URL": db_url,
        "RINGDESK_SECRET_KEY": TEST_SECRET,
        "RINGDESK_LOGIN_MAX_FAILURES": "3",
        "RINGDESK_SOURCE_KEYS": f"pbx2:{PBX_KEY}",  # a PBX's waiting callers (test_pbx_waiting_posted)
        **CHEAP_ARGON2,
    }
    for name, role in (("lead", "team_lead"), ("op", "operator")):
        added = run_cli(
            ["user", "add", name, "--role", role, "--team", "north"], env=env, stdin="Pa55-word\n"
        )
        assert added.returncode == 0, added.stderr
    return LiveServer(tmp_path / "server.log", args=["--workers", "2"], env=env)


def _token(http: httpx.Client, name: str) -> str:
    response = http.post("/auth/login", json={"name": name, "password": "Pa55-word"})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_a_status_stored_by_either_worker_reaches_a_subscriber_of_the_other(two_workers: LiveServer) -> None:
    with two_workers as server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        lead, operator = _token(http, "lead"), _token(http, "op")
        ws_url = server.base_url.replace("http://", "ws://") + f"/statuses/live?token={lead}"
        with connect(ws_url) as subscriber:
            request_ids: set[str] = set()
            statuses = ("ready", "acw")
            for n in range(ATTEMPTS):
                body = {"operator": "op", "status": statuses[n % 2], "at": datetime.now(UTC).isoformat()}
                with httpx.Client(base_url=server.base_url, timeout=10) as fresh:  # a new connection
                    response = fresh.post(
                        "/statuses", json=body, headers={"Authorization": f"Bearer {operator}"}
                    )
                assert response.status_code == 201, response.text
                request_ids.add(response.headers["x-request-id"])
                pushed = json.loads(subscriber.recv(timeout=5))
                assert (pushed["id"], pushed["status"]) == (response.json()["id"], statuses[n % 2])
                if n >= 3 and len(_pids(server, request_ids)) == 2:
                    break
            assert len(_pids(server, request_ids)) == 2, "every post went to one worker: nothing crossed"
        # a PBX's waiting callers cross the same way, and every worker reads them (issue 20)
        from tests.server.test_pbx_waiting_posted import check_posted_waiting

        check_posted_waiting(server, lead)


def test_the_login_throttle_counts_across_workers(two_workers: LiveServer) -> None:
    with two_workers as server:
        answers: list[int] = []
        request_ids: set[str] = set()
        for _ in range(ATTEMPTS):
            with httpx.Client(base_url=server.base_url, timeout=10) as fresh:
                response = fresh.post("/auth/login", json={"name": "lead", "password": "wrong"})
            answers.append(response.status_code)
            request_ids.add(response.headers["x-request-id"])
            if len(answers) > 4 and len(_pids(server, request_ids)) == 2:
                break
        assert answers[:3] == [401, 401, 401]
        assert set(answers[3:]) == {429}, answers
        assert len(_pids(server, request_ids)) == 2, "every login went to one worker: nothing crossed"


def test_sqlite_refuses_several_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    proc = run_cli(["serve", "--db", url, "--workers", "2", "--dev", "--port", "1"])
    assert proc.returncode == 2, proc.stderr
    assert "--workers 2 needs PostgreSQL" in proc.stderr
