"""In-process fan-out of stored status changes to WebSocket subscribers (``/statuses/live``).

* Each subscriber has a bounded ``asyncio.Queue`` and a filter on the operator's team (the
  ``allows`` of its ``TeamScope``). A message
  is serialised once per change, not once per subscriber.
* :meth:`StatusFeed.publish` may be called from any thread (sync routes run in the threadpool): it
  hands the message to the event loop the subscribers live on, which puts it in every matching
  queue without waiting.
* A subscriber whose queue is full is dropped rather than slowing the others down: its queue is
  emptied and a ``None`` put in, which tells its WebSocket to close (code 4408, "too slow").
* Routes call :meth:`StatusFeed.publish_on_commit` with the session that stores the change, so a
  change is announced once its transaction commits and never when it rolls back. With no relay
  (SQLite: one server process) the message goes straight to this process's subscribers after the
  commit. With a relay (PostgreSQL, :mod:`server.api.pgfeed`) it becomes a ``NOTIFY`` inside the
  transaction, which PostgreSQL delivers at commit to every worker process's listener, this one
  included; each listener hands it to :meth:`StatusFeed.deliver`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

EVERYONE = -1
"""The "team" of a message for every signed-in user's own feed (``/me/live``: a catalogue change);
no real team has this id, so team boards never select it by their team."""

QUEUES = -2
"""The "team" of a PBX queue change (:data:`~app.wire.requests.QUEUES_MESSAGE`): only boards that
asked for it select it (``/statuses/live?queues=true``); published by each worker to its own
subscribers, since every worker hears the PBX itself (``server.pbx.waiting``)."""

CACHE_PREFIX = "cache:"
"""Messages for the server processes' caches only (``cache:chains``): watchers get them, no WebSocket."""

QUEUE_SIZE = 256
"""Changes a subscriber may fall behind by before it is dropped."""


@dataclass(eq=False)
class Subscriber:
    allows: Callable[[int | None], bool]
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: bool = False


class Relay(Protocol):
    """Carries a message from the process that stored a change to every server process."""

    def send(self, session: Session, message: str, team_id: int | None) -> None:
        """Queue ``message`` in ``session``'s transaction (sent when it commits)."""


class StatusFeed:
    """The subscribers of one app and the loop they run on."""

    def __init__(self) -> None:
        self._subscribers: set[Subscriber] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.relay: Relay | None = None
        """Set by the app on PostgreSQL (:mod:`server.api.pgfeed`); ``None``: this process only."""
        self.watchers: list[Callable[[str | None], None]] = []
        """Called with every message this process delivers (every worker gets every change through
        the relay), and with ``None`` when messages may have been missed: caches drop what a
        change may have made stale (``CodeCache.invalidate``). Cheap and non-blocking."""

    def publish_on_commit(self, session: Session, message: str, team_id: int | None) -> None:
        """Announce ``message`` (JSON text) to subscribers allowed to see ``team_id`` once
        ``session``'s transaction commits (see the module notes); call before the commit."""
        if self.relay is not None:
            self.relay.send(session, message, team_id)
            return

        def committed(_session: Session) -> None:
            self.publish(message, team_id)

        event.listen(session, "after_commit", committed, once=True)

    def announce_on_commit(self, session: Session, message: str) -> None:
        """Tell every server process's watchers ``message`` (a :data:`CACHE_PREFIX` word) once
        ``session`` commits. Through the relay only: without one there is one process, which drops
        its own cache after the commit."""
        assert message.startswith(CACHE_PREFIX)
        if self.relay is not None:
            self.relay.send(session, message, None)

    def drop_all(self) -> None:
        """Drop every subscriber (they close with "too far behind: reconnect"): changes may have
        been missed, e.g. while the relay's connection was down. Call on the feed's loop."""
        for watcher in self.watchers:
            watcher(None)
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            self._drop(subscriber)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self, allows: Callable[[int | None], bool]) -> Subscriber:
        """Register a subscriber; call from a coroutine on the app's event loop."""
        loop = asyncio.get_running_loop()
        with self._lock:
            self._loop = loop
            subscriber = Subscriber(allows)
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)

    def publish(self, message: str, team_id: int | None) -> None:
        """Offer ``message`` (JSON text) to every subscriber allowed to see ``team_id``; any thread."""
        with self._lock:
            loop = self._loop
            if loop is None or not self._subscribers or loop.is_closed():
                return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self.deliver(message, team_id)
        else:
            # RuntimeError: the loop closed meanwhile (shutdown), so nobody is left to tell
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.deliver, message, team_id)

    def deliver(self, message: str, team_id: int | None) -> None:
        """Put ``message`` in the queue of every matching subscriber; on the feed's loop."""
        for watcher in self.watchers:
            watcher(message)
        if message.startswith(CACHE_PREFIX):
            return
        with self._lock:
            subscribers = [s for s in self._subscribers if s.allows(team_id)]
        for subscriber in subscribers:
            try:
                subscriber.queue.put_nowait(message)
            except asyncio.QueueFull:
                self._drop(subscriber)

    def _drop(self, subscriber: Subscriber) -> None:
        self.unsubscribe(subscriber)
        subscriber.dropped = True
        while not subscriber.queue.empty():
            subscriber.queue.get_nowait()
        subscriber.queue.put_nowait(None)
