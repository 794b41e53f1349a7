"""Databases written by the desktop while its store ran on SQLAlchemy keep working, without a migration.

The old desktop migrated the file with Alembic and wrote rows through the ORM models, which are still
:mod:`app.store.tables` (times through ``UtcDateTime`` on SQLAlchemy's SQLite ``DateTime``). Here a
file is written exactly that way, then used by the :mod:`sqlite3` store; and what the new store writes
is read back through the ORM and compared as text with what SQLAlchemy would have written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.store.cache import ContactCache, DocumentCache
from app.store.calls import CallLog, CallRecord
from app.store.database import open_store
from app.store.drafts import Drafts
from app.store.migrations import alembic_config, migration_engine
from app.store.schema import OutboxKind, OutboxState, db_time, from_db_time
from app.store.tables import (
    CallRow,
    ContactPhoneRow,
    ContactRow,
    DispositionRow,
    DocumentRow,
    DraftRow,
    OutboxRow,
    StatusChangeRow,
    UtcDateTime,
)
from app.sync.outbox import Outbox
from app.wire.contacts import ContactOut
from app.wire.dispositions import Catalogue
from tests.sync.conftest import disposition

MSK = timezone(timedelta(hours=3))
RING = datetime(2026, 11, 23, 12, 15, tzinfo=MSK)  # no microseconds: stored with ".000000"
SAVED = datetime(2026, 11, 23, 12, 17, 3, 250001, tzinfo=MSK)
STORED_TEXT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
TIME_COLUMNS = {
    "outbox": ("created_at", "last_attempt_at", "finished_at"),
    "dispositions": ("saved_at",),
    "status_changes": ("at",),
    "drafts": ("updated_at",),
    "calls": ("ring_at", "answer_at", "end_at"),
    "contacts": ("fetched_at",),
    "documents": ("fetched_at",),
}


@pytest.fixture
def old_file(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    """A database as the SQLAlchemy-based desktop left it: migrated by Alembic, rows from the ORM."""
    path = tmp_path / "ringdesk.sqlite3"
    engine = migration_engine(path)
    command.upgrade(alembic_config(engine), "head")
    record = disposition(1)
    contact = ContactOut.model_validate(
        {"id": 7, "version": 3, "updated_at": RING, "name": "Иванов", "phones": ["+79123456789"]}
    )
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add_all(
            [
                DispositionRow(
                    key="00000000-0000-4000-8000-000000000001",
                    call_id=record.call_id,
                    operator=record.operator,
                    code=record.code,
                    payload=record.model_dump_json(),
                    saved_at=SAVED,
                ),
                OutboxRow(
                    key="00000000-0000-4000-8000-000000000001",
                    kind=OutboxKind.DISPOSITION.value,
                    stream=f"disposition:{record.operator}",
                    payload=record.model_dump_json(),
                    created_at=SAVED,
                ),
                DraftRow(call_id="call-2", form='{"comment":"перезвонить"}', updated_at=SAVED),
                CallRow(call_id="call-2", remote="+79123456789", ring_at=RING),
                ContactRow(id=7, version=3, data=contact.model_dump_json(), fetched_at=RING),
                ContactPhoneRow(e164="+79123456789", contact_id=7),
                DocumentRow(
                    kind="catalogue", key="sales", body=Catalogue().model_dump_json(), fetched_at=RING
                ),
            ]
        )
    # and one row as text, the way every desktop so far wrote it, whatever SQLAlchemy does in future
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO calls (call_id, ring_at, answer_at) VALUES "
            "('call-0', '2026-11-23 09:00:00.000000', '2026-11-23 09:00:04.500000')"
        )
    yield path, engine
    engine.dispose()


def test_rows_written_by_the_sqlalchemy_store_read_back_the_same(old_file: tuple[Path, Engine]) -> None:
    path, _ = old_file
    store = open_store(path)
    try:
        [draft] = Drafts(store).open_drafts()
        assert (draft.call_id, draft.form, draft.updated_at) == ("call-2", {"comment": "перезвонить"}, SAVED)
        assert draft.updated_at.tzinfo is UTC
        calls = {c.call_id: c for c in CallLog(store).recent()}
        assert calls["call-2"].ring_at == RING
        assert calls["call-2"].answer_at is None
        assert calls["call-0"].ring_at == datetime(2026, 11, 23, 9, tzinfo=UTC)
        assert calls["call-0"].answer_at == datetime(2026, 11, 23, 9, 0, 4, 500000, tzinfo=UTC)
        assert [c.call_id for c in CallLog(store).recent()] == ["call-2", "call-0"]  # 09:15 UTC, 09:00
        found = DocumentCache(store).get("catalogue", "sales", Catalogue)
        assert found is not None
        assert found[1] == RING
        contact = ContactCache(store).lookup("8 912 345-67-89")
        assert contact is not None
        assert contact.name == "Иванов"

        outbox = Outbox(store)
        assert outbox.counts().pending == 1
        [item] = outbox.pending()
        assert (item.created_at, item.state, item.kind) == (
            SAVED,
            OutboxState.PENDING,
            OutboxKind.DISPOSITION,
        )
        again = outbox.add_disposition(disposition(1))  # the double click after the upgrade
        assert (str(again.key), again.outbox_id, again.saved_at) == (item.key, item.id, SAVED)
        outbox.mark_delivered(item, "41")
        assert outbox.pending() == []
    finally:
        store.close()


def test_what_the_sqlite3_store_writes_reads_back_through_the_orm(old_file: tuple[Path, Engine]) -> None:
    path, engine = old_file
    store = open_store(path)
    try:
        end = datetime(2026, 11, 23, 12, 19, tzinfo=MSK)
        CallLog(store).record(CallRecord(call_id="call-2", ring_at=RING, end_at=end))
        CallLog(store).record(CallRecord(call_id="call-3", ring_at=SAVED, direction="outbound"))
        Drafts(store).save("call-3", {"comment": "новый"})
        outbox = Outbox(store)
        [old_item] = outbox.pending()
        outbox.mark_delivered(old_item, "41")
        saved = outbox.add_disposition(disposition(3))
        ContactCache(store).put(
            ContactOut.model_validate(
                {"id": 8, "version": 1, "updated_at": SAVED, "name": "Петров", "phones": ["+79990000000"]}
            )
        )
        with store.reading() as db:
            for table, columns in TIME_COLUMNS.items():
                for column in columns:
                    for (text,) in db.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"):
                        assert STORED_TEXT.fullmatch(text), f"{table}.{column} = {text!r}"
    finally:
        store.close()

    with Session(engine) as session:
        calls = {row.call_id: row for row in session.scalars(select(CallRow))}
        assert (calls["call-2"].ring_at, calls["call-2"].end_at, calls["call-2"].remote) == (
            RING,
            end,
            "+79123456789",  # left alone by an update that did not name it
        )
        assert calls["call-3"].ring_at == SAVED
        new = session.scalars(select(DispositionRow).where(DispositionRow.key == str(saved.key))).one()
        assert new.saved_at == saved.saved_at
        item = session.scalars(select(OutboxRow).where(OutboxRow.key == str(saved.key))).one()
        assert (item.created_at, item.state, item.attempts, item.id) == (
            saved.saved_at,
            "pending",
            0,
            saved.outbox_id,
        )
        delivered = session.get(OutboxRow, old_item.id)
        assert delivered is not None
        assert (delivered.state, delivered.server_ref, delivered.attempts) == ("delivered", "41", 1)
        assert delivered.finished_at is not None
        assert session.scalars(select(DispositionRow.server_id).where(DispositionRow.id == 1)).one() == 41
        draft = session.get(DraftRow, "call-3")
        assert draft is not None
        assert json.loads(draft.form) == {"comment": "новый"}
        assert (
            session.scalars(
                select(ContactPhoneRow.contact_id).where(ContactPhoneRow.e164 == "+79990000000")
            ).one()
            == 8
        )
        assert session.scalars(select(StatusChangeRow)).all() == []


_DIALECT = sqlite.dialect()
_SQLALCHEMY_BIND = UtcDateTime().dialect_impl(_DIALECT).bind_processor(_DIALECT)
"""What the old store did to a time on its way into the file: ``UtcDateTime``, then SQLite's ``DATETIME``."""


@given(
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.timezones())
)
def test_times_are_stored_as_sqlalchemy_stored_them(value: datetime) -> None:
    assert _SQLALCHEMY_BIND is not None
    assert db_time(value) == _SQLALCHEMY_BIND(value)
    assert from_db_time(db_time(value)) == value.astimezone(UTC)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        db_time(datetime(2026, 11, 23, 12, 0))
