"""The engine thread's own scheduling: jobs for the next loop turn and one-shot timers.

PJSIP must not be re-entered from inside its callbacks (e.g. ``Account.modify()`` for a failover), so
callbacks schedule follow-up work here and the engine loop runs it on the same thread right after.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from collections import deque
from collections.abc import Callable


class WrongThreadError(RuntimeError):
    """A pjsua2 object was about to be used from a thread other than the engine thread."""


class Waker:
    """Wakes the engine thread out of ``libHandleEvents`` when a command arrives.

    PJSIP sleeps in ``select()`` on its own sockets; a CRLF keep-alive sent to our UDP transport (which
    PJSIP reads and ignores, RFC 5626) ends the wait at once. So the idle poll can be long (little CPU
    all shift long) while commands are still carried out immediately.
    """

    def __init__(self) -> None:
        self._socket: socket.socket | None = None
        self._target: tuple[str, int] | None = None

    @property
    def armed(self) -> bool:
        return self._target is not None

    def arm(self, listen: tuple[str, ...]) -> None:
        """Aim at the UDP transport among the listening addresses (``udp:host:port``)."""
        for address in listen:
            kind, _, hostport = address.partition(":")
            if kind == "udp":
                host, _, port = hostport.rpartition(":")
                host = "127.0.0.1" if host in ("0.0.0.0", "") else host.strip("[]")
                family = socket.AF_INET6 if ":" in host else socket.AF_INET
                self._socket = socket.socket(family, socket.SOCK_DGRAM)
                self._socket.setblocking(False)
                self._target = (host, int(port))
                return

    def wake(self) -> None:
        """Any thread: make the engine's current poll return now."""
        if self._socket is not None and self._target is not None:
            with contextlib.suppress(OSError):
                self._socket.sendto(b"\r\n\r\n", self._target)

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
            self._target = None


class EngineLoop:
    """Jobs and timers that run on the engine thread between PJSIP polls."""

    def __init__(self) -> None:
        self._soon: deque[Callable[[], None]] = deque()
        self._timers: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cancelled: set[int] = set()
        self.thread_id: int | None = None

    def bind_to_current_thread(self) -> None:
        """Declare the calling thread the engine thread: the only one allowed to touch pjsua2."""
        self.thread_id = threading.get_ident()

    def check_thread(self) -> None:
        """Raise if called from any thread but the engine thread (the rule that prevents aborts)."""
        if threading.get_ident() != self.thread_id:
            raise WrongThreadError("pjsua2 objects may only be used on the engine thread")

    def soon(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the next loop turn."""
        self._soon.append(job)

    def call_later(self, delay_s: float, job: Callable[[], None]) -> int:
        """Run ``job`` after ``delay_s`` seconds; returns a handle for :meth:`cancel`."""
        handle = next(self._seq)
        heapq.heappush(self._timers, (time.monotonic() + max(0.0, delay_s), handle, job))
        return handle

    def cancel(self, handle: int | None) -> None:
        """Forget a timer (no-op when it already ran)."""
        if handle is not None:
            self._cancelled.add(handle)

    def next_due(self) -> float | None:
        """When the earliest timer is due (monotonic seconds), or None."""
        return self._timers[0][0] if self._timers else None

    def has_work(self) -> bool:
        """Whether a job is waiting for the next turn (then the loop must not sleep long)."""
        return bool(self._soon)

    def run_due(self, on_error: Callable[[BaseException], None]) -> None:
        """Run queued jobs and timers that are due; a failing job is reported, never fatal."""
        while self._soon:
            job = self._soon.popleft()
            _guarded(job, on_error)
        now = time.monotonic()
        while self._timers and self._timers[0][0] <= now:
            _due, handle, job = heapq.heappop(self._timers)
            if handle in self._cancelled:
                self._cancelled.discard(handle)
                continue
            _guarded(job, on_error)

    def clear(self) -> None:
        """Drop every pending job and timer (shutdown)."""
        self._soon.clear()
        self._timers.clear()
        self._cancelled.clear()


def _guarded(job: Callable[[], None], on_error: Callable[[BaseException], None]) -> None:
    try:
        job()
    except Exception as exc:
        on_error(exc)
