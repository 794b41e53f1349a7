"""The screen pop's query: the contact owning a number, with its numbers, in one Core statement.

``GET /contacts/lookup`` runs on every incoming call. Through the ORM it cost two statements (the
contact, then its phones by ``selectin``) and most of the request's CPU in building and tracking
objects nobody changes. Here one statement joins the number to its contact and to all the contact's
numbers; the answer is a plain namespace with the attributes ``server.api.schemas.contacts`` reads,
so :func:`~server.api.schemas.contacts.contact_out` and the ETag are exactly those of ``GET
/contacts/{id}``.

On PostgreSQL the statement goes straight to psycopg, prepared, in autocommit: one round trip
(SQLAlchemy's execution, its expanding ``IN``, psycopg's ``BEGIN`` and the pool's ``ROLLBACK`` were
most of what the query cost the server), its values converted as SQLAlchemy converts them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Select, Table, bindparam, select
from sqlalchemy.exc import DBAPIError

from server.models import Contact, ContactPhone

_CONTACTS = Contact.__table__
_PHONES = ContactPhone.__table__
assert isinstance(_CONTACTS, Table) and isinstance(_PHONES, Table)


@functools.cache
def _statement() -> Select[Any]:
    """Core only (no ORM entities: the ORM's statement handling was half of what is left)."""
    matched = _PHONES.alias("matched")
    numbers = _PHONES.alias("numbers")
    return (
        select(matched.c.e164.label("matched_e164"), numbers.c.e164.label("number_e164"), *_CONTACTS.c)
        .select_from(matched)
        .join(_CONTACTS, _CONTACTS.c.id == matched.c.contact_id)
        .join(numbers, numbers.c.contact_id == _CONTACTS.c.id)
        .where(matched.c.e164.in_(bindparam("keys", expanding=True)))
        .order_by(numbers.c.position, numbers.c.id)
    )


def find_for_lookup(conn: Connection, *, e164s: Sequence[str]) -> SimpleNamespace | None:
    """The contact owning the first of ``e164s`` that anyone owns (candidates come best first), as
    a namespace of its columns plus ``phones`` (namespaces with ``e164``, in the contact's order).

    On PostgreSQL the statement goes to psycopg itself, prepared (:func:`_prepared`); elsewhere
    through SQLAlchemy Core."""
    if not e164s:
        return None
    if conn.dialect.name == "postgresql":
        sql, names, processors = _prepared(conn.dialect)
        raw = _run_alone(conn, sql, {"keys": list(e164s)})
        rows: Sequence[Mapping[str, Any]] = [
            {
                name: value if process is None else process(value)
                for name, process, value in zip(names, processors, row, strict=True)
            }
            for row in raw
        ]
    else:
        rows = [dict(row) for row in conn.execute(_statement(), {"keys": list(e164s)}).mappings()]
    if not rows:
        return None
    rank = {e164: n for n, e164 in enumerate(e164s)}
    best = min(rows, key=lambda row: rank[row["matched_e164"]])
    contact_id = best["id"]
    values = {column.key: best[column.key] for column in _CONTACTS.c}
    numbers = list(dict.fromkeys(row["number_e164"] for row in rows if row["id"] == contact_id))  # in order
    return SimpleNamespace(**values, phones=[SimpleNamespace(e164=e164) for e164 in numbers])


Processor = Callable[[Any], Any]


def _run_alone(conn: Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """``sql`` on ``conn``'s psycopg connection, prepared; outside a transaction, in autocommit: one
    statement sees one snapshot anyway, and psycopg would otherwise send a ``BEGIN`` before it and
    the pool a ``ROLLBACK`` after it, two more round trips than the query itself. psycopg's errors
    come out as SQLAlchemy's (a lost connection invalidated), as through ``conn.execute``: the
    app's handlers and the pool treat them alike."""
    import psycopg  # PostgreSQL only: not imported on SQLite
    from psycopg.pq import TransactionStatus

    driver: Any = conn.connection.driver_connection
    alone = driver.info.transaction_status == TransactionStatus.IDLE
    try:
        if alone:
            driver.autocommit = True
        return list(driver.execute(sql, params, prepare=True).fetchall())
    except psycopg.Error as exc:
        lost = conn.dialect.is_disconnect(cast(Any, exc), driver, None)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            sql,
            params,
            exc,
            psycopg.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=conn.dialect,
        ) from exc
    finally:
        if alone and not driver.closed and driver.info.transaction_status == TransactionStatus.IDLE:
            driver.autocommit = False


@functools.lru_cache(maxsize=8)  # one dialect per engine: one a process, a few in tests
def _prepared(dialect: Dialect) -> tuple[str, tuple[str, ...], tuple[Processor | None, ...]]:
    """The lookup's statement as psycopg runs it (one ``= ANY(%(keys)s)``: one text whatever the
    number of candidates, so one prepared statement per connection), its columns' names, and the
    conversions SQLAlchemy applies to each column's values (the UTC timestamps, the enum), so the
    namespace is the one Core would give. Taken from the Core statement: the two cannot drift."""
    core = _statement()
    compiled = str(core.compile(dialect=dialect))
    sql = compiled.replace("IN (__[POSTCOMPILE_keys])", "= ANY(%(keys)s)")
    if sql == compiled:
        raise RuntimeError(f"the lookup's statement changed shape: {compiled}")
    names = tuple(str(column.key) for column in core.selected_columns)
    processors = tuple(
        cast("Processor | None", column.type.dialect_impl(dialect).result_processor(dialect, None))
        for column in core.selected_columns
    )
    return sql, names, processors
