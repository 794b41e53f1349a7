"""Login throttling: after N failed logins for one user name from one client IP within a window,
further attempts get 429 with ``Retry-After`` until the oldest failure leaves the window.

In memory, per server process (``serve`` runs one process). Bounded: past ``max_keys`` the least
recently failed keys are forgotten, so random user names cannot exhaust memory.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


def login_key(user_name: str, client_ip: str) -> str:
    """The throttling key: case-folded user name plus client address."""
    return f"{user_name.casefold()}\x00{client_ip}"


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
