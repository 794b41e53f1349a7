"""The live status feed across server processes on PostgreSQL: ``NOTIFY`` out, ``LISTEN`` in.

With ``serve --workers N`` a team lead's WebSocket lives in one worker while the status change may be
stored by another. Each stored change is sent with ``pg_notify`` inside the transaction that stores it
(:class:`NotifyRelay`), so PostgreSQL delivers it at commit, in commit order, and never for a change
rolled back. Every worker holds one extra connection (psycopg 3, async, autocommit) listening on
:data:`CHANNEL` (:class:`Listener`) and hands each notification to its own :class:`StatusFeed`,
which filters by team and fans out as before. The sender's own worker receives it the same way.

* Payload: ``<team id or empty>\\n<StatusChangeOut JSON>``, far below PostgreSQL's 8,000-byte limit
  (the JSON is a few hundred bytes: names, codes and times).
* If the listening connection breaks (database restart, network), notifications sent meanwhile are
  lost to this worker. The listener then drops every subscriber (they close with 4408 "reconnect"
  and read the board again) and reconnects with a growing delay, rather than leave team leads
  looking at a board that silently stopped moving.
* The listener connects before the app reports itself started (the lifespan waits for the first
  ``LISTEN``), so a subscriber accepted by a started worker misses nothing committed after that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from server.api.broadcast import StatusFeed

log = logging.getLogger("ringdesk.server.feed")

CHANNEL = "ringdesk_status"
RETRY_MAX_S = 10.0


def encode(message: str, team_id: int | None) -> str:
    return f"{'' if team_id is None else team_id}\n{message}"


def decode(payload: str) -> tuple[str, int | None]:
    team, _, message = payload.partition("\n")
    return message, int(team) if team else None


class NotifyRelay:
    """Sends a change as ``pg_notify`` in the storing transaction (a :class:`~server.api.broadcast.Relay`)."""

    def send(self, session: Session, message: str, team_id: int | None) -> None:
        session.execute(select(func.pg_notify(CHANNEL, encode(message, team_id))))


def conninfo(url: URL) -> str:
    """A libpq URI for psycopg from the app's SQLAlchemy URL (driver name dropped)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """One ``LISTEN`` connection per worker feeding :class:`StatusFeed` (see the module notes)."""

    def __init__(self, url: URL, feed: StatusFeed) -> None:
        self._conninfo = conninfo(url)
        self._feed = feed
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Connect and ``LISTEN``, then keep listening in a background task. A database that cannot
        be reached yet only logs a warning (``/health`` reports it); the task keeps trying."""
        connection: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        try:
            connection = await self._connect()
        except psycopg.Error as exc:
            log.warning(
                "status feed cannot connect yet",
                extra={"event": "feed.connect_failed", "error": type(exc).__name__},
            )
        self._task = asyncio.create_task(self._run(connection), name="ringdesk-status-listener")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _connect(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        connection = await psycopg.AsyncConnection.connect(
            self._conninfo, autocommit=True, application_name="ringdesk-server-feed"
        )
        await connection.execute(f"LISTEN {CHANNEL}")
        return connection

    async def _run(self, connection: psycopg.AsyncConnection[tuple[object, ...]] | None) -> None:
        delay = 0.5
        while True:
            if connection is not None:
                try:
                    async with connection:
                        async for notification in connection.notifies():
                            self._feed.deliver(*decode(notification.payload))
                            delay = 0.5
                except psycopg.Error as exc:
                    log.warning(
                        "status feed connection lost: subscribers dropped, reconnecting",
                        extra={"event": "feed.lost", "error": type(exc).__name__},
                    )
                self._feed.drop_all()
            while True:
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
                try:
                    connection = await self._connect()
                    break
                except psycopg.Error as exc:
                    log.warning(
                        "status feed cannot reconnect yet",
                        extra={"event": "feed.reconnect_failed", "error": type(exc).__name__},
                    )
            log.info("status feed reconnected", extra={"event": "feed.reconnected"})
