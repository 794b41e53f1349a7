"""The local store: migrations that match the table definitions, fast start-up without SQLAlchemy,
drafts, caches, durability settings, transactions."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.store.cache import ContactCache, DocumentCache
from app.store.calls import CallLog, CallRecord
from app.store.database import HEAD_REVISION, LocalStore, open_store
from app.store.drafts import Drafts
from app.store.migrations import alembic_config, head_revision, migration_engine
from app.store.tables import Base
from app.wire.contacts import ContactOut
from app.wire.dispositions import Catalogue
from tests.conftest import REPO


def test_migrations_produce_the_tables_and_head_is_pinned(store: LocalStore) -> None:
    assert head_revision() == HEAD_REVISION
    engine = migration_engine(store.path)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
    with store.reading() as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_reopening_a_current_database_loads_neither_alembic_nor_sqlalchemy(store: LocalStore) -> None:
    code = (
        "import sys; from pathlib import Path; from app.store.database import open_store; "
        "import app.sync.service; "
        f"open_store(Path({str(store.path)!r})); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'sqlalchemy'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_database_behind_the_head_is_migrated_at_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    open_store(path).close()
    engine = migration_engine(path)
    try:
        command.downgrade(alembic_config(engine), "base")  # the file as before the first revision
    finally:
        engine.dispose()
    code = (
        "import sys; from pathlib import Path; from app.store.database import open_store; "
        f"from app.store.drafts import Drafts; Drafts(open_store(Path({str(path)!r}))).save('c1', {{}}); "
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD_REVISION,)]
        assert db.execute("SELECT call_id FROM drafts").fetchall() == [("c1",)]


def test_a_draft_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    first = open_store(path)
    Drafts(first).save(
        "call-1", {"code": "callback", "comment": "перезвонить в 15:00", "answers": {"q1": True}}
    )
    first.close()  # as if the process died right after the save returned
    again = Drafts(open_store(path))
    assert again.load("call-1") == {
        "code": "callback",
        "comment": "перезвонить в 15:00",
        "answers": {"q1": True},
    }
    assert [d.call_id for d in again.open_drafts()] == ["call-1"]
    again.discard("call-1")
    assert again.load("call-1") is None


def test_a_known_caller_pops_up_from_the_cache(store: LocalStore) -> None:
    cache = ContactCache(store)
    contact = ContactOut.model_validate(
        {
            "id": 7,
            "version": 3,
            "updated_at": datetime.now(UTC),
            "name": "Иванов Иван",
            "phones": ["+79123456789"],
        }
    )
    cache.put(contact)
    found = cache.lookup("8 (912) 345-67-89")
    assert found is not None
    assert found.name == "Иванов Иван"
    assert cache.lookup("+79990000000") is None
    assert cache.names({7, 8}) == {7: "Иванов Иван"}  # 8 is not cached
    assert cache.names(set()) == {}


def test_documents_and_calls_are_kept(store: LocalStore) -> None:
    documents = DocumentCache(store)
    documents.put("catalogue", "sales", Catalogue())
    found = documents.get("catalogue", "sales", Catalogue)
    assert found is not None
    assert found[0] == Catalogue()
    calls = CallLog(store)
    ring = datetime.now(UTC)
    calls.record(CallRecord(call_id="c1", ring_at=ring, remote="+79123456789"))
    calls.record(CallRecord(call_id="c1", ring_at=ring, end_at=ring))
    [call] = calls.recent()
    assert call.remote == "+79123456789"
    assert call.end_at == ring


def test_bookkeeping_commits_skip_the_fsync_and_leave_full_behind(store: LocalStore) -> None:
    with store.transaction(durable=False) as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with store.transaction() as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with pytest.raises(KeyError), store.transaction(durable=False):
        raise KeyError("the block failed")
    with store.reading() as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_sqlite_s_memory_stays_bounded_as_the_store_grows_over_a_shift(store: LocalStore) -> None:
    """Issue 15: a desk's RSS grew ~2 MB over a shift of 1,000 calls with nothing growing in Python:
    SQLite's page cache (2 MB by default) filling as the store grew by a few KB a call."""
    sqlite = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
    sqlite.sqlite3_memory_used.restype = ctypes.c_int64
    with store.reading() as db:
        db.execute("SELECT count(*) FROM outbox").fetchone()
    before = sqlite.sqlite3_memory_used()
    payload = "x" * 8000
    for batch in range(4):  # ~3 MB of outbox items in all, then read back
        with store.transaction(durable=False) as db:
            db.executemany(
                "INSERT INTO outbox (key, kind, stream, payload, state, attempts, created_at)"
                " VALUES (?, 'call_report', ?, ?, 'pending', 0, '2026-12-07 09:00:00')",
                [(f"k{batch}-{n}", f"call:{batch}-{n}", payload) for n in range(100)],
            )
    with store.reading() as db:
        db.execute("SELECT max(id), count(*), sum(length(payload)) FROM outbox").fetchone()
    grown = sqlite.sqlite3_memory_used() - before
    assert grown < 1_000_000, f"SQLite holds {grown / 1e6:.1f} MB more after ~3 MB written and read"


def test_a_transaction_takes_the_write_lock_and_rolls_back_on_error(store: LocalStore) -> None:
    def fails_half_way() -> None:
        with store.transaction() as db:
            db.execute("INSERT INTO drafts (call_id, form, updated_at) VALUES ('c1', '{}', 'x')")
            raise RuntimeError("half way")

    with pytest.raises(RuntimeError, match="half way"):
        fails_half_way()
    assert Drafts(store).load("c1") is None
    with contextlib.closing(sqlite3.connect(store.path, timeout=0, isolation_level=None)) as other:
        # BEGIN IMMEDIATE: another writer is refused from the start, not at commit
        with store.transaction(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        with store.reading():  # a read takes no write lock
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")


def test_a_save_after_close_is_still_saved(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db.sqlite3")
    store.close()
    Drafts(store).save("late", {"comment": "typed during shut-down"})
    store.close()
    store.close()
    assert Drafts(open_store(store.path)).load("late") == {"comment": "typed during shut-down"}


def test_transactions_do_not_nest(store: LocalStore) -> None:
    with store.transaction(), pytest.raises(RuntimeError, match="do not nest"), store.reading():
        pass
    Drafts(store).save("c1", {})  # the outer transaction ended normally, the store still works


def test_the_store_can_be_shared_with_another_thread(store: LocalStore) -> None:
    drafts = Drafts(store)
    errors: list[BaseException] = []

    def typing(prefix: str) -> None:
        try:
            for n in range(200):
                drafts.save(f"{prefix}-{n % 5}", {"n": n})
                assert drafts.load(f"{prefix}-{n % 5}") == {"n": n}
        except BaseException as exc:  # reported below: pytest does not see a thread's failures
            errors.append(exc)

    worker = threading.Thread(target=typing, args=("thread",))
    worker.start()
    typing("main")
    worker.join()
    assert errors == []
    assert len(drafts.open_drafts()) == 10


def test_the_sync_core_loads_neither_qt_nor_the_sip_stack() -> None:
    code = "import sys, app.sync.service, app.credentials; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "app.sync.pump" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("PySide6", "shiboken6", "pjsua2", "ui", "sip")}
