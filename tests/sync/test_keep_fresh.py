"""Issue 15: a call after a long idle must not pay for a token refresh (a round trip to the server and
two keyring operations) inside its screen pop. The access token is renewed in the background ahead of
its expiry, against a real server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from app.client.fresh import keep_fresh
from app.store.database import LocalStore
from app.wire.auth import TokenPair
from tests.sync.conftest import Running
from tests.sync.server import SyncServer


def test_the_access_token_is_renewed_before_it_is_due_with_no_request_asking(
    store: LocalStore, live_server: SyncServer
) -> None:
    async def main() -> None:
        async with Running(store, live_server.base_url) as run:
            tokens = run.api.tokens
            pair = tokens._pair
            assert pair is not None
            soon = datetime.now(UTC) + timedelta(seconds=100)  # not yet due for a request (60 s margin)
            tokens._pair = TokenPair.model_validate({**pair.model_dump(), "expires_at": soon})
            assert not tokens.needs_refresh()
            task = asyncio.create_task(keep_fresh(run.api, ahead=timedelta(seconds=120)))
            try:
                for _ in range(300):
                    if (tokens.expires_at or soon) > soon:
                        break
                    await asyncio.sleep(0.02)
                renewed = tokens.expires_at  # renewed in the background: a new pair from the server
                assert renewed is not None and renewed > soon + timedelta(minutes=5)
                me = await run.api.me()  # and the new one is accepted
                assert me.name == "operator1"
            finally:
                task.cancel()

    asyncio.run(main())
