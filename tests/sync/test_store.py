"""The local store: migrations that match the models, fast start-up, drafts, caches, durability settings."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from app.store.cache import ContactCache, DocumentCache
from app.store.calls import CallLog, CallRecord
from app.store.database import HEAD_REVISION, LocalStore, open_store
from app.store.drafts import Drafts
from app.store.migrations import head_revision
from app.store.schema import Base
from app.wire.contacts import ContactOut
from app.wire.dispositions import Catalogue
from tests.conftest import REPO


def test_migrations_produce_the_models_and_head_is_pinned(store: LocalStore) -> None:
    assert head_revision() == HEAD_REVISION
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_reopening_a_current_database_does_not_load_alembic(store: LocalStore) -> None:
    code = (
        "import sys; from pathlib import Path; from app.store.database import open_store; "
        f"open_store(Path({str(store.path)!r})); print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


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
    with store.transaction(durable=False) as session:
        assert session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    for _ in range(3):  # whichever pooled connection comes next
        with store.transaction() as session:
            assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_the_sync_core_loads_neither_qt_nor_the_sip_stack() -> None:
    code = "import sys, app.sync.service, app.credentials; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "app.sync.pump" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("PySide6", "shiboken6", "pjsua2", "ui", "sip")}
