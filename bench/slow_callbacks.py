"""What held the GUI thread during a call in the screen-pop bench (``RINGDESK_BENCH_SLOW_MS``, see
:mod:`bench.desktop_calls`): every event-loop callback timed, the slow ones listed with what they were."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any


class SlowCallbacks:
    """Times every asyncio callback (``Handle._run``: qasync runs each one so) while :attr:`t0` is set,
    and keeps those of ``threshold_ms`` or more: what held the GUI thread during a call."""

    def __init__(self, threshold_ms: float) -> None:
        self.threshold = threshold_ms / 1000
        self.t0: float | None = None
        self.seen: list[tuple[float, float, float, str]] = []
        self.busy = 0.0
        self.cpu = 0.0
        run = asyncio.Handle._run
        timer = self

        def timed(handle: asyncio.Handle) -> None:
            t0 = timer.t0
            if t0 is None:
                return run(handle)
            what = _what(handle)  # (before it runs: a task's frame moves on)
            began, cpu = time.perf_counter(), time.thread_time()
            try:
                return run(handle)
            finally:
                took, used = time.perf_counter() - began, time.thread_time() - cpu
                timer.busy += took
                timer.cpu += used
                if took >= timer.threshold:
                    timer.seen.append((began - t0, took, used, what))

        asyncio.Handle._run = timed  # type: ignore[method-assign,assignment]

    def start(self, t0: float) -> None:
        self.t0, self.seen, self.busy, self.cpu = t0, [], 0.0, 0.0

    def report(self, label: str, took_ms: float) -> None:
        self.t0 = None
        print(
            f"{label}: pop {took_ms:.1f} ms, loop callbacks {self.busy * 1000:.1f} ms"
            f" ({self.cpu * 1000:.1f} ms CPU of the GUI thread); at, took (CPU), what:",
            file=sys.stderr,
        )
        for at, took, used, what in self.seen:
            line = f"  +{at * 1000:7.1f} ms {took * 1000:6.1f} ({used * 1000:5.1f}) ms  {what}"
            print(line, file=sys.stderr)


def _what(handle: asyncio.Handle) -> str:
    """A task's coroutine with where its innermost await is suspended, or the callback's name."""
    callback = getattr(handle, "_callback", None)
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro: Any = owner.get_coro()
        name = getattr(coro, "__qualname__", repr(coro))
        where = ""
        while coro is not None and getattr(coro, "cr_frame", None) is not None:
            frame = coro.cr_frame
            where = f" @{frame.f_code.co_filename.rsplit('/', 1)[-1]}:{frame.f_lineno}"
            coro = getattr(coro, "cr_await", None)
        return f"task {name}{where}"
    return getattr(callback, "__qualname__", repr(callback))
