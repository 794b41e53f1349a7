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
    floor: float | None = None  # the same figure for the floor measured beside it (a bare app, raw SQL)
    floor_name: str = ""  # what the floor is, e.g. "minimal FastAPI + SQLAlchemy insert"

    @property
    def ratio(self) -> float | None:
        """``value / floor``: how far above the floor we are, comparable across machines and loads."""
        if self.floor is None or not self.floor:
            return None
        return self.value / self.floor


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

    def add_vs_floor(
        self,
        name: str,
        value: float,
        unit: str,
        floor: float,
        floor_name: str,
        *,
        limit: float | None = None,
        max_ratio: float | None = None,
    ) -> None:
        """Add a figure beside its floor, measured in the same run on the same machine.

        Judged on ``value < limit`` and/or ``value / floor <= max_ratio`` (both when both are given):
        the ratio is what survives a busier or slower machine; the limit is what the user feels.
        """
        checks: list[bool] = []
        target: list[str] = []
        if limit is not None:
            checks.append(value < limit)
            target.append(f"< {limit:g} {unit}".strip())
        if max_ratio is not None and floor:
            checks.append(value / floor <= max_ratio)
            target.append(f"<= {max_ratio:g}x floor")
        self.figures.append(
            Figure(
                name,
                value,
                unit,
                ", ".join(target),
                all(checks) if checks else None,
                floor=floor,
                floor_name=floor_name,
            )
        )

    def add_percentiles_vs_floor(
        self,
        name: str,
        ours: list[float],
        floor: list[float],
        floor_name: str,
        *,
        limit_p95: float | None,
        digits: int = 3,
    ) -> None:
        """``name p50`` and ``name p95`` (ms) beside the floor's, the p95 judged against ``limit_p95``."""
        for pct, limit in ((50, None), (95, limit_p95)):
            label = name.replace("{pct}", f"p{pct}")
            mine, bare = round(percentile(ours, pct), digits), round(percentile(floor, pct), digits)
            self.add_vs_floor(label, mine, "ms", bare, floor_name, limit=limit)

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
