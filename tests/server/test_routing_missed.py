"""``GET /routing/next`` with the call's id: a call that no operator of the queue is logged in to
take is recorded as missed (``nobody_logged_in``) and becomes a callback task; a ``none`` while
operators are logged in but busy records nothing (the PBX keeps the caller queued)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from server.api.main import create_app
from server.db import Database
from server.settings import Settings
from tests.server.helpers import People, TestClient
from tests.server.tasks_support import task_settings

KEY = "routing-test-key"


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings, routing_key=SecretStr(KEY)), database=database)


def ask(
    client: TestClient, call_id: str, caller: str = "+79123456789", *, final: bool = False
) -> tuple[int, str]:
    params = {"queue": "support", "key": KEY, "call_id": call_id, "caller": caller, "dnis": "+74950000001"}
    if final:
        params["final"] = "1"
    response = client.get("/routing/next", params=params)
    return response.status_code, response.text


def calls(people: People, call_id: str) -> tuple[int, dict]:
    response = people.client.get(f"/calls/{call_id}", headers=people.headers(people.admin))
    return response.status_code, response.json()


def test_nobody_logged_in_is_a_missed_call_and_a_task(people: People) -> None:
    assert ask(people.client, "k1") == (404, "none")
    status, call = calls(people, "k1")
    assert status == 200
    assert (call["outcome"], call["missed_reason"], call["sources"]) == (
        "missed",
        "nobody_logged_in",
        ["routing"],
    )
    assert (call["caller"], call["dnis"], call["queue"]) == ("+79123456789", "+74950000001", "support")
    [task] = people.client.get("/tasks", headers=people.headers(people.admin)).json()
    assert task["id"] == call["task_id"] and task["kind"] == "callback_missed"


def test_busy_operators_mean_no_missed_call_yet(people: People) -> None:
    at = datetime.now(UTC).isoformat()
    body = {"operator": "op_n1", "status": "acw", "at": at}
    assert people.client.post("/statuses", json=body, headers=people.headers(people.op_n1)).status_code == 201
    assert ask(people.client, "k2") == (404, "none")
    assert calls(people, "k2")[0] == 404


def test_busy_operators_behind_a_proxy_without_a_queue_mean_a_missed_call(people: People) -> None:
    """final=1: the PBX keeps no queue (Kamailio answers 480), so its none ends the call."""
    at = datetime.now(UTC).isoformat()
    body = {"operator": "op_n1", "status": "acw", "at": at}
    assert people.client.post("/statuses", json=body, headers=people.headers(people.op_n1)).status_code == 201
    assert ask(people.client, "k4", final=True) == (404, "none")
    status, call = calls(people, "k4")
    assert status == 200
    assert (call["outcome"], call["missed_reason"], call["sources"]) == ("missed", "rang_out", ["routing"])
    assert call["task_id"] is not None


def test_a_withheld_caller_is_recorded_without_a_task(people: People) -> None:
    assert ask(people.client, "k3", caller="anonymous") == (404, "none")
    status, call = calls(people, "k3")
    assert status == 200 and call["caller"] is None and call["task_id"] is None
