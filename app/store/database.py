"""Opening the local database: SQLite in WAL mode with ``synchronous=FULL``, migrated to the newest schema.

Why these settings (measured, see docs/sync.md): with the record and its outbox item in one
transaction, a killed process never loses an acknowledged commit in any journal mode, but a power cut
loses acknowledged commits under ``synchronous=NORMAL`` and corrupts databases under ``OFF``. So WAL +
FULL, and the UI says "saved" only after :meth:`LocalStore.transaction` returns.

Transactions start with ``BEGIN IMMEDIATE`` (the write lock is taken up front), so the UI and the sync
pump never fail half-way with "database is locked"; they wait up to the busy timeout instead.

The running store is plain :mod:`sqlite3`: SQLAlchemy and its ORM cost the idle desktop ~18 MB for a
handful of small tables (issue 5). SQLAlchemy and Alembic remain the way the schema is defined and
migrated (:mod:`app.store.tables`, :mod:`app.store.migrations`), and are imported only when a
migration is actually due: start-up (the workstation is restarted after every crash) reads the
schema revision with one query.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

HEAD_REVISION = "c0001"
"""The newest migration in ``app/store/migrations/versions`` (a test keeps the two in step)."""
BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 256
"""SQLite's page cache per connection. Its default, 2 MB, filled as the store grew by a few KB a call
(outbox items, the call log, cached contacts): a desk's RSS grew ~2 MB over a shift of 1,000 calls
for pages it reads once (issue 15). The desk's reads are a few rows by index; what it reads again
is in the OS's page cache anyway."""
PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA cache_size = -{CACHE_KIB}",
)
"""Run on every connection, the store's and the migrations' alike."""


def connect(path: Path) -> sqlite3.Connection:
    """A connection to ``path`` with the settings of the module docstring. Python's implicit
    transactions are off (``isolation_level=None``): :class:`LocalStore` emits ``BEGIN IMMEDIATE``
    itself. Errors never carry the statement's parameters (they hold personal data)."""
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    connection.row_factory = sqlite3.Row
    for pragma in PRAGMAS:
        connection.execute(pragma).fetchall()
    return connection


def current_revision(connection: sqlite3.Connection) -> str | None:
    """The schema revision of the file (``None``: a new, empty database)."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: nothing was ever migrated
        return None
    return None if row is None else str(row[0])


def migrate(path: Path, revision: str = "head") -> None:
    """Run the client migrations on the file ``path`` up to ``revision`` (imports Alembic and
    SQLAlchemy: only when needed)."""
    from alembic import command

    from app.store.migrations import alembic_config, migration_engine

    engine = migration_engine(path)
    try:
        command.upgrade(alembic_config(engine), revision)
    finally:
        engine.dispose()


class LocalStore:
    """The open local database. One per process; pass it to the outbox, drafts and caches.

    One connection behind one lock, rather than a connection per thread: the desktop uses the store
    from its asyncio thread only, and a test or helper thread that uses it as well simply waits its
    turn (SQLite's own locks and the busy timeout keep other processes apart). Transactions do not
    nest: code that needs one inside another takes the caller's connection (``put_contact_in``,
    ``discard_in``), and a nested :meth:`transaction` or :meth:`reading` raises at once rather than
    waiting on itself."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._lock = threading.RLock()
        self.path = path

    @contextlib.contextmanager
    def transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """The connection, inside one ``BEGIN IMMEDIATE`` transaction: committed when the block ends
        without an exception (and durable once this returns: ``synchronous=FULL``), rolled back
        otherwise. Do not commit or roll back inside the block.

        ``durable=False`` commits with ``synchronous=NORMAL``: still atomic and never corrupting
        (WAL), but a power cut may undo it. Only for bookkeeping whose loss is harmless, such as
        marking an item delivered (it is then sent again and the server answers with a replay):
        it saves an fsync per delivered item, the pump's main local cost."""
        with self._lock:
            connection = self._open()
            if not durable:
                connection.execute("PRAGMA synchronous = NORMAL")
            try:
                with self._within(connection, "BEGIN IMMEDIATE"):
                    yield connection
            finally:
                if not durable:
                    connection.execute("PRAGMA synchronous = FULL")

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for reads, in one (deferred) transaction so that what it sees is consistent.
        It takes no write lock: in WAL, readers and a writer in another process do not wait for each
        other. Do not write here (use :meth:`transaction`)."""
        with self._lock:
            connection = self._open()
            with self._within(connection, "BEGIN"):
                yield connection

    def close(self) -> None:
        """Release the file. A later use opens it again (as SQLAlchemy's ``Engine.dispose`` allowed):
        a save that comes in late during shut-down is still saved, not lost."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = connect(self.path)
        if self._connection.in_transaction:
            raise RuntimeError("store transactions do not nest: use the connection you were given")
        return self._connection

    @staticmethod
    @contextlib.contextmanager
    def _within(connection: sqlite3.Connection, begin: str) -> Iterator[None]:
        connection.execute(begin)
        try:
            yield
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
                connection.execute("ROLLBACK")
            raise


def open_store(path: Path | None = None) -> LocalStore:
    """Open (creating and migrating when needed) the local database at ``path`` (default: the user data
    dir, :func:`app.store.paths.database_path`)."""
    if path is None:
        from app.store.paths import database_path

        path = database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # customer data: readable by this user only. Created private before SQLite opens it, so that the
    # -wal and -shm files (which SQLite creates with the database's permissions) are private too.
    os.close(os.open(path, os.O_CREAT | os.O_RDONLY, 0o600))
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    connection = connect(path)
    try:
        if current_revision(connection) != HEAD_REVISION:
            migrate(path)
    except BaseException:
        connection.close()
        raise
    return LocalStore(connection, path)
