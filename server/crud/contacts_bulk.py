"""Inserting many contacts at once (the CSV import), without the ORM's per-object work; updating them
is :mod:`server.crud.contacts_upsert`.

The values are what :func:`server.crud.contacts.create_contact` would store: the zone derived from a
landline when the row has none, version 1, both timestamps now. Callers guarantee that none of the
numbers is stored yet and that no number appears twice (the CSV reader refuses repeats), so the
unique index on numbers never fires here; if it did, the transaction fails as a whole.

Two paths, same result:

* **PostgreSQL**: ids are taken from the table's sequence in one query, then both tables are
  filled with ``COPY ... FROM STDIN`` through psycopg. A multi-row ``INSERT`` with thousands of
  parameters spends most of its time in the driver turning the statement text into a server query;
  ``COPY`` streams rows with no statement text per row and is several times faster end to end.
* **SQLite** (and anything else): a Core ``INSERT ... RETURNING`` with the rows as parameters
  (SQLAlchemy's "insertmanyvalues"), ids handed back in row order by ``sort_by_parameter_order``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, cast

from psycopg.types.json import Jsonb
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Table,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.wire.contacts import ContactIn
from server.crud.contacts import derived_time_zone
from server.models import Contact, ContactPhone, utcnow

CONTACTS = cast(Table, Contact.__table__)
PHONES = cast(Table, ContactPhone.__table__)
PHONES_COPY = "COPY contact_phones (contact_id, e164, position) FROM STDIN"
IN_QUERY = 900
"""Values per ``IN (...)`` query off PostgreSQL (see :func:`members`)."""
#: Contact columns written, in ``COPY`` order.
COLUMNS = (
    "name",
    "birthday",
    "city",
    "time_zone",
    "email",
    "segment",
    "preferred_channel",
    "consent_call",
    "consent_sms",
    "consent_email",
    "consent_marketing",
    "custom_fields",
    "version",
    "created_at",
    "updated_at",
)


def insert_new_contacts(session: Session, rows: Sequence[ContactIn]) -> list[int]:
    """Insert a contact per row with its numbers; their ids, in row order."""
    if not rows:
        return []
    now = utcnow()
    values = [_values(data, now) for data in rows]
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy(connection, rows, values)
    contacts = CONTACTS
    returning = insert(contacts).returning(contacts.c.id, sort_by_parameter_order=True)
    ids = list(session.scalars(returning, [dict(zip(COLUMNS, row, strict=True)) for row in values]))
    phones = [
        {"contact_id": contact_id, "e164": e164, "position": position, "label": None}
        for contact_id, data in zip(ids, rows, strict=True)
        for position, e164 in enumerate(data.phones)
    ]
    session.execute(insert(PHONES), phones)
    return ids


def _values(data: ContactIn, now: datetime) -> tuple[Any, ...]:
    """The row for ``data``, in :data:`COLUMNS` order (enums as their stored values)."""
    channel = data.preferred_channel.value if data.preferred_channel is not None else None
    consent = data.consent
    return (
        data.name,
        data.birthday,
        data.city,
        data.time_zone or derived_time_zone(data.phones),
        data.email,
        data.segment,
        channel,
        consent.call,
        consent.sms,
        consent.email,
        consent.marketing,
        dict(data.custom),
        1,
        now,
        now,
    )


def _copy(connection: Connection, rows: Sequence[ContactIn], values: list[tuple[Any, ...]]) -> list[int]:
    """The PostgreSQL path: ids from the sequence, then ``COPY`` into both tables, in the session's
    transaction (the raw psycopg connection is the one the session holds)."""
    reserve = text("SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, :n)")
    ids = [int(value) for value in connection.execute(reserve, {"n": len(rows)}).scalars()]
    raw = connection.connection.driver_connection
    assert raw is not None
    custom = COLUMNS.index("custom_fields")
    with raw.cursor() as cursor:
        with cursor.copy(f"COPY contacts (id, {', '.join(COLUMNS)}) FROM STDIN") as copy:
            for contact_id, row in zip(ids, values, strict=True):
                copy.write_row((contact_id, *row[:custom], Jsonb(row[custom]), *row[custom + 1 :]))
        with cursor.copy(PHONES_COPY) as copy:
            for contact_id, data in zip(ids, rows, strict=True):
                for position, e164 in enumerate(data.phones):
                    copy.write_row((contact_id, e164, position))
    return ids


def members(
    session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any], values: Sequence[Any]
) -> Iterator[ColumnElement[bool]]:
    """Conditions "``column`` is one of ``values``", to run one query each. PostgreSQL: one, with the
    values as a single array parameter (thousands of ``IN`` parameters cost the driver more than the
    query costs the server), written ``IN (SELECT unnest(...))``: with ``= ANY(array)`` and a few
    thousand values the planner estimates the index probes dearer than scanning the table, and on a
    million numbers that scan costs 0.2-0.4 s per batch where the probes cost 20-40 ms. Elsewhere one
    ``IN`` per :data:`IN_QUERY` values (SQLite builds before 3.32 allow 999 bound parameters per
    statement)."""
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column.in_(select(func.unnest(literal(list(values), ARRAY(column.type)))).scalar_subquery())
        return
    for start in range(0, len(values), IN_QUERY):
        yield column.in_(values[start : start + IN_QUERY])
