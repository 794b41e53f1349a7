"""Running times on screen (time in status, talk time, the ACW timer), from a start instant and a clock.

The widgets are given *when* something began, never a counter to increment: a missed tick or a window
hidden for an hour cannot make the number drift, and tests pass a fake clock instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ui.theme import set_role

Clock = Callable[[], datetime]
"""Returns the current instant, timezone-aware."""


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def format_duration(seconds: float) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` beyond; negative counts as zero."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class ElapsedLabel(QLabel):
    """Shows the time since an instant, or the time left when a limit is given (the time-boxed ACW).

    Turns ``warning`` in the last fifth of the limit and ``error`` past it (or past ``warn_after``
    without a limit: a break longer than its reason allows).
    """

    def __init__(self, parent: QWidget | None = None, clock: Clock = utc_now) -> None:
        super().__init__(parent)
        self._clock = clock
        self._since: datetime | None = None
        self._limit: timedelta | None = None
        self._warn_after: timedelta | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)

    def start(
        self, since: datetime, *, limit: timedelta | None = None, warn_after: timedelta | None = None
    ) -> None:
        """Count from ``since``; with ``limit`` count down to ``since + limit``."""
        self._since, self._limit, self._warn_after = since, limit, warn_after
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        """Stop ticking and show nothing."""
        self._timer.stop()
        self._since = None
        self.clear()

    def elapsed(self) -> timedelta:
        """Time since the start (zero when stopped)."""
        return self._clock() - self._since if self._since else timedelta(0)

    def refresh(self) -> None:
        """Re-read the clock and redraw (the timer calls it every second)."""
        if self._since is None:
            return
        elapsed = self.elapsed()
        if self._limit is not None:
            left = self._limit - elapsed
            self.setText(format_duration(left.total_seconds()))
            level = "error" if left <= timedelta(0) else "warning" if left * 5 <= self._limit else ""
        else:
            self.setText(format_duration(elapsed.total_seconds()))
            level = "error" if self._warn_after is not None and elapsed > self._warn_after else ""
        set_role(self, level)
