"""The desktop's API client as a team lead's desktop holds it after login, for the client sides of
the lead's benchmarks. A module of its own so that those client processes load the desktop's code
only (the benchmarks' server-side modules would count in the RSS they measure)."""

from __future__ import annotations

from typing import Any


def lead_api(base_url: str, token: str) -> Any:
    """The desktop's API client holding ``token`` (made by the bench, as a login would give it)."""
    from datetime import UTC, datetime, timedelta

    from app.client.api import ApiClient
    from app.wire.auth import Role as WireRole
    from app.wire.auth import TokenPair, UserOut

    api = ApiClient(base_url, account="lead")
    now = datetime.now(UTC)
    user = UserOut(id=0, name="lead", role=WireRole.TEAM_LEAD, team="sales", active=True, created_at=now)
    expires = now + timedelta(minutes=10)
    api.tokens.accept(
        TokenPair(
            access_token=token,
            refresh_token="bench-has-no-refresh-token",
            expires_in=600,
            expires_at=expires,
            refresh_expires_at=expires,
            user=user,
        )
    )
    return api
