"""What the server keeps per process between requests: who a user is (:class:`PrincipalCache`) and the
disposition catalogue (:class:`CodeCache`). Neither is trusted for a write on its own: the INSERT of
a disposition re-checks both in the same statement (``server.crud.dispositions.guarded_insert``), so a
stale entry can only send a request down the slow path, never store what the database now refuses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.wire.dispositions import DispositionCode
from server.models import Role
from server.models.users import Person

__all__ = ["CodeCache", "Person", "Principal", "PrincipalCache"]


@dataclass(frozen=True, slots=True)
class Principal:
    """The calling user as authorisation sees them (duck-compatible with :class:`User` for
    ``acting_for``, ``TeamScope.of`` and audit rows)."""

    id: int
    name: str
    role: Role
    team_id: int | None
    active: bool = True


class PrincipalCache:
    """``user id -> (Principal, read at)``, thread-safe, bounded by ``ttl`` seconds."""

    def __init__(self, ttl: float) -> None:
        #: seconds an entry is trusted for reads (``Settings.auth_cache_seconds``); 0: never cached
        self.ttl = ttl
        self._entries: dict[int, tuple[Principal, float]] = {}
        self._lock = threading.Lock()

    def get(self, user_id: int) -> Principal | None:
        entry = self._entries.get(user_id)
        if entry is None or time.monotonic() - entry[1] >= self.ttl:
            return None
        return entry[0]

    def put(self, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:  # a few thousand operators at most: drop the stale ones
                now = time.monotonic()
                self._entries = {k: v for k, v in self._entries.items() if now - v[1] < self.ttl}
            self._entries[principal.id] = (principal, time.monotonic())

    def forget(self, user_id: int) -> None:
        """Drop ``user_id`` now (deactivated, or a write found its standing changed)."""
        with self._lock:
            self._entries.pop(user_id, None)


class CodeCache:
    """The disposition codes by code, read whole (at most ``MAX_CODES`` rows) on first use and again
    after :meth:`invalidate`: ``PUT /catalogue/dispositions/...`` on this worker, the catalogue
    message every worker's status feed gets from another (PostgreSQL ``NOTIFY``), or a post whose
    guarded INSERT found the catalogue changed under it. No TTL: staleness is caught by the guard."""

    def __init__(self) -> None:
        self._codes: dict[str, DispositionCode] | None = None
        self._generation = 0
        self._lock = threading.Lock()

    def get(self, code: str, load: Callable[[], dict[str, DispositionCode]]) -> DispositionCode | None:
        """The cached entry for ``code``; ``load`` reads the whole catalogue when none is held."""
        codes = self._codes
        if codes is None:
            generation = self._generation
            codes = load()
            with self._lock:
                if generation == self._generation:  # no invalidation while we read
                    self._codes = codes
        return codes.get(code)

    def invalidate(self) -> None:
        with self._lock:
            self._codes = None
            self._generation += 1
