"""Admission to the database: a request uses a pooled connection only while it holds a slot, and a
process has fewer slots than its pool has connections.

Why: a request's database work runs in the thread pool, and some of it needs a *second* hop to
give its connection back (a read's session is closed, with a ROLLBACK, after the route returned;
``get_current_user`` runs in one hop and the route in another, in one transaction on PostgreSQL).
Without admission, a burst bigger than the pool (200 operators asking for their next task at the
start of a shift) filled every thread with requests waiting for a connection, while the requests
holding the connections waited for a thread to give them back: the worker stalled until the pool
timeout (30 s) and answered 500. On SQLite the same shape held the write lock (``BEGIN IMMEDIATE``)
while the threads behind it waited out the busy timeout and answered 503.

With admission the wait moves to the event loop, where it costs no thread: at most ``slots``
requests use the database at once, each gets a connection at once, every hop it needs finds a
thread (the pool has 40, the slots are far fewer), and the rest queue in order. Slots are the pool's
capacity less :data:`RESERVED_CONNECTIONS` for the process's own background work (the desk presence
beat, the live-feed user watch, PBX call sources) and the login throttle's second session.

Rule for routes: take a connection only inside a slot. ``SessionDep`` holds one for you; a sync
route that opens its own session or connection (the hot paths do, to save a hop) declares
``deps.DatabaseSlot``; an ``async`` function that hops to a thread to use the database calls
:meth:`Admission.run`. Never hold two slots in one request: the slots could all be held by requests
waiting for their second.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from starlette.concurrency import run_in_threadpool

RESERVED_CONNECTIONS = 3
"""Connections left outside admission, for the process's background work."""

P = ParamSpec("P")
T = TypeVar("T")


class Admission:
    """The slots of one process (``slots=None``: no limit, for pools that never make a request
    wait, such as SQLAlchemy's ``NullPool``)."""

    def __init__(self, slots: int | None) -> None:
        self.slots = slots
        self._gate = asyncio.Semaphore(slots) if slots is not None else None

    @classmethod
    def for_engine(cls, engine: Engine) -> Admission:
        pool = engine.pool
        if not isinstance(pool, QueuePool):
            return cls(None)
        capacity = pool.size() + max(pool._max_overflow, 0)
        return cls(max(1, capacity - RESERVED_CONNECTIONS))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for the block (waiting on the event loop, in arrival order)."""
        if self._gate is None:
            yield
            return
        async with self._gate:
            yield

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``function`` in the thread pool while holding a slot: for database work done from
        ``async`` code."""
        async with self.slot():
            return await run_in_threadpool(function, *args, **kwargs)
