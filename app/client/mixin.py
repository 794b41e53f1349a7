"""The base of :class:`app.client.api.ApiClient`'s call groups (team lead calls, task calls): each
group lives in its own module and sends through the client's one :meth:`request`, declared here once
so the groups type-check on their own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx


class SendsRequests:
    """Mixed into :class:`~app.client.api.ApiClient`, which supplies :meth:`request`."""

    async def request(
        self,
        method: str,
        path: str,
        *,
        content: str | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        raise NotImplementedError
