"""End to end: ``ringdesk-server serve`` as a real uvicorn process on a free port, driven with httpx.

Starts on an empty database (``serve`` migrates it), creates a user with ``ringdesk-server user add``
while running, logs in, refreshes, fails on purpose; then checks the log: JSON lines only, and not
one secret, password, token or hash in it.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx

from server.migrate import head_revision
from tests.server.conftest import TEST_SECRET
from tests.server.live import LiveServer, run_cli

CHEAP_ARGON2 = {
    "RINGDESK_PASSWORD_TIME_COST": "1",
    "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
    "RINGDESK_PASSWORD_PARALLELISM": "1",
}


def test_serve_end_to_end_without_secrets_in_the_log(empty_db_url: str, tmp_path: Path) -> None:
    env = {"RINGDESK_DATABASE_URL": empty_db_url, "RINGDESK_SECRET_KEY": TEST_SECRET, **CHEAP_ARGON2}
    password = "Pa55-word-that-must-not-leak"
    wrong = "Wrong-guess-that-must-not-leak"
    tokens: list[str] = []
    with LiveServer(tmp_path / "server.log", env=env) as server:
        added = run_cli(
            ["user", "add", "olga", "--role", "team_lead", "--team", "north"], env=env, stdin=password + "\n"
        )
        assert added.returncode == 0, added.stderr
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            assert http.get("/health").json()["database"] == "ok"
            bad = http.post("/auth/login", json={"name": "olga", "password": wrong})
            assert bad.status_code == 401
            invalid = http.post("/auth/login", json={"name": "olga", "password": password, "otp": "x"})
            assert invalid.status_code == 422
            pair = http.post("/auth/login", json={"name": "olga", "password": password}).json()
            tokens += [pair["access_token"], pair["refresh_token"]]
            me = http.get("/users/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
            assert me.json()["team"] == "north"
            assert me.headers["x-request-id"]
            refreshed = http.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]}).json()
            tokens += [refreshed["access_token"], refreshed["refresh_token"]]
            query_token = http.get("/users/me", params={"access_token": refreshed["access_token"]})
            assert query_token.status_code == 401  # tokens are only accepted in the header
        # uvicorn shuts down gracefully, then re-raises SIGTERM (exit by signal, as systemd expects).
        assert server.stop() in (0, -signal.SIGTERM)
    log = server.log_text()
    assert "Application shutdown complete." in log

    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert all({"ts", "level", "logger", "msg"} <= set(r) for r in records)
    assert any(r.get("event") == "db.ready" and r.get("revision") == head_revision() for r in records)
    requests = [(r["method"], r["path"], r["status"]) for r in records if r.get("event") == "http.request"]
    assert ("POST", "/auth/login", 401) in requests
    assert ("POST", "/auth/refresh", 200) in requests
    [me_record] = [r for r in records if r.get("path") == "/users/me" and r.get("status") == 200]
    assert isinstance(me_record["user_id"], int)  # the request log knows who asked
    assert all(r["request_id"] for r in records if r.get("event") == "http.request")
    for secret in [TEST_SECRET, password, wrong, *tokens, "$argon2"]:
        assert secret not in log, f"log leaks {secret[:12]}..."
    assert "olga" not in log  # user names stay out of the log too (ids only)


def test_serve_dev_mode_generates_a_secret_and_says_so(db_url: str, tmp_path: Path) -> None:
    env = {"RINGDESK_DATABASE_URL": db_url, **CHEAP_ARGON2}
    with LiveServer(tmp_path / "dev.log", args=["--dev"], env=env) as server:
        assert httpx.get(f"{server.base_url}/health").status_code == 200
    note = [json.loads(line) for line in server.log_text().splitlines() if "development mode" in line]
    assert note
    assert note[0]["level"] == "warning"
    assert "random secret key" in note[0]["msg"]
