"""What a team lead's report covers (:class:`ReportQuery`): the argument of the calls of
:class:`~app.client.report_calls.ReportCalls`, in a module of its own so that the API client's mixin
does not load the report wire models (:mod:`app.wire.reports`) on every desktop: an operator's never
reads a report (issue 15's idle memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.wire.reports import GroupBy, Interval


@dataclass(frozen=True)
class ReportQuery:
    """What one report covers: the local days ``first``..``last`` (inclusive) in ``tz``, cut into
    ``interval`` (``None``: one row per group for the whole period) and grouped ``by``."""

    first: date
    last: date
    tz: str
    interval: Interval | None = Interval.DAY
    by: GroupBy = GroupBy.NONE

    def params(self) -> dict[str, str]:
        out = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "tz": self.tz,
            "by": self.by.value,
        }
        if self.interval is None:
            out["whole"] = "true"
        else:
            out["interval"] = self.interval.value
        return out
