"""A typed publish/subscribe hub between the core and whoever shows it (Electrum's callback manager,
without string keys).

Subscribers are called synchronously, in subscription order, on the thread that publishes: the
workstation publishes from its asyncio loop, which under qasync is the Qt thread, so a widget may
update itself directly. A subscriber that raises is logged and the others still hear the notice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from app.workstation.notices import Notice

log = logging.getLogger(__name__)
N = TypeVar("N")

Unsubscribe = Callable[[], None]


class Hub:
    """Delivers :data:`Notice` values to subscribers."""

    def __init__(self) -> None:
        self._subscribers: list[tuple[type[Any] | None, Callable[[Any], None]]] = []

    def subscribe(self, callback: Callable[[Notice], None]) -> Unsubscribe:
        """Hear every notice; returns the function that stops it."""
        return self._add(None, callback)

    def on(self, kind: type[N], callback: Callable[[N], None]) -> Unsubscribe:
        """Hear notices of one kind only (``hub.on(CallChanged, self.redraw_call)``)."""
        return self._add(kind, callback)

    def publish(self, notice: Notice) -> None:
        for kind, callback in list(self._subscribers):
            if kind is not None and not isinstance(notice, kind):
                continue
            try:
                callback(notice)
            except Exception:
                log.exception("a subscriber failed on %s", type(notice).__name__)

    def _add(self, kind: type[Any] | None, callback: Callable[[Any], None]) -> Unsubscribe:
        entry = (kind, callback)
        self._subscribers.append(entry)

        def unsubscribe() -> None:
            if entry in self._subscribers:
                self._subscribers.remove(entry)

        return unsubscribe
