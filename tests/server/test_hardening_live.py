"""Issue 14 against the real ``ringdesk-server serve`` (uvicorn): what only the real server shows.

The log lines uvicorn writes itself (a WebSocket's path with its query string), how uvicorn resolves
``X-Forwarded-For``, the headers on every response, and a live feed closing when its user is
deactivated, all read from the running process and its JSON log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.wire.close_codes import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from server.db import Database
from server.models import Role, User
from server.settings import Settings
from tests.server.conftest import TEST_SECRET
from tests.server.helpers import add_user
from tests.server.live import LiveServer
from tests.server.test_live_server import CHEAP_ARGON2

PASSWORD = "Pa55-word-for-hardening"


def _env(db_url: str, **extra: str) -> dict[str, str]:
    return {"RINGDESK_DATABASE_URL": db_url, "RINGDESK_SECRET_KEY": TEST_SECRET, **CHEAP_ARGON2, **extra}


def _token(http: httpx.Client, name: str) -> str:
    response = http.post("/auth/login", json={"name": name, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _records(server: LiveServer) -> list[dict[str, object]]:
    return [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]


@pytest.fixture
def staffed(
    db_url: str, database: Database, settings: Settings, tmp_path: Path
) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """A running server with an admin, a lead and an operator. They are written straight to the
    database: the CLI's ``user add`` (a Python start-up each) is proven in test_live_server."""
    env = _env(db_url)
    add_user(database, settings, "boss", Role.ADMIN, password=PASSWORD)
    add_user(database, settings, "lead", Role.TEAM_LEAD, "north", password=PASSWORD)
    add_user(database, settings, "op", Role.OPERATOR, "north", password=PASSWORD)
    with LiveServer(tmp_path / "server.log", env=env) as server:
        yield server, env


def test_websocket_tokens_never_reach_the_log(staffed: tuple[LiveServer, dict[str, str]]) -> None:
    server = staffed[0]
    ws_base = server.base_url.replace("http://", "ws://")
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        lead, operator = _token(http, "lead"), _token(http, "op")
    for url in (f"{ws_base}/statuses/live?token={lead}", f"{ws_base}/me/live?token={operator}&x=1"):
        with connect(url) as socket:
            socket.ping().wait(5)
    opaque = f"{ws_base}/me/live?token=opaque-but-secret-value"
    with connect(opaque) as refused, pytest.raises(ConnectionClosed):
        refused.recv(timeout=5)
    server.stop()
    log = server.log_text()
    websocket_lines = [r for r in _records(server) if "WebSocket" in str(r["msg"])]
    assert len(websocket_lines) >= 3, log  # uvicorn did log the connections...
    for secret in (lead, operator, "opaque-but-secret-value"):
        assert secret not in log  # ...without their tokens
    assert any("/statuses/live?token=[redacted]" in str(r["msg"]) for r in websocket_lines), log


def _client_of(server: LiveServer, request_id: str, timeout: float = 10.0) -> object:
    """The client address the request log line of ``request_id`` names (the line is written once
    the response has gone out, so it is waited for)."""
    deadline = time.monotonic() + timeout
    while True:
        for record in _records(server):
            if record.get("event") == "http.request" and record.get("request_id") == request_id:
                return record["client"]
        if time.monotonic() > deadline:
            raise AssertionError(f"no request log line for {request_id}")
        time.sleep(0.02)  # poll interval of the log file


def test_forwarded_for_is_not_trusted_by_default(staffed: tuple[LiveServer, dict[str, str]]) -> None:
    server = staffed[0]
    response = httpx.get(f"{server.base_url}/health", headers={"X-Forwarded-For": "203.0.113.9"})
    assert _client_of(server, response.headers["x-request-id"]) == "127.0.0.1"


def test_forwarded_for_is_trusted_from_a_listed_proxy(db_url: str, tmp_path: Path) -> None:
    env = _env(db_url, RINGDESK_FORWARDED_ALLOW_IPS="127.0.0.1")
    with LiveServer(tmp_path / "proxy.log", env=env) as server:
        response = httpx.get(f"{server.base_url}/health", headers={"X-Forwarded-For": "203.0.113.9"})
        assert _client_of(server, response.headers["x-request-id"]) == "203.0.113.9"


SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def test_every_response_carries_security_headers_and_tokens_are_never_cached(
    staffed: tuple[LiveServer, dict[str, str]],
) -> None:
    server = staffed[0]
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        login = http.post("/auth/login", json={"name": "op", "password": PASSWORD})
        refreshed = http.post("/auth/refresh", json={"refresh_token": login.json()["refresh_token"]})
        wrong = http.post("/auth/login", json={"name": "op", "password": "not the password"})
        missing = http.get("/no/such/page")
        health = http.get("/health")
    for response in (login, refreshed, wrong, missing, health):
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.url, name)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    for response in (login, refreshed):
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["pragma"] == "no-cache"


def test_api_docs_are_off_by_default_and_never_load_a_cdn(db_url: str, tmp_path: Path) -> None:
    with LiveServer(tmp_path / "nodocs.log", env=_env(db_url)) as server:
        assert httpx.get(f"{server.base_url}/docs").status_code == 404
        assert httpx.get(f"{server.base_url}/openapi.json").status_code == 200
    with LiveServer(tmp_path / "docs.log", env=_env(db_url, RINGDESK_API_DOCS="true")) as server:
        page = httpx.get(f"{server.base_url}/docs")
        assert page.status_code == 200
        assert "cdn." not in page.text and "https://" not in page.text
        for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
            assert asset in page.text
            served = httpx.get(server.base_url + asset)
            assert served.status_code == 200 and len(served.content) > 10_000
        assert "script-src 'self'" in page.headers["content-security-policy"]


def _wait_closed(socket: object, timeout: float) -> tuple[int | None, float]:
    """The close code the server sent, and how long it took (messages meanwhile are skipped)."""
    started = time.monotonic()
    try:
        while True:
            socket.recv(timeout=timeout)  # type: ignore[attr-defined]
    except ConnectionClosed as closed:
        return (closed.rcvd.code if closed.rcvd else None), time.monotonic() - started
    except TimeoutError:
        return None, time.monotonic() - started


def test_a_deactivated_leads_live_feeds_close_within_two_seconds(
    staffed: tuple[LiveServer, dict[str, str]],
) -> None:
    server = staffed[0]
    ws_base = server.base_url.replace("http://", "ws://")
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        admin, lead = _token(http, "boss"), _token(http, "lead")
        lead_id = http.get("/users/me", headers={"Authorization": f"Bearer {lead}"}).json()["id"]
        with (
            connect(f"{ws_base}/statuses/live?token={lead}") as board,
            connect(f"{ws_base}/me/live?token={lead}") as own,
        ):
            board.ping().wait(5)
            own.ping().wait(5)
            done = http.post(f"/users/{lead_id}/deactivate", headers={"Authorization": f"Bearer {admin}"})
            assert done.status_code == 200, done.text
            for socket in (board, own):
                code, took = _wait_closed(socket, timeout=10)
                assert code == CLOSE_UNAUTHENTICATED
                assert took < 3.0


def test_a_lead_lowered_to_operator_loses_the_board_within_two_seconds(
    staffed: tuple[LiveServer, dict[str, str]],
) -> None:
    server, env = staffed
    ws_base = server.base_url.replace("http://", "ws://")
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        lead = _token(http, "lead")
    database = Database.connect(env["RINGDESK_DATABASE_URL"], pooled=False)
    with (
        connect(f"{ws_base}/statuses/live?token={lead}") as board,
        connect(f"{ws_base}/me/live?token={lead}") as own,
    ):
        board.ping().wait(5)
        with database.session() as session:  # as any other process (a console, a script) would
            session.execute(update(User).where(User.name == "lead").values(role=Role.OPERATOR))
            session.commit()
        database.dispose()
        code, took = _wait_closed(board, timeout=10)
        assert code == CLOSE_FORBIDDEN
        assert took < 3.0
        own.ping().wait(5)  # an operator keeps their own feed
