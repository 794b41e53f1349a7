"""Pacing requests to one CRM portal: at most ``rate`` a second, shared by everything in the process
that talks to that portal (the outbox worker, the screen pop's lookups, ``crm test``).

Bitrix24 counts requests per portal with a leaky bucket (about 2 a second, a burst allowance on
top) and answers ``QUERY_LIMIT_EXCEEDED`` beyond it. Rather than spend the burst and then be
refused, requests are spaced: each takes the next free slot, ``1/rate`` seconds after the previous
one. A caller with a deadline (the screen pop) does not take a slot it could only reach too late:
it gives up at once and leaves the slot to the next one.

One process cannot see another's requests: with ``serve --workers N`` the portal may see up to N
times the rate, which is what the adapter's bounded back-off on ``QUERY_LIMIT_EXCEEDED`` is for.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator


class TooLate(Exception):
    """No slot before the caller's deadline."""


class Pacer:
    """Slots ``1/rate`` seconds apart (module notes)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self._clock = clock
        self._next = -float("inf")

    def penalise(self, seconds: float) -> None:
        """The CRM said "too many": nobody sends for ``seconds`` (every caller, not just the one told)."""
        self._next = max(self._next, self._clock() + seconds)

    async def slot(self, deadline: float | None = None) -> None:
        """Wait for this caller's slot; :class:`TooLate` (taking none) if it comes after ``deadline``
        (a ``time.monotonic()`` value)."""
        now = self._clock()
        at = max(now, self._next)
        if deadline is not None and at > deadline:
            raise TooLate(f"the CRM's rate allows the next request in {at - now:.2f} s")
        self._next = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


_pacers: dict[tuple[str, float], Pacer] = {}


def pacer_for(portal: str, rate: float) -> Pacer:
    """The process's one pacer for ``portal`` (a host name) at ``rate``."""
    key = (portal, rate)
    pacer = _pacers.get(key)
    if pacer is None:
        pacer = _pacers[key] = Pacer(rate)
    return pacer


_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("crm_deadline", default=None)


def current_deadline() -> float | None:
    """The deadline set by :func:`deadline` around the current task's CRM calls, if any."""
    return _deadline.get()


@contextlib.contextmanager
def deadline(at: float) -> Iterator[None]:
    """CRM calls made inside take no rate slot after ``at`` (``time.monotonic()``): the screen pop."""
    token = _deadline.set(at)
    try:
        yield
    finally:
        _deadline.reset(token)
