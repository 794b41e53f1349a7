"""Whether a screen pop is under way, for the background work that can wait until it is over (issue 15).

A pop is the time from an incoming call ringing here to its card showing the caller: the contact
lookup goes to the server and its answer is painted on the GUI thread. Everything else the desk does
on that thread or asks of the server meanwhile makes the pop slower: the task list's refresh (200
tasks fetched, parsed and listed every 20 s), the outbox sending the last call's report or
disposition, the own feed's reads after it (re)connects. None of that has to happen in those few
hundred milliseconds, so it waits for :meth:`PopWatch.quiet` first.

The watch hears the workstation's hub, so the core is what tells the background work, not a widget:

* a call that rings here (inbound, ``ringing``) starts a pop;
* its card's contact (:class:`ContactLookedUp`: found, unknown or failed) ends it, and so does the call
  leaving ``ringing`` before any answer (answered, rejected, given up: nothing more to pop);
* :data:`SETTLE_S` after the last pop ended the desk counts as quiet (the card's paint and its
  history read come right after the contact).

:meth:`PopWatch.quiet` never waits longer than it is told (:data:`LONGEST_WAIT_S` by default): a
lookup that hangs, or calls ringing back to back, delay the background work, never stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from app.session.phase import Direction, Phase
from app.workstation.hub import Hub
from app.workstation.notices import CallChanged, ContactLookedUp

SETTLE_S = 0.3
"""Quiet this long after the last pop ended: the card is painted and its history read by then."""
LONGEST_WAIT_S = 3.0
"""The longest :meth:`PopWatch.quiet` waits (a lookup times out well before)."""
STALE_S = 10.0
"""A pop older than this no longer counts (its lookup never answered, nor did the call move on)."""


class PopWatch:
    """Follows the hub's call notices; :meth:`quiet` waits for the pops under way to end."""

    def __init__(
        self, hub: Hub, *, settle_s: float = SETTLE_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self.settle_s = settle_s
        self._popping: dict[str, float] = {}
        """Calls ringing here whose card has no caller yet, with when they started ringing."""
        self._ringing: set[str] = set()
        """Calls ringing here whose pop began (ended or not): a pop begins once per call."""
        self._settled_at = 0.0
        """When the desk is quiet again after the last pop ended (the clock's time)."""
        self._changed = asyncio.Event()
        self._unsubscribe = [hub.on(CallChanged, self._on_call), hub.on(ContactLookedUp, self._on_contact)]

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._popping.clear()
        self._ringing.clear()
        self._settled_at = 0.0
        self._changed.set()

    @property
    def popping(self) -> bool:
        """Whether a pop is under way or just ended (within :attr:`settle_s`)."""
        return self._wait_left() > 0

    async def quiet(self, longest: float = LONGEST_WAIT_S) -> None:
        """Return once no pop is under way (at once when none is), or after ``longest`` seconds."""
        deadline = self._clock() + longest
        while (left := min(self._wait_left(), deadline - self._clock())) > 0:
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    def _wait_left(self) -> float:
        now = self._clock()
        for call_id, began in list(self._popping.items()):
            if now - began > STALE_S:
                self._end(call_id)
        if self._popping:
            return STALE_S
        return self._settled_at - now

    def _on_call(self, notice: CallChanged) -> None:
        session = notice.session
        ringing_here = session.phase is Phase.RINGING and session.direction is Direction.INBOUND
        if not ringing_here:
            self._ringing.discard(session.call_id)
            if session.call_id in self._popping:
                self._end(session.call_id)
        elif session.call_id not in self._ringing and session.number:  # no number: nothing to look up
            self._ringing.add(session.call_id)
            self._popping[session.call_id] = self._clock()
            self._changed.set()

    def _on_contact(self, notice: ContactLookedUp) -> None:
        if notice.call_id in self._popping:
            self._end(notice.call_id)

    def _end(self, call_id: str) -> None:
        del self._popping[call_id]
        self._settled_at = self._clock() + self.settle_s
        self._changed.set()


__all__ = ["LONGEST_WAIT_S", "SETTLE_S", "PopWatch"]
