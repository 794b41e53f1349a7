"""What every benchmark shares: result types, percentiles, paths and the port helper.

A figure carries its own target so the table and the JSON say, next to each number, what it is judged
against; ``ok`` is None for figures that are informative only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.ports import free_port, free_ports

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
LOGS = RESULTS / "logs"

__all__ = ["LOGS", "REPO", "RESULTS", "BenchResult", "Figure", "free_port", "free_ports", "percentile"]


@dataclass(frozen=True)
class Figure:
    """One measured number, e.g. ``incoming_call p95 = 3.1 ms`` against ``< 10 ms``."""

    name: str
    value: float
    unit: str
    target: str = ""  # human-readable, e.g. "< 10 ms"; "" = informative
    ok: bool | None = None


@dataclass
class BenchResult:
    """The outcome of one benchmark: its figures, free-form details for the JSON, and notes for humans.

    ``status`` is ``ok`` (it ran), ``skipped`` (a tool it needs is missing here) or ``error`` (it broke).
    """

    name: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    status: str = "ok"
    seconds: float = 0.0

    def add(self, name: str, value: float, unit: str, limit: float | None = None) -> None:
        """Add a figure; with ``limit`` it is judged ``value < limit``, without it is informative."""
        if limit is None:
            self.figures.append(Figure(name, value, unit))
        else:
            self.figures.append(Figure(name, value, unit, f"< {limit:g} {unit}".strip(), value < limit))

    def add_exact(self, name: str, value: float, unit: str, expected: float) -> None:
        """Add a figure that must equal ``expected`` (e.g. zero underruns)."""
        self.figures.append(Figure(name, value, unit, f"= {expected:g} {unit}".strip(), value == expected))


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every reported value was really measured)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]
