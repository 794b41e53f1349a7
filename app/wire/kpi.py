"""KPIs on the wire (``GET /kpi``): per operator, per team and in total, for one period.

Every figure is derived by the server from raw events (status history and dispositions), never from
a desktop's counters; ``docs/kpi.md`` defines each one. Durations are whole seconds; ratios are
fractions (0.82, not 82 %) and ``None`` when undefined (no calls, no time logged, no target).
"""

from __future__ import annotations

from app.wire.common import UserName, UtcDatetime, WireModel
from app.wire.schema import Field


class KpiRow(WireModel):
    """The KPIs of one operator, one team or everyone (``operator`` and ``team`` tell which)."""

    operator: UserName | None = None
    team: UserName | None = None
    handled: int = 0
    missed: int = 0
    successful: int = 0
    talk_seconds: int = 0
    hold_seconds: int = 0
    acw_seconds: int = 0
    ready_seconds: int = 0
    """Available idle time: time in ``ready`` (occupancy's denominator, with handle time)."""
    logged_in_seconds: int = 0
    aht_seconds: float | None = None
    avg_acw_seconds: float | None = None
    occupancy: float | None = None
    target: int | None = None
    """Calls to handle in the period: the shift target times the shifts worked."""
    plan_completion: float | None = None
    evaluated: int = 0
    """Recorded calls of the period (by when the call started) a team lead scored."""
    quality_score: float | None = None
    """The average of those evaluations' scores (0-100); ``None`` when none was scored."""


class KpiReport(WireModel):
    since: UtcDatetime
    until: UtcDatetime
    operators: list[KpiRow] = Field(default_factory=list)
    teams: list[KpiRow] = Field(default_factory=list)
    total: KpiRow


class TargetIn(WireModel):
    """A shift target: for one operator, or (``operator`` ``None``) for a team's operators."""

    operator: UserName | None = None
    team: UserName | None = None
    handled_per_shift: int | None = Field(ge=1, le=10_000)
    """``None`` clears it (an operator then follows the team's)."""
