"""The report rollups of one new disposition: the hot path of ``POST /dispositions`` (issue 15).

A new disposition changes no other fact of its call, so adding its own fact and its rollup rows is
the whole difference (:mod:`server.reports.maintain` recomputes a call's facts for everything else).
On PostgreSQL the steps ride in one statement of fixed text, either alone
(:func:`add_new_disposition`) or inside the disposition's own INSERT (:func:`pg_rollups_after`,
``server.crud.dispositions.guarded_insert``); elsewhere they are three statements.
"""

from __future__ import annotations

import typing
from typing import Any

from sqlalchemy import CTE, Table, TextClause, column, insert, text
from sqlalchemy.orm import Session

from app.wire.dispositions import DispositionCategory
from server.models.reports import MEASURES, ReportFact
from server.reports.facts import DispositionRow, Fact, disposition_fact, request_type_of
from server.reports.maintain import add_to_rollup

_LINE_AND_TYPE = (
    "(SELECT dnis FROM calls WHERE call_id=:id),"
    "(SELECT t.request_type FROM task_attempts a JOIN tasks t ON t.id=a.task_id"
    " WHERE a.call_id=:id AND a.kind='call' AND t.request_type IS NOT NULL ORDER BY a.at,a.id LIMIT 1),"
    "(SELECT t.request_type FROM calls c JOIN tasks t ON t.id=c.task_id WHERE c.call_id=:id)"
)
"""A new disposition's call's line and request type (:func:`~server.reports.facts.request_type_of`:
the first typed task it was made on, else its own task's): indexed reads in one statement, on SQLite
(PostgreSQL reads the same in ``ringdesk_call_line``, migration 0020, after the call's lock)."""


def add_new_disposition(
    session: Session,
    *,
    disposition_id: int,
    values: dict[str, Any],
    category: DispositionCategory,
    team_id: int | None,
) -> None:
    """The rollups of one disposition just inserted (the hot path of ``POST /dispositions``): its
    fact follows from what the route already holds (the row's values, the code's category from the
    catalogue cache, the operator's team) and its call's line. A new disposition changes no other
    fact of its call, so adding its own is the whole difference.

    On PostgreSQL that is one statement of fixed text (:data:`_PG_NEW_DISPOSITION`: the call's lock,
    its line and request type, the fact and its rollup rows, in :func:`add_to_rollup`'s order);
    elsewhere three (the line and request type, the fact, the upsert). The route's fast path on
    PostgreSQL does not call this: the same steps ride in its INSERT (:func:`pg_rollups_after`)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    dnis: str | None = None
    kind: str | None = None
    if not postgres:  # on PostgreSQL the statement below reads them, under the call's lock
        dnis, made_on, own = session.execute(
            text(f"SELECT {_LINE_AND_TYPE}"), {"id": values["call_id"]}
        ).one()
        kind = request_type_of([made_on], own)
    fact = _new_fact(
        values, disposition_id=disposition_id, category=category, team_id=team_id, line=(dnis, kind)
    )
    if postgres:
        session.execute(_PG_NEW_DISPOSITION, _pg_params(fact))
        return
    session.execute(_FACT_INSERT, fact.row())  # Core, not the ORM's bulk insert: a third of the cost
    add_to_rollup(session, {key: list(fact.values) for key in fact.rollup_keys()})


_FACT_INSERT = insert(typing.cast(Table, ReportFact.__table__))
_MEASURE_COLUMNS = ",".join(MEASURES)


def _pg_new_disposition_ctes(after: str | None) -> tuple[str, str, str, str]:
    """The four steps of a new disposition's rollups on PostgreSQL, as the bodies of ``WITH``
    entries: the call's advisory lock (as :func:`refresh` takes it), the call's line and request
    type (read under it, by ``ringdesk_call_line``: migration 0020, whose VOLATILE reads see what a
    writer of the same call committed while this statement waited for the lock, which the statement's
    own snapshot would not), the fact, and the upsert of its rollup rows in :func:`add_to_rollup`'s
    order (sorted: ``all``, ``code``, ``dnis``, ``operator``, ``request_type``), so writers of the
    same buckets queue instead of deadlocking. ``after`` names the ``WITH`` entry that inserted the
    disposition (its ``id`` is the fact's, and nothing happens when it inserted no row); ``None``:
    the disposition's id is the ``:disposition_id`` parameter.

    The measures come as one array (``:m``, in :data:`MEASURES` order) and the text is kept short:
    psycopg converts a statement's placeholders once and caches the result only for statements of
    at most 4,096 characters and 50 parameters; past either it parses the text again on every
    execution (that was a third of a post's CPU when the rollups first joined the INSERT)."""
    source = f" FROM {after}" if after else ""
    disposition_id = f"{after}.id" if after else ":disposition_id"
    measures = ",".join(f"m[{n}]" for n in range(1, len(MEASURES) + 1))
    return (
        # line: d, the call's line; t, its request type; m, the measures
        f"SELECT pg_advisory_xact_lock(hashtext(:id)) IS NULL AS w{source}",
        "SELECT coalesce(l.d,'')d,coalesce(nullif(l.b,''),nullif(l.c,''),'')t,CAST(:m AS bigint[])m"
        " FROM locked,LATERAL ringdesk_call_line(:id)l(d,b,c)",
        f"INSERT INTO report_facts(call_id,disposition_id,bucket_start,operator_id,team_id,queue,dnis,code,"
        f"request_type,{_MEASURE_COLUMNS}) SELECT :call_id,{disposition_id},:bucket_start,:operator_id,"
        f":team_id,:queue,d,:code,t,{measures} FROM line{f',{after}' if after else ''}",
        f"INSERT INTO report_rollup AS r(dim,bucket_start,key,team_id,queue,{_MEASURE_COLUMNS})"
        f" SELECT k.dim,:bucket_start,k.key,:team_id,:queue,{measures} FROM line,LATERAL(VALUES('all',''),"
        "('code',:code),('dnis',d),('operator',:operator_key),('request_type',t))k(dim,key)"
        " ORDER BY k.dim ON CONFLICT(dim,bucket_start,key,team_id,queue) DO UPDATE SET "
        + ",".join(f"{name}=r.{name}+excluded.{name}" for name in MEASURES),
    )


def _pg_new_disposition() -> TextClause:
    locked, line, fact, rollup = _pg_new_disposition_ctes(None)
    return text(
        f"WITH locked AS MATERIALIZED({locked}),line AS MATERIALIZED({line}),fact AS({fact}) {rollup}"
    )


_PG_NEW_DISPOSITION = _pg_new_disposition()
"""What :func:`add_new_disposition` sends on PostgreSQL, in one round trip (the steps of
:func:`_pg_new_disposition_ctes`)."""


def pg_rollups_after(inserted: CTE) -> tuple[CTE, ...]:
    """The ``WITH`` entries that keep the rollups of the disposition ``inserted`` inserts (a CTE
    named ``ins`` returning its ``id``), for a statement that does both in one round trip
    (``server.crud.dispositions.guarded_insert``): their parameters are
    :func:`new_disposition_params`. Nothing is locked, read or written when ``inserted`` stores no
    row (a replay, a failed guard)."""
    locked, line, fact, rollup = _pg_new_disposition_ctes(inserted.name)
    return (
        text(locked).columns(column("w")).cte("locked").prefix_with("MATERIALIZED"),
        text(line).columns(column("d"), column("t"), column("m")).cte("line").prefix_with("MATERIALIZED"),
        text(fact).columns().cte("fact"),
        text(rollup).columns().cte("rollup"),
    )


def new_disposition_params(
    values: dict[str, Any], *, category: DispositionCategory, team_id: int | None
) -> dict[str, Any]:
    """The parameters of :func:`pg_rollups_after` for the disposition row ``values``
    (``server.crud.dispositions.disposition_values``): its fact, whose id and line the statement
    supplies."""
    return _pg_params(
        _new_fact(values, disposition_id=0, category=category, team_id=team_id, line=(None, None))
    )


def _new_fact(
    values: dict[str, Any],
    *,
    disposition_id: int,
    category: DispositionCategory,
    team_id: int | None,
    line: tuple[str | None, str | None],
) -> Fact:
    return disposition_fact(
        DispositionRow(
            id=disposition_id,
            call_id=values["call_id"],
            operator_id=values["operator_id"],
            team_id=team_id or 0,
            queue=values["queue"],
            code=values["code"],
            category=category,
            ring_at=values["ring_at"],
            answer_at=values["answer_at"],
            end_at=values["end_at"],
            acw_end_at=values["acw_end_at"],
            hold_seconds=values["hold_seconds"],
        ),
        *line,
    )


def _pg_params(fact: Fact) -> dict[str, Any]:
    row = {
        name: value
        for name, value in fact.row().items()
        if name not in MEASURES and name not in ("dnis", "request_type")  # the call's: read under its lock
    }
    row["id"] = fact.call_id
    row["operator_key"] = str(fact.operator_id) if fact.operator_id else ""
    row["m"] = list(fact.values)
    return row
