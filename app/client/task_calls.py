"""The operator's task calls of :class:`app.client.api.ApiClient` (``docs/tasks.md``): the list, taking
the next task, keeping its lease, giving it back and reporting the call. Their own module because
they are one concept (the Tasks panel's); the plumbing (:meth:`request`) is the client's."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.client.answers import JSON, ok, parse, parse_list
from app.client.errors import TransientError, classify
from app.client.mixin import SendsRequests
from app.wire.calls import CallOut
from app.wire.tasks import TaskOut, TaskState


class TaskCalls(SendsRequests):
    """Mixed into :class:`~app.client.api.ApiClient` (which supplies :meth:`request`)."""

    async def list_tasks(self, states: Iterable[TaskState] = (), limit: int = 200) -> list[TaskOut]:
        """Tasks in queue order: an operator's own and the team's unowned ones (``GET /tasks``)."""
        params: dict[str, Any] = {"limit": limit}
        chosen = [s.value for s in states]
        if chosen:
            params["state"] = chosen
        return parse_list(TaskOut, await self.request("GET", "/tasks", params=params))

    async def next_task(self) -> TaskOut | None:
        """Take (lease) the next task; ``None`` when there is nothing to do now (204). A task this
        operator already holds comes back first, so a desktop restarted after a crash resumes it."""
        response = await self.request("POST", "/tasks/next")
        if response.status_code == 204:
            return None
        return ok(TaskOut, response)

    async def renew_task(self, task_id: int) -> TaskOut:
        """Keep holding a task; a 409 (someone else holds it now) is a
        :class:`~app.client.errors.RejectedError` with status 409."""
        return ok(TaskOut, await self.request("POST", f"/tasks/{task_id}/renew"))

    async def release_task(self, task_id: int) -> TaskOut:
        """Give a held task back at once (given up in the preview): it is offered again now, not when
        the lease runs out. A 409 (no longer held by this operator) is a
        :class:`~app.client.errors.RejectedError` with status 409."""
        return ok(TaskOut, await self.request("POST", f"/tasks/{task_id}/release"))

    async def post_task_result(self, task_id: int, payload: str, key: str) -> TaskOut | None:
        """Report the call made for a task (an outbox record: ``payload`` is a saved ``ResultIn``, ``key``
        its idempotency key, so a resend after a lost answer is answered, not counted twice). ``None``
        when the 200's body was unreadable, which still means stored."""
        response = await self.request(
            "POST", f"/tasks/{task_id}/result", content=payload, headers={**JSON, "Idempotency-Key": key}
        )
        if response.status_code != 200:
            raise classify(response)
        try:
            return parse(TaskOut, response)
        except TransientError:
            return None

    async def post_call_report(self, payload: str) -> CallOut:
        """Report what an inbound call did at this desktop (an outbox record: ``payload`` is a saved
        ``CallReportIn``; the server merges by ``call_id``, so a resend changes nothing)."""
        return ok(CallOut, await self.request("POST", "/calls/desktop", content=payload, headers=JSON))
