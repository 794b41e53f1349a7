"""Opening the local database: SQLite in WAL mode with ``synchronous=FULL``, migrated to the newest schema.

Why these settings (measured, see docs/sync.md): with the record and its outbox item in one
transaction, a killed process never loses an acknowledged commit in any journal mode, but a power cut
loses acknowledged commits under ``synchronous=NORMAL`` and corrupts databases under ``OFF``. So WAL +
FULL, and the UI says "saved" only after :meth:`LocalStore.transaction` returns.

Transactions start with ``BEGIN IMMEDIATE`` (the write lock is taken up front), so the UI and the sync
pump never fail half-way with "database is locked"; they wait up to the busy timeout instead.

Start-up must be fast (the workstation is restarted after every crash): the schema revision is read
with one query and Alembic is imported only when a migration is actually due.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

HEAD_REVISION = "c0001"
"""The newest migration in ``app/store/migrations/versions`` (a test keeps the two in step)."""
BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_store_engine(path: Path) -> Engine:
    """An engine on the SQLite file ``path`` with the settings of the module docstring."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        hide_parameters=True,  # parameters hold personal data: keep them out of error messages
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the file (``None``: a new, empty database)."""
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
        except OperationalError:
            return None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the client migrations up to ``revision`` (imports Alembic: only when needed)."""
    from alembic import command

    from app.store.migrations import alembic_config

    command.upgrade(alembic_config(engine), revision)


@dataclass
class LocalStore:
    """The open local database. One per process; pass it to the outbox, drafts and caches."""

    engine: Engine
    sessions: sessionmaker[Session]
    path: Path

    @contextlib.contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[Session]:
        """A session in one transaction, committed when the block ends without an exception (and
        durable once this returns: ``synchronous=FULL``); rolled back otherwise.

        ``durable=False`` commits with ``synchronous=NORMAL``: still atomic and never corrupting
        (WAL), but a power cut may undo it. Only for bookkeeping whose loss is harmless, such as
        marking an item delivered (it is then sent again and the server answers with a replay):
        it saves an fsync per delivered item, the pump's main local cost."""
        if durable:
            with self.sessions.begin() as session:
                yield session
            return
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA synchronous = NORMAL")
            try:
                with Session(bind=connection, expire_on_commit=False) as session, session.begin():
                    yield session
            finally:
                raw.execute("PRAGMA synchronous = FULL")

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (still one transaction, so what it sees is consistent)."""
        with self.sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(path: Path | None = None) -> LocalStore:
    """Open (creating and migrating when needed) the local database at ``path`` (default: the user data
    dir, :func:`app.store.paths.database_path`)."""
    if path is None:
        from app.store.paths import database_path

        path = database_path()
    engine = create_store_engine(path)
    if current_revision(engine) != HEAD_REVISION:
        migrate(engine)
    with contextlib.suppress(OSError):
        path.chmod(0o600)  # customer data: readable by this user only
    return LocalStore(engine, sessionmaker(engine, expire_on_commit=False), path)
