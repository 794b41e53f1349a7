"""Keeps ``report_facts`` and ``report_rollup`` up to date, in the transaction of every write that
changes a figure (``docs/reports.md#how-the-rollups-are-kept``):

* ``server.crud.calls.record`` (every source's report of a call),
* the disposition routes (one, the slow path, a batch),
* ``server.crud.task_queue.report`` (an operator's call on a task: the missed calls on it are now
  called back).

:func:`refresh` recomputes the facts of the calls named from their raw rows, takes back what their
stored facts had added to the rollups and adds the new ones: the rollups equal the sum of the
facts whatever order reports arrive in. On PostgreSQL a transaction-scoped advisory lock per call
keeps two writers of one call from both taking back the same old facts. The rollup rows are
upserted in one sorted order, so two writers touching the same buckets wait for each other instead
of deadlocking.

:func:`rebuild` recomputes everything (``ringdesk-server reports rebuild``): after the migration, or
to check the rollups against the raw events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    Table,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    text,
    union,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.wire.tasks import AttemptKind
from server.models import Call, Disposition, DispositionCode, Task, TaskAttempt, User
from server.models.reports import DIMS, MEASURES, ReportFact, ReportRollup
from server.reports.facts import CallRow, DispositionRow, Fact, facts, request_type_of

CHUNK = 500
"""Calls per query (``IN`` lists) and rollup rows per upsert (SQLite's bound-parameter limit)."""

RollupKey = tuple[str, datetime, str, int, str]


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _made_on(session: Session, call_ids: Sequence[str]) -> dict[str, list[str | None]]:
    """The request types of the tasks each call was made on (an operator's attempt naming it), in
    the order of the attempts."""
    out: dict[str, list[str | None]] = defaultdict(list)
    for call_id, kind in session.execute(
        select(TaskAttempt.call_id, Task.request_type)
        .join(Task, Task.id == TaskAttempt.task_id)
        .where(TaskAttempt.call_id.in_(call_ids), TaskAttempt.kind == AttemptKind.CALL)
        .order_by(TaskAttempt.at, TaskAttempt.id)
    ):
        if call_id:
            out[call_id].append(kind.value if kind is not None else None)
    return out


def load_facts(session: Session, call_ids: Sequence[str]) -> list[Fact]:
    """The facts of these calls, computed from their raw rows (``calls``, ``dispositions``, the
    attempts on their tasks and the tasks' request types, the catalogue and the operators' teams)."""
    calls = session.execute(
        select(
            Call.call_id,
            Call.outcome,
            Call.queue,
            Call.dnis,
            Call.operator,
            Call.arrived_at,
            Call.ended_at,
            Call.created_at,
            Call.task_id,
            Call.wait_seconds,
            Call.service_seconds,
        ).where(Call.call_id.in_(call_ids))
    ).all()
    made_on = _made_on(session, call_ids)
    names = {row.operator for row in calls if row.operator}
    people = (
        {
            name: (uid, team or 0)
            for name, uid, team in session.execute(
                select(User.name, User.id, User.team_id).where(User.name.in_(names))
            )
        }
        if names
        else {}
    )
    task_ids = {row.task_id for row in calls if row.task_id is not None}
    attempts: dict[int, list[tuple[AttemptKind, datetime, str | None]]] = defaultdict(list)
    if task_ids:
        for task_id, kind, at, call_id in session.execute(
            select(TaskAttempt.task_id, TaskAttempt.kind, TaskAttempt.at, TaskAttempt.call_id).where(
                TaskAttempt.task_id.in_(task_ids)
            )
        ):
            attempts[task_id].append((kind, at, call_id))
    own_types = (
        {
            task_id: kind.value if kind is not None else None
            for task_id, kind in session.execute(
                select(Task.id, Task.request_type).where(Task.id.in_(task_ids))
            )
        }
        if task_ids
        else {}
    )
    call_rows = []
    for row in calls:
        operator_id, team_id = people.get(row.operator or "", (0, 0))
        missed_at = called_back_at = None
        if row.task_id is not None:
            on_task = attempts.get(row.task_id, [])
            missed = [
                at for kind, at, cid in on_task if kind is AttemptKind.MISSED_CALL and cid == row.call_id
            ]
            if missed:
                missed_at = min(missed)
                calls_after = [at for kind, at, _ in on_task if kind is AttemptKind.CALL and at >= missed_at]
                called_back_at = min(calls_after, default=None)
        call_rows.append(
            CallRow(
                call_id=row.call_id,
                outcome=row.outcome,
                queue=row.queue,
                dnis=row.dnis,
                operator_id=operator_id,
                team_id=team_id,
                arrived_at=row.arrived_at,
                ended_at=row.ended_at,
                created_at=row.created_at,
                missed_at=missed_at,
                called_back_at=called_back_at,
                wait_seconds=row.wait_seconds,
                service_seconds=row.service_seconds,
                request_type=request_type_of(
                    made_on.get(row.call_id, []),
                    own_types.get(row.task_id) if row.task_id is not None else None,
                ),
            )
        )
    dispositions = [
        DispositionRow(
            id=d.id,
            call_id=d.call_id,
            operator_id=d.operator_id,
            team_id=team_id or 0,
            queue=d.queue,
            code=d.code,
            category=category,
            ring_at=d.ring_at,
            answer_at=d.answer_at,
            end_at=d.end_at,
            acw_end_at=d.acw_end_at,
            hold_seconds=d.hold_seconds,
        )
        for d, category, team_id in session.execute(
            select(Disposition, DispositionCode.category, User.team_id)
            .join(DispositionCode, DispositionCode.code == Disposition.code)
            .join(User, User.id == Disposition.operator_id)
            .where(Disposition.call_id.in_(call_ids))
        )
    ]
    return facts(
        call_rows, dispositions, {cid: request_type_of(kinds, None) for cid, kinds in made_on.items()}
    )


_FACT_COLUMNS = (
    "call_id",
    "disposition_id",
    "bucket_start",
    "operator_id",
    "team_id",
    "queue",
    "dnis",
    "code",
    "request_type",
)


def _stored_facts(session: Session, call_ids: Sequence[str]) -> list[Fact]:
    table = ReportFact.__table__
    rows = session.execute(
        select(*(table.c[name] for name in (*_FACT_COLUMNS, *MEASURES))).where(table.c.call_id.in_(call_ids))
    )
    return [
        Fact(*row[: len(_FACT_COLUMNS)], values=tuple(row[len(_FACT_COLUMNS) :]))  # type: ignore[misc]
        for row in rows
    ]


def _lock(session: Session, call_ids: Sequence[str]) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT count(pg_advisory_xact_lock(hashtext(id))) FROM unnest(CAST(:ids AS text[])) AS id"),
            {"ids": list(call_ids)},
        )


def refresh(session: Session, call_ids: Collection[str]) -> None:
    """Recompute the facts of these calls and move the rollups by the difference (module notes).
    Flushed, not committed: it belongs to the caller's transaction."""
    ids = sorted(set(call_ids))
    if not ids:
        return
    session.flush()
    deltas: dict[RollupKey, list[int]] = {}
    for chunk in _chunks(ids):
        _lock(session, chunk)
        new = load_facts(session, chunk)
        old = _stored_facts(session, chunk)
        if Counter(old) == Counter(new):
            continue
        session.execute(delete(ReportFact).where(ReportFact.call_id.in_(chunk)))
        if new:
            session.execute(insert(ReportFact), [fact.row() for fact in new])
        for sign, group in ((-1, old), (1, new)):
            for fact in group:
                for key in fact.rollup_keys():
                    sums = deltas.setdefault(key, [0] * len(MEASURES))
                    for index, value in enumerate(fact.values):
                        sums[index] += sign * value
    add_to_rollup(session, deltas)


def add_to_rollup(session: Session, deltas: dict[RollupKey, list[int]]) -> None:
    """Add ``deltas`` to their rollup rows (inserted when new), in key order: one upsert of fixed
    text sent for all rows at once (``executemany``; psycopg pipelines it). A multi-row ``VALUES``
    was SQL compiled anew on every call and too long for psycopg's statement cache: 3/4 of the CPU
    of a ``POST /dispositions`` (docs/performance.md)."""
    rows = [
        {
            "dim": dim,
            "bucket_start": bucket,
            "key": key,
            "team_id": team_id,
            "queue": queue,
            **dict(zip(MEASURES, values, strict=True)),
        }
        for (dim, bucket, key, team_id, queue), values in sorted(deltas.items())
        if any(values)
    ]
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name), rows)


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    """``INSERT INTO report_rollup ... ON CONFLICT DO UPDATE SET measure = measure + excluded``,
    built once per dialect (so compiled once, then taken from SQLAlchemy's cache)."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        table = ReportRollup.__table__
        assert isinstance(table, Table)
        dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        insert_ = dialect_insert(table)
        statement = insert_.on_conflict_do_update(
            index_elements=["dim", "bucket_start", "key", "team_id", "queue"],
            set_={name: table.c[name] + insert_.excluded[name] for name in MEASURES},
        )
        _UPSERTS[dialect] = statement
    return statement


def rebuild(session: Session, service_level: Callable[[str | None], int] | None = None) -> tuple[int, int]:
    """Recompute every fact from the raw rows and the rollups from the facts; (calls, facts).
    ``service_level`` (``Settings.service_level_for``) first gives the calls recorded before
    migration 0017 their queue's N. Committed by the caller: one transaction, so a report never
    sees a half-built rollup."""
    if service_level is not None:
        queues = session.scalars(select(Call.queue).where(Call.service_seconds.is_(None)).distinct()).all()
        for queue in queues:
            same_queue = Call.queue.is_(None) if queue is None else Call.queue == queue
            session.execute(
                update(Call)
                .where(Call.service_seconds.is_(None), same_queue)
                .values(service_seconds=service_level(queue))
                .execution_options(synchronize_session=False)
            )
    session.execute(delete(ReportRollup))
    session.execute(delete(ReportFact))
    ids = [
        call_id
        for (call_id,) in session.execute(
            union(select(Call.call_id), select(Disposition.call_id)).order_by("call_id")
        )
    ]
    count = 0
    for chunk in _chunks(ids, 2000):
        new = load_facts(session, chunk)
        if new:
            session.execute(insert(ReportFact), [fact.row() for fact in new])
        count += len(new)
    facts_table = ReportFact.__table__
    operator_key = case((facts_table.c.operator_id == 0, ""), else_=cast(facts_table.c.operator_id, String))
    keys = {
        "all": literal("", String),
        "operator": operator_key,
        "dnis": facts_table.c.dnis,
        "code": facts_table.c.code,
        "request_type": facts_table.c.request_type,
    }
    for dim in DIMS:
        key = keys[dim]
        by = [facts_table.c.bucket_start, facts_table.c.team_id, facts_table.c.queue]
        grouped = select(
            literal(dim, String),
            facts_table.c.bucket_start,
            key,
            facts_table.c.team_id,
            facts_table.c.queue,
            *(func.sum(facts_table.c[name]) for name in MEASURES),
        ).group_by(*by, *([] if dim == "all" else [key]))
        session.execute(
            insert(ReportRollup).from_select(
                ["dim", "bucket_start", "key", "team_id", "queue", *MEASURES], grouped
            )
        )
    return len(ids), count
