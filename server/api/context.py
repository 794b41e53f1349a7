"""What the app holds for its lifetime (settings, database and its admission slots, login throttle, status
feed, PBX queue adapters), typed.

Stored on ``app.state.ringdesk``; reach it through :func:`get_context` from a ``Request`` or a
``WebSocket`` (both are ``HTTPConnection``s), or through the dependencies in ``deps``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from server.api.admission import Admission
from server.api.broadcast import StatusFeed
from server.api.caches import CodeCache, PrincipalCache
from server.api.userwatch import UserWatch
from server.db import Database
from server.pbx.adapter import QueueFollower
from server.pbx.waiting import WaitingBoard
from server.ratelimit import Throttle
from server.settings import Settings


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    database: Database
    login_throttle: Throttle
    address_throttle: Throttle
    """Failed logins per client address across names (password spraying)."""
    user_watch: UserWatch
    """Closes live feeds whose user was deactivated or lost the role (``server.api.userwatch``)."""
    status_feed: StatusFeed = field(default_factory=StatusFeed)
    queues: QueueFollower = field(default_factory=lambda: QueueFollower([]))
    """The PBX queue adapters following status changes (``server.pbx``)."""
    principals: PrincipalCache = field(default_factory=lambda: PrincipalCache(0))
    """Who users are, for a few seconds (``server.api.principal``)."""
    codes: CodeCache = field(default_factory=CodeCache)
    """The disposition catalogue (``server.api.caches``)."""
    admission: Admission = field(default_factory=lambda: Admission(None))
    """Slots for requests that use the database (``server.api.admission``)."""
    waiting: WaitingBoard = field(default_factory=WaitingBoard)
    """The callers waiting in the PBX's queues now (``server.pbx.waiting``; no books: no PBX)."""


def get_context(conn: HTTPConnection) -> AppContext:
    context = conn.app.state.ringdesk
    if not isinstance(context, AppContext):  # pragma: no cover - create_app always sets it
        raise RuntimeError("app.state.ringdesk is not set: build the app with create_app()")
    return context
