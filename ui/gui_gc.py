"""Python's cycle collector, run only on the GUI thread.

Why: a window or widget caught in a reference cycle (its signals' lambdas refer back to it, as most
of ours do) is freed by the cycle collector, and CPython runs that collector in whichever thread
happens to allocate when a threshold is crossed: the thread pool that resolves a host name for
httpx, a test client's portal thread... A QObject destroyed off its own thread cannot stop its
timers ("QObject::~QObject: Timers cannot be stopped from another thread"), and the next timer
event on the GUI thread reaches freed memory: a segfault, for an operator in the middle of a call.

So the desktop turns automatic collection off and collects from a timer on the GUI thread, with the
same generation thresholds CPython would use (Anki does the same for the same reason). Collection
is as frequent as before; only the thread is fixed.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

INTERVAL_MS = 1000
"""How often the thresholds are checked: often enough that garbage waits about a second at most."""


class GuiThreadCollector(QObject):
    """Owns the collection policy of the process once installed (:func:`install`)."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.collections = 0
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int | None:
        """Collect what CPython would collect now (:func:`collect_due`)."""
        generation = collect_due(self.thresholds)
        if generation is not None:
            self.collections += 1
        return generation


def collect_due(thresholds: tuple[int, ...] | None = None) -> int | None:
    """Collect the generation CPython would collect now, if any: the oldest whose count passed its
    threshold, once the youngest's did. Returns the generation collected, or None."""
    limits = thresholds or gc.get_threshold()
    counts = gc.get_count()
    if counts[0] <= limits[0]:
        return None
    generation = max(g for g in range(3) if g == 0 or counts[g] > limits[g])
    gc.collect(generation)
    return generation


def install(app: QCoreApplication) -> GuiThreadCollector:
    """Turn automatic collection off and collect on ``app``'s thread (idempotent)."""
    existing = app.findChild(GuiThreadCollector)
    if isinstance(existing, GuiThreadCollector):
        return existing
    return GuiThreadCollector(app)
