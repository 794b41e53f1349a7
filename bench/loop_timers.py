"""The event loop's timers in the shift bench (:mod:`bench.desktop_calls`): qasync keeps a cancelled
``call_later`` until its time comes, so the shift's memory is read once the last call's timeouts have
had their time (:func:`settled`), and with ``RINGDESK_BENCH_SHIFT_DETAIL=1`` what is still waiting after
the shift is listed by callback and delay (:func:`pending_timers`)."""

from __future__ import annotations

import asyncio
import os
import sys
import weakref
from collections import Counter
from collections.abc import Callable
from typing import Any

SETTLE_S = float(os.environ.get("RINGDESK_BENCH_SETTLE_S", "16"))
"""Seconds before each of the shift's memory readings (see :func:`settled`)."""

_TIMERS: weakref.WeakKeyDictionary[Any, tuple[str, float]] = weakref.WeakKeyDictionary()


def watch_timers() -> None:
    """Remember each ``call_later``'s callback and delay (a cancelled handle forgets its callback)."""
    loop = asyncio.get_event_loop()
    plain = loop.call_later

    def call_later(delay: float, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        handle = plain(delay, callback, *args, **kwargs)
        owner = getattr(callback, "__self__", None)
        name = getattr(callback, "__qualname__", type(callback).__name__)
        _TIMERS[handle] = (f"{type(owner).__name__}.{name}" if owner is not None else name, delay)
        return handle

    loop.call_later = call_later  # type: ignore[method-assign,assignment]


def pending_timers() -> None:
    """The loop's timers still waiting to fire, by callback (stderr): qasync keeps a cancelled
    ``call_later`` until its time comes, so what a shift of calls seconds apart leaves here says which
    timeouts are long, and whether any would outlast a real shift."""
    loop = asyncio.get_event_loop()
    timer = getattr(loop, "_timer", None)
    pending = getattr(timer, "_SimpleTimer__callbacks", {})
    kinds: Counter[str] = Counter()
    for handle in pending.values():
        name, delay = _TIMERS.get(handle, ("?", -1.0))
        kinds[f"{name} after {delay:.0f} s{' (cancelled)' if handle._cancelled else ''}"] += 1
    print(f"timers pending after the shift: {len(pending)}", file=sys.stderr)
    for name, count in kinds.most_common(15):
        print(f"  {count:5d} {name}", file=sys.stderr)


async def settled(reading: Callable[[], dict[str, float]]) -> dict[str, float]:
    """A reading once the last call's timeouts have had their time (:data:`SETTLE_S`): qasync keeps a
    cancelled ``call_later`` (httpx's 15 s timeouts, ``wait_for``'s 10 s) until then, and at the bench's
    pace of calls seconds apart thousands wait at any moment, which a shift of calls minutes apart never
    holds. What is read after is what the calls kept (the caller first waits for the outbox to empty:
    :func:`bench.desktop_calls._drained`)."""
    await asyncio.sleep(SETTLE_S)
    return reading()
