"""Live supervision calls of :class:`app.client.api.ApiClient` (``docs/quality.md``): the server's
key and policy for the operator's desktop, a grant for the team lead's."""

from __future__ import annotations

from app.client.answers import JSON, created, ok
from app.client.errors import TransientError, classify
from app.client.mixin import SendsRequests
from app.wire.supervision import GrantIn, GrantOut, SupervisionMode, SupervisionPolicy


class SupervisionCalls(SendsRequests):
    """Mixed into :class:`~app.client.api.ApiClient` (which supplies :meth:`request`)."""

    async def supervision_policy(self) -> SupervisionPolicy:
        """The key the operator's telephony service checks grants with, and the hide-listen setting."""
        return ok(SupervisionPolicy, await self.request("GET", "/supervision/policy"))

    async def supervision_grant(self, operator: str, mode: SupervisionMode) -> GrantOut:
        """A grant to supervise ``operator``'s call in progress (403: not the lead's; 409: no call)."""
        body = GrantIn(operator=operator, mode=mode).model_dump_json()
        response = await self.request("POST", "/supervision/grants", content=body, headers=JSON)
        grant = created(GrantOut, response)
        if grant is None:
            raise TransientError("the server's grant was unreadable", response.status_code)
        return grant

    async def supervision_spy(self, operator: str, mode: SupervisionMode) -> GrantOut:
        """Put the lead on ``operator``'s call through Asterisk's ChanSpy (the PBX rings the lead's
        phone); again with another mode to switch."""
        body = GrantIn(operator=operator, mode=mode).model_dump_json()
        return ok(GrantOut, await self.request("POST", "/supervision/spy", content=body, headers=JSON))

    async def supervision_spy_stop(self) -> None:
        """End the lead's ChanSpy session."""
        response = await self.request("DELETE", "/supervision/spy")
        if response.status_code != 204:
            raise classify(response)
