"""``POST /tasks/{id}/release``: a task given up in the preview goes back to the queue at once, in
its place, with no call counted, instead of waiting for its lease to run out. Only the operator
holding it may release it. The desktop's typed client has the call (``ApiClient.release_task``)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from app.client.api import ApiClient
from app.client.errors import RejectedError
from server.api.main import create_app
from server.db import Database
from server.settings import Settings
from tests.server.helpers import People
from tests.server.tasks_support import report, task_settings


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings), database=database)


def test_a_released_task_is_offered_again_at_once(people: People) -> None:
    client = people.client
    anna, boris = people.headers(people.op_n1), people.headers(people.op_n2)
    task_id = report(client).json()["task_id"]
    before = client.post("/tasks/next", headers=anna).json()
    assert client.post("/tasks/next", headers=boris).status_code == 204

    assert client.post(f"/tasks/{task_id}/release", headers=boris).status_code == 409  # not his
    released = client.post(f"/tasks/{task_id}/release", headers=anna)
    assert released.status_code == 200, released.text
    after = released.json()
    assert (after["state"], after["claimed_by"], after["lease_until"]) == ("open", None, None)
    assert (after["calls_made"], after["attempts"], after["due_at"]) == (
        0,
        before["attempts"],
        before["due_at"],
    )

    taken = client.post("/tasks/next", headers=boris).json()
    assert (taken["id"], taken["claimed_by"]) == (task_id, "op_n2")
    assert client.post(f"/tasks/{task_id}/release", headers=anna).status_code == 409  # no longer hers
    assert client.post("/tasks/999999/release", headers=boris).status_code == 404


def test_release_checks_the_role(people: People) -> None:
    client = people.client
    task_id = report(client).json()["task_id"]
    assert client.post("/tasks/next", headers=people.headers(people.op_n1)).status_code == 200
    for who in (people.lead_n, people.admin):
        assert client.post(f"/tasks/{task_id}/release", headers=people.headers(who)).status_code == 403
    assert client.post(f"/tasks/{task_id}/release").status_code == 401


def test_the_typed_client_releases(people: People, app: FastAPI) -> None:
    task_id = report(people.client).json()["task_id"]

    async def run() -> None:
        api = ApiClient("http://ringdesk.test", account="op_n1", transport=httpx.ASGITransport(app=app))
        other = ApiClient("http://ringdesk.test", account="op_n2", transport=httpx.ASGITransport(app=app))
        try:
            await api.login("op_n1", people.op_n1.password)
            await other.login("op_n2", people.op_n2.password)
            taken = await api.next_task()
            assert taken is not None and taken.id == task_id
            with pytest.raises(RejectedError) as refused:
                await other.release_task(task_id)
            assert refused.value.status == 409
            released = await api.release_task(task_id)
            assert (released.state.value, released.claimed_by) == ("open", None)
            again = await other.next_task()
            assert again is not None and again.id == task_id
        finally:
            await api.aclose()
            await other.aclose()

    asyncio.run(run())
