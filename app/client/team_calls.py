"""The team lead's calls of :class:`app.client.api.ApiClient`: the board's snapshot, the colour
thresholds, an operator's status history, deciding a break request, the team's missed-call figures
and reassigning or cancelling a task (a force is
:meth:`~app.client.api.ApiClient.create_request`). Their own module because they are one concept
(the Team window's) and the client stays readable; the plumbing (:meth:`request`) is the client's."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from app.client.answers import JSON, ok, parse_list
from app.client.mixin import SendsRequests
from app.wire.requests import DecisionIn, StatusRequestOut
from app.wire.statuses import BoardRow, StatusChangeOut, Threshold
from app.wire.tasks import ReassignIn, TaskOut

if TYPE_CHECKING:
    from app.wire.team_tasks import MissedSummary


class TeamLeadCalls(SendsRequests):
    """Mixed into :class:`~app.client.api.ApiClient` (which supplies :meth:`request`)."""

    async def board(self) -> list[BoardRow]:
        """Every operator the caller may see, with their current status (``/statuses/board``)."""
        return parse_list(BoardRow, await self.request("GET", "/statuses/board"))

    async def open_requests(self) -> list[StatusRequestOut]:
        """Forces and break requests not settled yet."""
        return parse_list(StatusRequestOut, await self.request("GET", "/requests", params={"open": "true"}))

    async def thresholds(self) -> list[Threshold]:
        """How long a status may last before the board shows it amber, then red."""
        return parse_list(Threshold, await self.request("GET", "/thresholds"))

    async def status_history(
        self, operator: str, *, since: datetime | None = None, limit: int = 1000
    ) -> list[StatusChangeOut]:
        """The operator's stored status changes from ``since`` on, oldest first (at most ``limit``,
        the server counts from the oldest: give a ``since`` to see the latest)."""
        params: dict[str, str | int] = {"operator": operator, "limit": limit}
        if since is not None:
            params["since"] = since.isoformat()
        return parse_list(StatusChangeOut, await self.request("GET", "/statuses/history", params=params))

    async def decide_request(self, request_id: int, *, approve: bool) -> StatusRequestOut:
        """Approve or refuse a break request (409 when someone decided it already)."""
        body = DecisionIn(approve=approve).model_dump_json()
        response = await self.request("POST", f"/requests/{request_id}/decision", content=body, headers=JSON)
        return ok(StatusRequestOut, response)

    async def missed_summary(self, *, tz: str = "UTC") -> MissedSummary:
        """The lead's team's missed calls still owed a callback and today's callback SLA (``tz``: the
        lead's zone, where "today" starts)."""
        from app.wire.team_tasks import MissedSummary  # (a lead's only: not loaded on every desk)

        return ok(MissedSummary, await self.request("GET", "/team/missed", params={"tz": tz}))

    async def reassign_task(self, task_id: int, owner: str | None) -> TaskOut:
        """Give a task to an operator of the team, or to anyone of it (``None``)."""
        body = ReassignIn(owner=owner).model_dump_json()
        return ok(
            TaskOut, await self.request("POST", f"/tasks/{task_id}/reassign", content=body, headers=JSON)
        )

    async def cancel_task(self, task_id: int) -> TaskOut:
        """Cancel a task still to be worked (409 when it was closed meanwhile)."""
        return ok(TaskOut, await self.request("POST", f"/tasks/{task_id}/cancel"))
