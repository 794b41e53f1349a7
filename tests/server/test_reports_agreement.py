"""Proof that the rollups kept as events arrive give the figures a direct computation from the raw
events gives (``tests/server/reports_reference.py``), and the KPIs (``server.kpi``) where they
overlap: random days of calls, dispositions and callbacks, written in random order through the real
write paths, around DST changes and local midnights, on both databases.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.wire.calls import CallOutcome, CallReportIn, MissedReason
from app.wire.reports import GroupBy, Interval
from app.wire.tasks import RequestType, ResultIn, ResultOutcome, TaskState
from server.crud import calls as calls_crud
from server.crud import task_queue, tasks
from server.crud.dispositions import store_new
from server.db import Database
from server.kpi import report as kpi_report
from server.models import (
    Call,
    Disposition,
    DispositionCategory,
    DispositionCode,
    ReportFact,
    ReportRollup,
    Role,
    Task,
    TaskAttempt,
    User,
)
from server.reports import live, maintain, query
from server.reports.intervals import local_midnight
from server.settings import Settings
from tests.server.helpers import add_user
from tests.server.reports_reference import figures, row_key

CASES = 12
"""Random days per backend (each a few dozen calls written one by one)."""

DAYS = [
    ("Europe/Berlin", date(2026, 3, 29)),  # spring forward: a 23-hour day
    ("Europe/Berlin", date(2026, 10, 25)),  # fall back: 25 hours, 02:00-03:00 twice
    ("America/New_York", date(2026, 11, 1)),
    ("Asia/Kolkata", date(2026, 6, 15)),  # +05:30: hours start at :30 UTC
    ("Europe/Moscow", date(2026, 12, 31)),  # a month and a year boundary
]
CODES = {
    "sale": DispositionCategory.SUCCESS,
    "info": DispositionCategory.OTHER,
    "junk": DispositionCategory.NON_TARGET,
    "no_answer": DispositionCategory.NOT_REACHED,
}
QUEUES = ["sales", "support", None]
LINES = ["+74950000001", "+74950000002", "promo-radio", None]
LEVELS = {"": 20, "sales": 15, "support": 30}
"""Each queue's service-level N (``''``: the default), as ``Settings.service_level_for`` gives them."""
REQUESTS = list(RequestType)
RULES = task_queue.Rules(
    lease=timedelta(minutes=5), retry=timedelta(hours=1), max_attempts=3, default_zone="Europe/Moscow"
)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database.connect(settings.database_url)
    yield db
    db.dispose()


@pytest.fixture
def operators(database: Database, settings: Settings) -> list[tuple[int, str]]:
    people = [
        add_user(database, settings, "op_a", Role.OPERATOR, "north"),
        add_user(database, settings, "op_b", Role.OPERATOR, "north"),
        add_user(database, settings, "op_c", Role.OPERATOR, "south"),
    ]
    with database.session() as session:
        for position, (code, category) in enumerate(CODES.items()):
            session.add(
                DispositionCode(code=code, label_en=code, label_ru=code, category=category, position=position)
            )
        session.commit()
    return [(person.id, person.name) for person in people]


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def _write_day(
    session: Session, rng: random.Random, operators: list[tuple[int, str]], since: datetime, until: datetime
) -> None:
    """A random day: calls reported by one or two sources, dispositions (some for calls no PBX
    reported, some unanswered), callbacks on the missed calls' tasks; written in random order."""
    writes: list[tuple[int, object]] = []
    window = (since - timedelta(hours=3), until + timedelta(hours=3))
    for _ in range(rng.randrange(15, 40)):
        call_id = f"c-{uuid.uuid4().hex[:10]}@pbx"
        arrived = _moment(rng, *window)
        wait = rng.randrange(0, 90)
        queue, line = rng.choice(QUEUES), rng.choice(LINES)
        caller = f"+7912{rng.randrange(10**7):07d}"
        operator_id, operator = rng.choice(operators)
        kind = rng.random()
        if kind < 0.55:  # accepted, often after a desktop said it rang out elsewhere first
            answered = arrived + timedelta(seconds=wait)
            talk = rng.randrange(20, 900)
            ended = answered + timedelta(seconds=talk)
            if rng.random() < 0.3:
                writes.append(
                    (
                        0,
                        CallReportIn(
                            call_id=call_id,
                            outcome=CallOutcome.MISSED,
                            missed_reason=MissedReason.RANG_OUT,
                            caller=caller,
                        ),
                    )
                )
            writes.append(
                (
                    0,
                    CallReportIn(
                        call_id=call_id,
                        outcome=CallOutcome.ACCEPTED,
                        caller=caller,
                        dnis=line,
                        queue=queue,
                        operator=operator,
                        arrived_at=arrived,
                        answered_at=answered,
                        ended_at=ended,
                    ),
                )
            )
            if rng.random() < 0.9:
                acw_end = ended + timedelta(seconds=rng.randrange(0, 120)) if rng.random() < 0.8 else None
                writes.append(
                    (
                        1,
                        {
                            "call_id": call_id,
                            "operator_id": operator_id,
                            "queue": queue,
                            "ring_at": answered - timedelta(seconds=rng.randrange(1, 15)),
                            "answer_at": answered,
                            "end_at": ended,
                            "acw_end_at": acw_end,
                            "hold_seconds": rng.choice([None, 0, rng.randrange(0, min(talk, 120))]),
                            "code": rng.choice(["sale", "info", "junk"]),
                        },
                    )
                )
        elif kind < 0.85:  # missed (abandoned quickly: non-target), its callback maybe later
            ended = arrived + timedelta(seconds=wait)
            writes.append(
                (
                    0,
                    CallReportIn(
                        call_id=call_id,
                        outcome=CallOutcome.MISSED,
                        missed_reason=rng.choice([MissedReason.ABANDONED, MissedReason.RANG_OUT]),
                        caller=caller,
                        dnis=line,
                        queue=queue,
                        arrived_at=arrived,
                        ended_at=ended,
                    ),
                )
            )
            if rng.random() < 0.4:  # it rang unanswered at a desktop too
                writes.append(
                    (
                        1,
                        {
                            "call_id": call_id,
                            "operator_id": operator_id,
                            "queue": queue,
                            "ring_at": arrived + timedelta(seconds=min(wait, 3)),
                            "answer_at": None,
                            "end_at": ended,
                            "acw_end_at": None,
                            "hold_seconds": None,
                            "code": "no_answer",
                        },
                    )
                )
        else:  # a disposition no PBX reported (an outbound call, a PBX without an adapter)
            answer = arrived + timedelta(seconds=5)
            if rng.random() < 0.6:  # made on a web request's task: the call has its request type
                writes.append((2, (call_id, rng.choice(REQUESTS), operator_id, answer)))
            writes.append(
                (
                    1,
                    {
                        "call_id": call_id,
                        "operator_id": operator_id,
                        "queue": queue,
                        "ring_at": arrived,
                        "answer_at": answer,
                        "end_at": answer + timedelta(seconds=rng.randrange(10, 300)),
                        "acw_end_at": None,
                        "hold_seconds": None,
                        "code": rng.choice(list(CODES)),
                    },
                )
            )
    rng.shuffle(writes)
    for kind, item in writes:
        if kind == 0:
            assert isinstance(item, CallReportIn)
            calls_crud.record(
                session,
                item,
                source=rng.choice(["asterisk", "desktop"]),
                non_target_seconds=5,
                service_level=lambda queue: LEVELS.get(queue or "", LEVELS[""]),
            )
        elif kind == 2:
            assert isinstance(item, tuple)
            _web_request_call(session, rng, item)
        else:
            assert isinstance(item, dict)
            values = {
                **item,
                "idempotency_key": uuid.uuid4(),
                "request_hash": "x" * 64,
                "contact_id": None,
                "script_id": None,
                "script_version": None,
                "script_answers": {},
                "comment": "",
                "callback_at": None,
                "received_at": datetime.now(UTC),
            }
            store_new(session, [values])
            maintain.refresh(session, [item["call_id"]])  # what the disposition routes do
    # callbacks: an operator takes some missed-call tasks and calls, once or twice
    for task in session.scalars(select(Task).order_by(Task.id)).all():
        for _ in range(rng.choice([0, 0, 1, 2])):
            if task.state.closed:
                break
            operator_id, _name = rng.choice(operators)
            task.state, task.claimed_by_id = TaskState.IN_PROGRESS, operator_id
            session.flush()
            user = session.get(User, operator_id)
            assert user is not None
            now = task.due_at + timedelta(seconds=rng.randrange(60, 4 * 3600))
            outcome = rng.choice([ResultOutcome.DONE, ResultOutcome.NOT_REACHED])
            task_queue.report(
                session, task, user=user, result=ResultIn(outcome=outcome), now=now, rules=RULES, key=None
            )
    session.commit()


def _web_request_call(
    session: Session, rng: random.Random, made: tuple[str, RequestType, int, datetime]
) -> None:
    """A web request's task, and the operator's call on it (``call_id``) reported as its result."""
    call_id, request, operator_id, at = made
    task = tasks.create_request(
        session,
        phone=f"+7912{rng.randrange(10**7):07d}",
        request_type=request,
        text="",
        queue=None,
        due_at=at - timedelta(minutes=5),
        source="site",
        key=None,
    )
    task.state, task.claimed_by_id = TaskState.IN_PROGRESS, operator_id
    session.flush()
    user = session.get(User, operator_id)
    assert user is not None
    task_queue.report(
        session,
        task,
        user=user,
        result=ResultIn(outcome=ResultOutcome.DONE, call_id=call_id),
        now=at,
        rules=RULES,
        key=None,
    )


def _clear(session: Session) -> None:
    for model in (ReportRollup, ReportFact, TaskAttempt, Call, Task, Disposition):
        session.execute(delete(model))
    session.commit()


def _rollup(session: Session) -> list[tuple[object, ...]]:
    """The rollup rows that hold any figure (a row taken back to all zeros counts as absent)."""
    table = ReportRollup.__table__
    return sorted(tuple(row) for row in session.execute(select(table)) if any(row[5:]))  # zero rows: none


def _from_rollups(
    session: Session,
    *,
    zone: ZoneInfo,
    interval: Interval | None,
    by: GroupBy,
    since: datetime,
    until: datetime,
) -> dict[tuple[object, str], dict[str, int]]:
    found = query.sums(
        session, since=since, until=until, interval=interval, by=by, zone=zone, scope=query.Scope()
    )
    names = query.Names.load(session)
    out: dict[tuple[object, str], dict[str, int]] = {}
    for (start, key), values in found.items():
        figures_ = {
            "offered": values["offered"],
            "accepted": values["accepted"],
            "non_target": values["non_target"],
            "missed": values["missed"],
            "called_back": values["called_back"],
            "callback_seconds": values["callback_ms"] // 1000,
            "handled": values["handled"],
            "unanswered": values["unanswered"],
            "successful": values["successful"],
            "non_target_handled": values["non_target_handled"],
            "talk_seconds": values["talk_ms"] // 1000,
            "hold_seconds": values["hold_ms"] // 1000,
            "acw_seconds": values["acw_ms"] // 1000,
            "answered_in_time": values["answered_in_time"],
            "answer_wait_seconds": values["answer_wait_ms"] // 1000,
        }
        if any(figures_.values()):
            local = start.astimezone(zone) if start is not None else None
            out[(row_key(local, interval.value if interval else None), names.label(by, key) or "")] = {
                k: v for k, v in figures_.items() if v
            }
    return out


@pytest.mark.parametrize("case", range(CASES))
def test_rollups_agree_with_raw_events_and_kpis(
    database: Database, operators: list[tuple[int, str]], settings: Settings, case: int
) -> None:
    rng = random.Random(20_000 + case)
    zone_name, day = DAYS[case % len(DAYS)]
    if case >= len(DAYS) * 2:
        day += timedelta(days=rng.randrange(-40, 40))
    zone = ZoneInfo(zone_name)
    since, until = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    with database.session() as session:
        _write_day(session, rng, operators, since, until)
        wide_since, wide_until = (
            local_midnight(day - timedelta(days=1), zone),
            local_midnight(day + timedelta(days=2), zone),
        )
        for interval in (Interval.QUARTER, Interval.HOUR, Interval.DAY, Interval.WEEK, Interval.MONTH, None):
            for by in GroupBy:
                window = (
                    (since, until)
                    if interval in (Interval.QUARTER, Interval.HOUR, None)
                    else (wide_since, wide_until)
                )
                expected = figures(
                    session,
                    zone=zone,
                    interval=interval.value if interval else None,
                    by=by.value,
                    since=window[0],
                    until=window[1],
                    levels=LEVELS,
                )
                expected = {key: {k: v for k, v in value.items() if v} for key, value in expected.items()}
                got = _from_rollups(
                    session, zone=zone, interval=interval, by=by, since=window[0], until=window[1]
                )
                assert got == expected, (interval, by)
        # the live dashboard (raw calls) and the historical report (rollups) of the day, per queue
        day_report = query.build(
            session, since=since, until=until, interval=None, by=GroupBy.QUEUE, zone=zone, scope=query.Scope()
        )
        levels = settings.model_copy(update={"service_levels": "sales:15,support:30"})
        today = live.build(
            session, settings=levels, zone=zone, scope=query.Scope(), now=since + timedelta(hours=12)
        )
        historical = {row.group: (row.answered_in_time, row.service_level) for row in day_report.rows}
        assert {q.queue: (q.answered_in_time, q.service_level) for q in today.queues} == historical
        assert (today.total.answered_in_time, today.total.service_level) == (
            day_report.total.answered_in_time,
            day_report.total.service_level,
        )
        assert any(row.service_level for row in day_report.rows)  # a day with answered calls
        # the KPIs of the same local day, per operator: handled, missed, success, talk, hold, ACW
        kpis = kpi_report.build(session, team_ids=None, operator_id=None, since=since, until=until, now=until)
        report = query.build_operators(session, since=since, until=until, zone=zone, scope=query.Scope())
        mine = {row.group: row for row in report.operators}
        for kpi in kpis.operators:
            row = mine.get(kpi.operator)
            got_kpi = (
                (
                    row.handled,
                    row.unanswered,
                    row.successful,
                    row.talk_seconds,
                    row.hold_seconds,
                    row.acw_seconds,
                )
                if row is not None
                else (0, 0, 0, 0, 0, 0)
            )
            assert got_kpi == (
                kpi.handled,
                kpi.missed,
                kpi.successful,
                kpi.talk_seconds,
                kpi.hold_seconds,
                kpi.acw_seconds,
            ), kpi.operator
        # the rollups kept as events arrived equal a rebuild from scratch
        kept = _rollup(session)
        maintain.rebuild(session)
        session.commit()
        assert _rollup(session) == kept
        _clear(session)


def test_a_berlin_day_has_92_or_100_quarters() -> None:
    zone = ZoneInfo("Europe/Berlin")
    for day, quarters in ((date(2026, 3, 29), 92), (date(2026, 10, 25), 100), (date(2026, 6, 1), 96)):
        span = local_midnight(day + timedelta(days=1), zone) - local_midnight(day, zone)
        assert span / timedelta(minutes=15) == quarters
    assert datetime.combine(date(2026, 6, 1), time(), ZoneInfo("Asia/Kolkata")).utcoffset() == timedelta(
        hours=5, minutes=30
    )
