"""A direct computation of the report figures from the raw rows, written apart from
``server.reports`` (no buckets, no facts): each event's local wall-clock time gives its interval,
so the property test compares two independent paths (``tests/server/test_reports_agreement.py``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

IntervalKey = tuple[object, ...]
Figures = dict[str, int]


def interval_key(at: datetime, interval: str | None, zone: ZoneInfo) -> IntervalKey:
    """An instant's interval as the wall clock says it (date, hour, quarter, offset)."""
    local = at.astimezone(zone)
    if interval is None:
        return ()
    if interval == "15min":
        return (local.date(), local.hour, local.minute // 15, local.utcoffset())
    if interval == "hour":
        return (local.date(), local.hour, local.utcoffset())
    if interval == "day":
        return (local.date(),)
    if interval == "week":
        return (date.fromordinal(local.date().toordinal() - local.weekday()),)
    return (local.year, local.month)


def row_key(start: datetime | None, interval: str | None) -> IntervalKey:
    """The same key for a report row's start (local time with its offset)."""
    if start is None or interval is None:
        return ()
    return interval_key(start, interval, start.tzinfo)  # type: ignore[arg-type]


def _aware(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    from datetime import UTC

    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def request_types(session: Session) -> dict[str, str]:
    """Each call's request type: the first typed task an operator's call attempt names it on, else
    the type of the task the call row points at (``docs/reports.md``)."""
    out: dict[str, str] = {}
    for call_id, kind in session.execute(
        text(
            "SELECT a.call_id, t.request_type FROM task_attempts a JOIN tasks t ON t.id = a.task_id"
            " WHERE a.kind = 'call' AND a.call_id IS NOT NULL ORDER BY a.at DESC, a.id DESC"
        )
    ):
        if kind:
            out[call_id] = kind  # the earliest wins: rows come latest first
    for call_id, kind in session.execute(
        text("SELECT c.call_id, t.request_type FROM calls c JOIN tasks t ON t.id = c.task_id")
    ):
        if kind and call_id not in out:
            out[call_id] = kind
    return out


def figures(
    session: Session,
    *,
    zone: ZoneInfo,
    interval: str | None,
    by: str,
    since: datetime,
    until: datetime,
    levels: dict[str, int] | None = None,
) -> dict[tuple[IntervalKey, str], Figures]:
    """Sums per (interval, group) of the events in ``[since, until)``, group keys as the API names
    them; ``levels``: each queue's service-level N (key ``''``: the default)."""
    levels = levels or {"": 20}
    kinds = request_types(session)
    users = {
        uid: (name, team)
        for uid, name, team in session.execute(
            text("SELECT u.id, u.name, t.name FROM users u LEFT JOIN teams t ON t.id = u.team_id")
        )
    }
    by_name = {name: (name, team) for name, team in users.values()}
    categories: dict[str, str] = {
        code: category
        for code, category in session.execute(text("SELECT code, category FROM disposition_codes"))
    }
    out: dict[tuple[IntervalKey, str], Figures] = defaultdict(lambda: defaultdict(int))

    def group(  # noqa: PLR0917
        queue: str | None,
        operator: str | None,
        team: str | None,
        dnis: str | None,
        code: str | None,
        call_id: str,
    ) -> str:
        return {
            "none": "",
            "queue": queue or "",
            "operator": operator or "",
            "team": team or "",
            "dnis": dnis or "",
            "code": code or "",
            "request_type": kinds.get(call_id, ""),
        }[by]

    attempts: dict[int, list[tuple[str, datetime, str | None]]] = defaultdict(list)
    for task_id, kind, at, call_id in session.execute(
        text("SELECT task_id, kind, at, call_id FROM task_attempts")
    ):
        attempts[task_id].append((kind, _aware(at), call_id))  # type: ignore[arg-type]
    dnis_of: dict[str, str | None] = {}
    for (
        call_id,
        outcome,
        queue,
        dnis,
        operator,
        arrived,
        ended,
        created,
        task_id,
        answered,
    ) in session.execute(
        text(
            "SELECT call_id, outcome, queue, dnis, operator, arrived_at, ended_at, created_at, task_id,"
            " answered_at FROM calls"
        )
    ):
        dnis_of[call_id] = dnis
        at = _aware(arrived) or _aware(ended) or _aware(created)
        assert at is not None
        if not since <= at < until:
            continue
        name, team = by_name.get(operator, (None, None)) if operator else (None, None)
        sums = out[(interval_key(at, interval, zone), group(queue, name, team, dnis, None, call_id))]
        sums["offered"] += 1
        sums[{"accepted": "accepted", "non_target": "non_target", "missed": "missed"}[outcome]] += 1
        if outcome == "accepted" and answered is not None and arrived is not None:  # no PBX wait given
            wait = int((_aware(answered) - _aware(arrived)).total_seconds())  # type: ignore[operator]
            sums["answer_wait_seconds"] += wait
            sums["answered_in_time"] += wait <= levels.get(queue or "", levels[""])
        if outcome == "missed" and task_id is not None:
            missed = [a for kind, a, cid in attempts[task_id] if kind == "missed_call" and cid == call_id]
            if missed:
                later = [a for kind, a, _ in attempts[task_id] if kind == "call" and a >= min(missed)]
                if later:
                    sums["called_back"] += 1
                    sums["callback_seconds"] += int((min(later) - min(missed)).total_seconds())
    for call_id, operator_id, queue, code, *times, hold in session.execute(
        text(
            "SELECT call_id, operator_id, queue, code, ring_at, answer_at, end_at, acw_end_at, hold_seconds"
            " FROM dispositions"
        )
    ):
        ring, answer, end, acw_end = (_aware(value) for value in times)
        assert ring is not None and end is not None
        at = ring if answer is None else (acw_end or end)
        if not since <= at < until:
            continue
        name, team = users[operator_id]
        key = group(queue, name, team, dnis_of.get(call_id), code, call_id)
        sums = out[(interval_key(at, interval, zone), key)]
        if answer is None:
            sums["unanswered"] += 1
            continue
        sums["handled"] += 1
        sums["successful"] += categories[code] == "success"
        sums["non_target_handled"] += categories[code] == "non_target"
        sums["talk_seconds"] += max(int((end - answer).total_seconds()) - (hold or 0), 0)
        sums["hold_seconds"] += hold or 0
        sums["acw_seconds"] += int((acw_end - end).total_seconds()) if acw_end is not None else 0
    return {key: dict(value) for key, value in out.items() if any(value.values())}
