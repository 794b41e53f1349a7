"""Keeps the access token fresh while the desk idles (issue 15: the first call after a long idle).

A request refreshes the access token itself when it is due (``ApiClient.request``): correct, but the
request that finds it due pays a round trip to the server and two keyring operations first. On an idle
desk that request is the caller lookup of the next call, inside the screen pop. So the token is renewed
here in the background, ``ahead`` of its expiry, for as long as the task runs. A renewal that fails is
only logged and tried again later: the next request still refreshes the token itself, as before.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from app.client.api import ApiClient
from app.client.errors import ApiError
from app.client.tokens import REFRESH_MARGIN

log = logging.getLogger(__name__)

FRESH_AHEAD = 3 * REFRESH_MARGIN
"""Renew this long before expiry: well before a request would (``REFRESH_MARGIN``)."""
RETRY_S = 30.0
"""After a failed renewal (the server down), try again this much later."""
IDLE_S = 60.0
"""With no login yet (or a forgotten one), look again this much later."""


async def keep_fresh(api: ApiClient, *, ahead: timedelta = FRESH_AHEAD) -> None:
    """Renew ``api``'s access token ``ahead`` of its expiry, until cancelled (never raises else)."""
    while True:
        expires = api.tokens.expires_at
        if expires is None:
            await asyncio.sleep(IDLE_S)
            continue
        due = (expires - ahead - datetime.now(UTC)).total_seconds()
        if due > 0:
            await asyncio.sleep(min(due, IDLE_S * 10))  # and look again: a request may have renewed it
            continue
        token = api.tokens.access_token
        try:
            await api.renew(token or "")
        except ApiError as exc:
            log.info("access token not renewed ahead of expiry (%s): a request will do it", exc)
            await asyncio.sleep(RETRY_S)
        except Exception:
            log.exception("access token not renewed ahead of expiry")
            await asyncio.sleep(RETRY_S)
