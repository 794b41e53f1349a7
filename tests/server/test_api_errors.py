"""Bad input and failures give a clear JSON 4xx/5xx: body size, JSON syntax, unknown fields, unknown
routes, unhandled exceptions, a database that is down; /health and /docs."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import OperationalError

from server.settings import Settings
from tests.server.helpers import TestClient


def test_oversized_body_is_413(client: TestClient, settings: Settings) -> None:
    big = {"name": "x", "password": "p" * settings.max_body_bytes}
    response = client.post("/auth/login", json=big)
    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is too large"}


def test_oversized_chunked_body_is_413(client: TestClient, settings: Settings) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must count bytes as they arrive
        yield b'{"name": "x", "password": "'
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"p" * 65536
        yield b'"}'

    response = client.post("/auth/login", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"] == "the request body is too large"


def test_body_just_under_the_limit_is_read(client: TestClient, settings: Settings) -> None:
    body = json.dumps({"name": "x", "password": "p" * 1000, "pad": "y" * (settings.max_body_bytes - 2000)})
    response = client.post("/auth/login", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422  # read and validated (the pad field is unknown), not refused
    assert response.json()["detail"].startswith("unknown field 'pad'")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"name": "a", "password": ', "the request body is not valid JSON"),
        (b"{'name': 'a'}", "the request body is not valid JSON"),
        (b'{"name": "a", "password": "b", "admin": true}', "unknown field 'admin'"),
        (b'{"name": "a"}', "missing field 'password'"),
        (b"", "the request body is missing"),
        (b"[1, 2]", "the request body is invalid"),
        (b'{"name": 5, "password": "b"}', "name: Input should be a valid string"),
    ],
)
def test_bad_json_is_a_clear_422(client: TestClient, body: bytes, message: str) -> None:
    response = client.post("/auth/login", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["detail"].startswith(message), payload
    assert all(set(err) == {"loc", "type", "msg"} for err in payload["errors"])


def test_non_json_content_type_is_refused(client: TestClient) -> None:
    response = client.post(
        "/auth/login", content=b"name=a&password=b", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 422


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    missing = client.get("/no/such/thing")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not Found"}
    wrong_method = client.delete("/auth/login")
    assert wrong_method.status_code == 405
    assert "detail" in wrong_method.json()


def test_unhandled_exception_is_a_json_500_with_request_id(app: FastAPI, client: TestClient) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("something broke")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body == {"detail": "internal server error", "request_id": body["request_id"]}
    assert response.headers["x-request-id"] == body["request_id"]


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/health", headers={"X-Request-ID": "bad id\twith junk"}).headers["x-request-id"]
    assert generated != "bad id\twith junk"
    assert len(generated) == 32


def test_health_checks_the_database(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = client.get("/health")
    assert ok.status_code == 200
    assert ok.json() == {"status": "ok", "version": ok.json()["version"], "database": "ok"}

    def down() -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    database = app.state.ringdesk.database
    monkeypatch.setattr(type(database), "ping", lambda self: down())
    failing = client.get("/health")
    assert failing.status_code == 503
    assert failing.json()["database"] == "unavailable"


def test_openapi_schema_is_served_and_docs_are_off_by_default(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404  # on with api_docs: test_hardening_live
    schema = client.get("/openapi.json").json()
    assert {"/auth/login", "/auth/refresh", "/auth/logout", "/users", "/users/me", "/health"} <= set(
        schema["paths"]
    )
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_a_database_too_busy_to_answer_is_503_with_retry_after(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's write lock held past the busy timeout (forty logins at a shift start on a loaded
    machine did this) is an overload the client should retry, not a 500 it treats as a bug."""
    from server import db as server_db
    from server.api.main import create_app
    from tests.server.conftest import make_settings

    path = tmp_path / "busy.db"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.setattr(server_db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    settings = make_settings(f"sqlite:///{path}")
    database = server_db.Database.connect(settings.database_url)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        with TestClient(create_app(settings, database=database)) as client:
            other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
            busy = client.post("/auth/login", json={"name": "nobody", "password": "whatever1"})
            other.execute("ROLLBACK")
            after = client.post("/auth/login", json={"name": "nobody", "password": "whatever1"})
    finally:
        other.close()
        database.engine.dispose()
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert busy.json() == {"detail": "the server is busy: try again in a moment"}
    assert after.status_code == 401  # the lock gone, the same request is answered
