"""After-call work policy: how the disposition form may be left, and what a timer does.

The four Genesys modes, chosen in configuration (per queue later, one per workstation now):

- ``optional``: the form opens, the operator may leave it without a code; the call is then stamped
  with ``skipped_code`` so every handled call still has one disposition (AHT needs its ACW time).
- ``mandatory``: only a submitted disposition ends ACW. No timer.
- ``time_boxed``: a submitted disposition ends ACW at once; when ``timeout_s`` runs out first,
  ``timeout_code`` is stamped and ACW ends.
- ``time_boxed_no_early_exit``: ACW lasts exactly ``timeout_s``. A disposition submitted early is
  kept (and may be replaced) until the timer ends; none by then means ``timeout_code``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ACW_MAX_S = 900
"""The longest after-call work a timer may allow (Genesys' limit; beyond it ACW hides idle time)."""


class AcwMode(StrEnum):
    """How after-call work ends."""

    OPTIONAL = "optional"
    MANDATORY = "mandatory"
    TIME_BOXED = "time_boxed"
    TIME_BOXED_NO_EARLY_EXIT = "time_boxed_no_early_exit"

    @property
    def timed(self) -> bool:
        """Whether a timer ends ACW."""
        return self in (AcwMode.TIME_BOXED, AcwMode.TIME_BOXED_NO_EARLY_EXIT)


@dataclass(frozen=True)
class AcwPolicy:
    """After-call work rules plus the system codes stamped when the operator chose none.

    The system codes must exist in the server's disposition catalogue, or the server refuses the
    disposition; they are configuration rather than constants so a site can name them its own way.
    ``missed_code`` is ``None`` by default: an incoming call that was never answered then produces no
    disposition at all (the server learns about missed calls from its own call records).
    """

    mode: AcwMode = AcwMode.MANDATORY
    timeout_s: int | None = None
    timeout_code: str = "acw_timeout"
    skipped_code: str = "acw_skipped"
    missed_code: str | None = None

    def __post_init__(self) -> None:
        if self.mode.timed:
            if self.timeout_s is None:
                raise ValueError(f"ACW mode {self.mode.value} needs timeout_s")
            if not 1 <= self.timeout_s <= ACW_MAX_S:
                raise ValueError(f"ACW timeout must be 1..{ACW_MAX_S} s, not {self.timeout_s}")
        elif self.timeout_s is not None:
            raise ValueError(f"ACW mode {self.mode.value} has no timer: leave timeout_s unset")
