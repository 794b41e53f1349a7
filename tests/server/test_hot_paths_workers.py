"""The catalogue cache across ``serve --workers 2`` on PostgreSQL: a change made through one worker is
seen by the very next post on the other (``server.api.caches.CodeCache``: dropped on the worker that
made the change, announced to the others, and re-checked by every disposition's INSERT anyway).

As in ``test_workers``, each phase opens fresh connections until the request log shows both workers
answered, so the check did cross from one process to the other.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.server.live import LiveServer, run_cli
from tests.server.test_workers import ATTEMPTS, _pids, _token, two_workers

__all__ = ["two_workers"]  # the fixture, shared with test_workers

SALE = {"code": "sale", "label_en": "Sale", "label_ru": "Продажа", "category": "success"}


def _body(**changes: Any) -> dict[str, Any]:
    ring = datetime.now(UTC) - timedelta(minutes=3)
    return {
        "call_id": f"call-{uuid.uuid4().hex[:8]}@pbx",
        "operator": "op",
        "queue": "sales",
        "ring_at": ring.isoformat(),
        "end_at": (ring + timedelta(minutes=1)).isoformat(),
        "code": "sale",
        **changes,
    }


def _each_worker(server: LiveServer, token: str, body: dict[str, Any], expected: int) -> list[int]:
    """Post ``body`` on fresh connections until both workers answered; every answer must be
    ``expected``. The statuses seen, in order."""
    seen: list[int] = []
    request_ids: set[str] = set()
    for _ in range(ATTEMPTS):
        with httpx.Client(base_url=server.base_url, timeout=10) as fresh:
            response = fresh.post(
                "/dispositions",
                json={**body, "call_id": f"call-{uuid.uuid4().hex[:8]}@pbx"},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
            )
        seen.append(response.status_code)
        assert response.status_code == expected, (seen, response.text)
        request_ids.add(response.headers["x-request-id"])
        if len(_pids(server, request_ids)) == 2:
            return seen
    raise AssertionError("every post went to one worker: nothing crossed")


def test_a_catalogue_change_on_one_worker_is_seen_by_the_next_post_on_the_other(
    two_workers: LiveServer,
) -> None:
    added = run_cli(["user", "add", "boss", "--role", "admin"], env=two_workers.env, stdin="Pa55-word\n")
    assert added.returncode == 0, added.stderr
    with two_workers as server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        admin, operator = _token(http, "boss"), _token(http, "op")
        put = http.put(
            "/catalogue/dispositions/sale", json=SALE, headers={"Authorization": f"Bearer {admin}"}
        )
        assert put.status_code == 201, put.text
        _each_worker(server, operator, _body(), 201)  # both workers hold "sale" in their cache now

        retired = {**SALE, "active": False}
        put = http.put(
            "/catalogue/dispositions/sale", json=retired, headers={"Authorization": f"Bearer {admin}"}
        )
        assert put.status_code == 200, put.text
        _each_worker(server, operator, _body(), 422)

        strict = {**SALE, "comment_required": True}
        put = http.put(
            "/catalogue/dispositions/sale", json=strict, headers={"Authorization": f"Bearer {admin}"}
        )
        assert put.status_code == 200, put.text
        _each_worker(server, operator, _body(), 422)
        _each_worker(server, operator, _body(comment="sold"), 201)


def _runs(http: httpx.Client, admin: str) -> int:
    response = http.get("/chains/runs", params={"limit": 500}, headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 200, response.text
    return len(response.json())


def test_a_chain_uploaded_or_disabled_on_one_worker_is_seen_by_the_next_post_on_the_other(
    two_workers: LiveServer,
) -> None:
    """Each worker keeps a map of the chains each code starts (``server.chains.trigger``), read once
    and dropped by the change's announcement: no re-read per post, no stale map for seconds."""
    added = run_cli(["user", "add", "boss", "--role", "admin"], env=two_workers.env, stdin="Pa55-word\n")
    assert added.returncode == 0, added.stderr
    with two_workers as server, httpx.Client(base_url=server.base_url, timeout=10) as http:
        admin, operator = _token(http, "boss"), _token(http, "op")
        bearer = {"Authorization": f"Bearer {admin}"}
        assert http.put("/catalogue/dispositions/sale", json=SALE, headers=bearer).status_code == 201
        _each_worker(server, operator, _body(), 201)  # both workers hold their (empty) map now
        assert _runs(http, admin) == 0

        document = {
            "id": "follow",
            "version": 1,
            "name": "Follow-up",
            "trigger": {"event": "disposition", "codes": ["sale"]},
            "steps": [
                {"id": "task", "callback_task": {"text": "Перезвонить"}, "next": "done"},
                {"id": "done", "stop": {}},
            ],
        }
        uploaded = http.post("/chains", json=document, headers=bearer)
        assert uploaded.status_code == 201, uploaded.text
        posted = _each_worker(server, operator, _body(), 201)
        assert _runs(http, admin) == len(posted)  # every post on either worker started a run

        disabled = http.post("/chains/follow/disable", headers=bearer)
        assert disabled.status_code == 200, disabled.text
        stopped = _runs(http, admin)
        _each_worker(server, operator, _body(), 201)
        assert _runs(http, admin) == stopped  # no post on either worker started one
