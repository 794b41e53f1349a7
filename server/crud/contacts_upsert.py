"""Reading and writing the stored contacts an import batch updates, in a few statements per batch.

An import batch (:mod:`server.contacts_import`) needs, for the numbers of its rows, who owns each
one and each owner as plain values with all its numbers (:func:`stored_owners`); it merges its rows
into those in Python (:mod:`server.crud.contacts_merge`) and writes back the contacts that changed
(:func:`update_contacts`). No ORM object is built: building, tracking and flushing them one by one
(one ``UPDATE`` per contact) was most of a re-import's time.

Two paths, same result:

* **PostgreSQL**: two queries read the batch (owners with their contact's row, then their numbers),
  run on the driver's cursor: SQLAlchemy's per-row result processing is not needed for plain types.
  The changed contacts go into a temporary table with ``COPY``, then one ``UPDATE ... FROM`` it.
* **SQLite** (and anything else): Core queries in chunks of bound parameters, and one
  ``executemany`` UPDATE (no round trips to save on an embedded database).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, bindparam, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from server.crud.contacts_bulk import CONTACTS, PHONES, PHONES_COPY, members
from server.crud.contacts_merge import MERGED_COLUMNS, StoredContact
from server.models import utcnow

Owners = dict[str, int]
"""Number (E.164) -> the id of the contact owning it; numbers nobody owns are absent."""

_OWNERS_SQL = (
    "SELECT p.e164, c.id, c.version, "
    + ", ".join(f"c.{name}" for name in MERGED_COLUMNS if name != "custom_fields")
    + ", nullif(c.custom_fields, '{}'::jsonb)"
    " FROM contact_phones AS p JOIN contacts AS c ON c.id = p.contact_id"
    " WHERE p.e164 IN (SELECT unnest(string_to_array(%s::text, ',')))"
)
"""Owners with their contact's row. ``IN (SELECT unnest(...))``: see
:func:`~server.crud.contacts_bulk.members`. An empty custom-field map comes back as NULL: decoding
``{}`` for every contact was a tenth of the read. The numbers go as one comma-joined text (E.164
has no comma), the ids below likewise: psycopg dumps a list parameter element by element in
Python, which was a sixth of an unchanged re-import's read."""
_NUMBERS_SQL = (
    "SELECT contact_id, e164, position FROM contact_phones"
    " WHERE contact_id IN (SELECT unnest(string_to_array(%s::text, ',')::bigint[])) ORDER BY position, id"
)


def stored_owners(session: Session, numbers: Sequence[str]) -> tuple[Owners, dict[int, StoredContact]]:
    """Who owns each of ``numbers``, and each owner as a :class:`StoredContact` (values typed as the
    ORM would load them, so they compare as an edit through the ORM would compare them)."""
    if not numbers:
        return {}, {}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _stored_owners_pg(connection, numbers)
    owners: Owners = {}
    query = select(PHONES.c.e164, PHONES.c.contact_id)
    for where in members(session, PHONES.c.e164, numbers):
        owners.update((e164, contact_id) for e164, contact_id in session.execute(query.where(where)))
    ids = sorted(set(owners.values()))
    positions: dict[int, dict[str, int]] = {contact_id: {} for contact_id in ids}
    for where in members(session, PHONES.c.contact_id, ids):
        phones = select(PHONES.c.contact_id, PHONES.c.e164, PHONES.c.position).where(where)
        for contact_id, e164, position in session.execute(phones.order_by(PHONES.c.position, PHONES.c.id)):
            positions[contact_id][e164] = position
    contacts: dict[int, StoredContact] = {}
    columns = [CONTACTS.c.id, CONTACTS.c.version, *(CONTACTS.c[name] for name in MERGED_COLUMNS)]
    for where in members(session, CONTACTS.c.id, ids):
        for contact_id, version, *values in session.execute(select(*columns).where(where)):
            contacts[contact_id] = StoredContact.read(contact_id, version, values, positions[contact_id])
    return owners, contacts


def _stored_owners_pg(
    connection: Connection, numbers: Sequence[str]
) -> tuple[Owners, dict[int, StoredContact]]:
    raw = connection.connection.driver_connection
    assert raw is not None
    owners: Owners = {}
    rows: dict[int, tuple[Any, ...]] = {}
    with raw.cursor() as cursor:
        cursor.execute(_OWNERS_SQL, (",".join(numbers),))
        for row in cursor.fetchall():  # fetchall: no per-row cursor calls; no unpacking either
            owners[row[0]] = row[1]
            rows[row[1]] = row
        positions: dict[int, dict[str, int]] = {contact_id: {} for contact_id in rows}
        if rows:
            cursor.execute(_NUMBERS_SQL, (",".join(map(str, rows)),))
            for contact_id, e164, position in cursor.fetchall():
                positions[contact_id][e164] = position
    return owners, {
        contact_id: StoredContact.read(contact_id, row[2], row[3:], positions[contact_id])
        for contact_id, row in rows.items()
    }


def update_contacts(session: Session, contacts: Sequence[StoredContact]) -> None:
    """Write ``contacts`` (each merged into by an import batch) in a few statements, whatever their
    number: every :data:`~server.crud.contacts_merge.MERGED_COLUMNS` value, ``updated_at`` now and
    the version bumped once, as one ORM flush of the same changes would. A contact whose version is
    no longer the one read (saved by someone else meanwhile) fails the whole transaction with
    ``StaleDataError``, as the ORM's version check does: the import's batch is rolled back, the
    other save stands. Numbers the rows added are inserted; stored ones moved are renumbered."""
    if not contacts:
        return
    now = utcnow()
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    matched = (
        _update_by_copy(connection, contacts, now) if postgres else _update_many(connection, contacts, now)
    )
    if matched != len(contacts):
        raise StaleDataError(
            f"UPDATE statement on table 'contacts' expected to update {len(contacts)} row(s); "
            f"{matched} were matched (saved meanwhile by someone else)."
        )
    added = [(c.id, e164, at) for c in contacts for e164, at in c.new_phones()]
    if added and postgres:
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


def _stored_value(value: Any) -> Any:
    """A merged value as the column stores it (an enum as its value)."""
    return value.value if isinstance(value, Enum) else value


def _update_by_copy(connection: Connection, contacts: Sequence[StoredContact], now: datetime) -> int:
    """The PostgreSQL path of :func:`update_contacts`: the rows it matched. The temporary table is
    dropped at commit (and first, should a transaction write twice)."""
    names = ", ".join(MERGED_COLUMNS)
    connection.exec_driver_sql("DROP TABLE IF EXISTS pg_temp.contacts_import")
    connection.exec_driver_sql(
        "CREATE TEMPORARY TABLE contacts_import ON COMMIT DROP AS "
        f"SELECT id, version, {names} FROM contacts WITH NO DATA"
    )
    raw = connection.connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY contacts_import (id, version, {names}) FROM STDIN") as copy,
    ):
        for contact in contacts:
            values = contact.values
            # _stored_value, inline: a call per value was a fifth of the writer's Python
            row = [v.value if isinstance(v, Enum) else v for v in map(values.__getitem__, MERGED_COLUMNS)]
            row[-1] = Jsonb(row[-1])  # custom_fields, last of MERGED_COLUMNS
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
