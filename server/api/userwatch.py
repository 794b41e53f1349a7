"""Open live feeds follow their users: a deactivated user, or a team lead lowered to operator,
is disconnected within about ``live_recheck_seconds`` rather than when the token expires.

A feed's token was checked when it connected; after that nothing about the user is read again,
and an admin's change may come from another server process, the ``user`` command or the database
itself. So each server process runs one poller while any feed is open: every interval it reads
``active``, ``role`` and ``team_id`` of the users with an open feed, in one query whatever the number
of feeds, and hands each feed its user's row; the feed's own rule (``Verdict``) says whether to
close it and with which close code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from server.db import Database
from server.models import Role, User

log = logging.getLogger("ringdesk.server.live")


@dataclass(frozen=True)
class Standing:
    """What a feed depends on about its user."""

    active: bool
    role: Role
    team_id: int | None


Verdict = Callable[[Standing | None], tuple[int, str] | None]
"""A feed's rule: given its user's standing now (``None``: the user is gone), the close code and
reason to close with, or ``None`` to go on."""


@dataclass(eq=False)
class Watcher:
    user_id: int
    verdict: Verdict
    closed: asyncio.Future[tuple[int, str]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class UserWatch:
    """The poller of one app (see the module notes); its methods run on the app's event loop."""

    def __init__(self, database: Database, interval: float) -> None:
        self.database = database
        self.interval = interval
        self._watchers: set[Watcher] = set()
        self._task: asyncio.Task[None] | None = None

    def watch(self, user_id: int, verdict: Verdict) -> Watcher:
        """Follow ``user_id`` for one feed; ``closed`` resolves when ``verdict`` says to close."""
        watcher = Watcher(user_id, verdict)
        self._watchers.add(watcher)
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)
        watcher.closed.cancel()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while self._watchers:
            await asyncio.sleep(self.interval)
            watchers = [w for w in self._watchers if not w.closed.done()]
            if not watchers:
                continue
            try:
                standings = await run_in_threadpool(self._read, {w.user_id for w in watchers})
            except Exception:  # a database outage must not end the poller: try again next time
                log.warning("could not re-read the users of live feeds", exc_info=True)
                continue
            for watcher in watchers:
                outcome = watcher.verdict(standings.get(watcher.user_id))
                if outcome is not None and not watcher.closed.done():
                    watcher.closed.set_result(outcome)

    def _read(self, user_ids: set[int]) -> dict[int, Standing]:
        with self.database.sessions() as session:
            rows = session.execute(
                select(User.id, User.active, User.role, User.team_id).where(User.id.in_(user_ids))
            ).all()
            session.commit()
        return {row.id: Standing(row.active, row.role, row.team_id) for row in rows}
