"""Inserting and reading many contacts at once (the CSV import), without the ORM's per-object work.

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

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, cast

from psycopg.types.json import Jsonb
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Table,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.orm.exc import StaleDataError

from app.wire.contacts import ContactIn
from server.crud.contacts import derived_time_zone
from server.crud.contacts_merge import MERGED_COLUMNS, StoredContact
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


def stored_contacts(session: Session, ids: Collection[int]) -> dict[int, StoredContact]:
    """The contacts ``ids`` as :class:`~server.crud.contacts_merge.StoredContact` s, for an import
    batch to merge its rows into (see :func:`members` for the queries).

    Core rows, not ORM objects: building an ORM contact with its phones costs about 0.1 ms, most of
    a re-import's time when nearly every row is unchanged; a plain row costs a fraction of that. The
    columns keep their types (dates, enums, JSON), so values compare as they would on the ORM."""
    contacts, phones = CONTACTS, PHONES
    numbers: dict[int, dict[str, int]] = {contact_id: {} for contact_id in ids}
    for where in members(session, phones.c.contact_id, list(ids)):
        query = select(phones.c.contact_id, phones.c.e164, phones.c.position).where(where)
        for contact_id, e164, position in session.execute(query.order_by(phones.c.position, phones.c.id)):
            numbers[contact_id][e164] = position
    found: dict[int, StoredContact] = {}
    columns = [contacts.c.id, contacts.c.version, *(contacts.c[name] for name in MERGED_COLUMNS)]
    for where in members(session, contacts.c.id, list(ids)):
        for contact_id, version, *values in session.execute(select(*columns).where(where)):
            positions = numbers[contact_id]
            merged = dict(zip(MERGED_COLUMNS, values, strict=True))
            found[contact_id] = StoredContact(contact_id, version, merged, list(positions), positions)
    return found


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


def update_contacts(session: Session, contacts: Sequence[StoredContact]) -> None:
    """Write ``contacts`` (each merged into by an import batch) in a few statements, whatever their
    number: every :data:`~server.crud.contacts_merge.MERGED_COLUMNS` value, ``updated_at`` now and
    the version bumped once, as one ORM flush of the same changes would. A contact whose version is
    no longer the one read (saved by someone else meanwhile) fails the whole transaction with
    ``StaleDataError``, as the ORM's version check does: the import's batch is rolled back, the
    other save stands. Numbers the rows added are inserted; stored ones moved are renumbered.

    PostgreSQL: ``COPY`` into a temporary table dropped at commit, then one ``UPDATE ... FROM`` it.
    Elsewhere (SQLite): one ``executemany`` UPDATE (no round trips to save there)."""
    if not contacts:
        return
    now = utcnow()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        matched = _update_by_copy(connection, contacts, now)
    else:
        matched = _update_many(connection, contacts, now)
    if matched != len(contacts):
        raise StaleDataError(
            f"UPDATE statement on table 'contacts' expected to update {len(contacts)} row(s); "
            f"{matched} were matched (saved meanwhile by someone else)."
        )
    added = [(c.id, e164, at) for c in contacts for e164, at in c.new_phones()]
    if added and connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(PHONES_COPY) as copy:
            for row in added:
                copy.write_row(row)
    elif added:
        connection.execute(
            insert(PHONES), [{"contact_id": c, "e164": e, "position": at} for c, e, at in added]
        )
    moved = [{"p_id": c.id, "p_e164": e164, "p_at": at} for c in contacts for e164, at in c.moved_phones()]
    if moved:
        renumber = (
            update(PHONES)
            .where(PHONES.c.contact_id == bindparam("p_id"), PHONES.c.e164 == bindparam("p_e164"))
            .values(position=bindparam("p_at"))
        )
        connection.execute(renumber, moved)


def _row(contact: StoredContact) -> list[Any]:
    """The merged values in :data:`~server.crud.contacts_merge.MERGED_COLUMNS` order, as stored (an
    enum as its value)."""
    values = contact.values
    return [value.value if isinstance(value := values[name], Enum) else value for name in MERGED_COLUMNS]


def _update_by_copy(connection: Connection, contacts: Sequence[StoredContact], now: datetime) -> int:
    """The PostgreSQL path of :func:`update_contacts`: the rows it matched."""
    names = ", ".join(MERGED_COLUMNS)
    connection.exec_driver_sql("DROP TABLE IF EXISTS pg_temp.contacts_import")
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE contacts_import ON COMMIT DROP AS "
        f"SELECT id, version, {names} FROM contacts WITH NO DATA"
    )
    raw = connection.connection.driver_connection
    assert raw is not None
    custom = MERGED_COLUMNS.index("custom_fields")
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY contacts_import (id, version, {names}) FROM STDIN") as copy,
    ):
        for contact in contacts:
            row = _row(contact)
            row[custom] = Jsonb(row[custom])
            copy.write_row((contact.id, contact.version, *row))
    sets = ", ".join(f"{name} = s.{name}" for name in MERGED_COLUMNS)
    done = connection.execute(
        text(
            f"UPDATE contacts AS c SET {sets}, updated_at = :now, version = c.version + 1 "
            "FROM contacts_import AS s WHERE c.id = s.id AND c.version = s.version"
        ),
        {"now": now},
    )
    return done.rowcount


def _update_many(connection: Connection, contacts: Sequence[StoredContact], now: datetime) -> int:
    """The path of :func:`update_contacts` off PostgreSQL: the rows it matched."""
    table = CONTACTS
    statement = (
        update(table)
        .where(table.c.id == bindparam("p_id"), table.c.version == bindparam("p_version"))
        .values(
            {
                **{name: bindparam(f"p_{name}", type_=table.c[name].type) for name in MERGED_COLUMNS},
                "updated_at": bindparam("p_now", type_=table.c.updated_at.type),
                "version": table.c.version + 1,
            }
        )
    )
    rows = [
        {
            "p_id": contact.id,
            "p_version": contact.version,
            "p_now": now,
            **{f"p_{name}": value for name, value in contact.values.items()},
        }
        for contact in contacts
    ]
    return connection.execute(statement, rows).rowcount
