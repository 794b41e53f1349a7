"""Login throttling: after N failed logins for one user name from one client IP within a window,
further attempts get 429 with ``Retry-After`` until the oldest failure leaves the window. A second
count per client IP across all names (:func:`address_key`, a higher limit) stops password spraying:
one guess each for many names. For that count a correct password takes its attempt back
(:meth:`Throttle.release`) rather than clearing the address's failures, so an attacker cannot wipe
their record by logging into an account of their own, and an office's logins never add up.

Two implementations of one :class:`Throttle` interface:

* :class:`DatabaseLoginThrottle`, what the server uses: failures live in the ``login_failures``
  table, so ``serve --workers N`` throttles as one server (an in-memory counter per worker would let
  N times the limit through, the kernel spreading a guesser's connections over the workers) and a
  restart does not reset it. Each check is one short transaction of its own; on PostgreSQL the
  key's row is locked (``FOR UPDATE``) so parallel guesses are counted one after the other, and
  SQLite serialises every write transaction anyway. Logins are rare: the cost does not matter.
* :class:`LoginThrottle`, in memory, for one process (tools, tests). Bounded: past ``max_keys``
  the least recently failed keys are forgotten, so random user names cannot exhaust memory.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from server.db import Database
from server.models import LoginFailures


def login_key(user_name: str, client_ip: str) -> str:
    """The throttling key: case-folded user name plus client address."""
    return f"{user_name.casefold()}\x00{client_ip}"


def address_key(client_ip: str) -> str:
    """The key of all logins from one client address (no user name can produce it: names have
    no NUL)."""
    return f"\x00address\x00{client_ip}"


class Throttle(Protocol):
    def attempt(self, key: str) -> int | None:
        """Seconds to wait if ``key`` is blocked; else ``None``, the attempt counted as a failure."""

    def success(self, key: str) -> None:
        """Forget the failures of ``key`` (a correct password was given)."""

    def release(self, key: str) -> None:
        """Take back the latest attempt counted for ``key`` (it turned out to be a correct one)."""


def _wait(times: list[float], max_failures: int, window: float, now: float) -> int:
    return max(1, math.ceil(times[-max_failures] + window - now))


class LoginThrottle:
    """Sliding-window failure counter. Thread-safe (sync routes run in a thread pool)."""

    def __init__(
        self,
        max_failures: int,
        window_seconds: float,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None if it may try now."""
        with self._lock:
            now = self._clock()
            times = self._prune(key, now)
            if times is None or len(times) < self.max_failures:
                return None
            return max(1, math.ceil(times[-self.max_failures] + self.window - now))

    def attempt(self, key: str) -> int | None:
        """Check and count an attempt in one step: seconds to wait if ``key`` is blocked, else None
        and the attempt is recorded as a failure until :meth:`success` clears it. Counting before
        the password is checked means parallel guesses cannot exceed the limit."""
        with self._lock:
            now = self._clock()
            times = self._prune(key, now)
            if times is not None and len(times) >= self.max_failures:
                return max(1, math.ceil(times[-self.max_failures] + self.window - now))
            self._record(key, now, times)
            return None

    def failure(self, key: str) -> None:
        """Record a failed attempt."""
        with self._lock:
            now = self._clock()
            self._record(key, now, self._prune(key, now))

    def _record(self, key: str, now: float, times: deque[float] | None) -> None:
        times = times if times is not None else deque()
        times.append(now)
        while len(times) > self.max_failures:
            times.popleft()
        self._failures[key] = times
        self._failures.move_to_end(key)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def success(self, key: str) -> None:
        """Forget the failures of ``key`` (a correct password was given)."""
        with self._lock:
            self._failures.pop(key, None)

    def release(self, key: str) -> None:
        """Take back the latest attempt counted for ``key``."""
        with self._lock:
            times = self._failures.get(key)
            if times:
                times.pop()
                if not times:
                    del self._failures[key]


class DatabaseLoginThrottle:
    """The failures in the ``login_failures`` table (see the module notes). Call it when the
    request's own session has no transaction open (on SQLite a second one would wait for it)."""

    def __init__(
        self,
        database: Database,
        max_failures: int,
        window_seconds: float,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.max_failures = max_failures
        self.window = window_seconds
        self._clock = clock

    def attempt(self, key: str) -> int | None:
        """As :meth:`LoginThrottle.attempt`, across processes."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        now = self._clock()
        with self.database.session() as session:
            stale = datetime.fromtimestamp(now - self.window, UTC)
            session.execute(delete(LoginFailures).where(LoginFailures.updated_at < stale))
            insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
            session.execute(
                insert(LoginFailures)
                .values(key=digest, times=[], updated_at=datetime.fromtimestamp(now, UTC))
                .on_conflict_do_nothing(index_elements=["key"])
            )
            row = session.scalars(
                select(LoginFailures).where(LoginFailures.key == digest).with_for_update()
            ).one()
            times = [float(t) for t in _as_list(row.times) if float(t) > now - self.window]
            if len(times) >= self.max_failures:
                session.commit()
                return _wait(times, self.max_failures, self.window, now)
            row.times = [*times, now][-self.max_failures :]
            row.updated_at = datetime.fromtimestamp(now, UTC)
            session.commit()
            return None

    def success(self, key: str) -> None:
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self.database.session() as session:
            session.execute(delete(LoginFailures).where(LoginFailures.key == digest))
            session.commit()

    def release(self, key: str) -> None:
        """As :meth:`LoginThrottle.release`, across processes."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        with self.database.session() as session:
            row = session.scalars(
                select(LoginFailures).where(LoginFailures.key == digest).with_for_update()
            ).one_or_none()
            if row is not None:
                times = _as_list(row.times)
                row.times = times[:-1]
            session.commit()


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []
