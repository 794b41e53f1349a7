"""Engines and sessions for the two supported databases.

* SQLite (the embedded default): WAL journal with ``synchronous=FULL`` (no acknowledged commit lost
  on power failure, see docs/notes on durability), foreign keys ON, a busy timeout, and transactions
  started with ``BEGIN IMMEDIATE``. The last point matters: with the driver's default deferred
  transactions, a request that reads and then writes while another writer committed fails at once
  with "database is locked" (the busy timeout cannot help there). IMMEDIATE takes the write lock up
  front, so concurrent requests queue for up to the busy timeout instead. The price: one transaction
  at a time, readers included. Keep transactions short (commit a large import in batches) and never
  hold two sessions open in one thread: the second would wait for the first until the timeout.
* PostgreSQL (production): ``postgresql+psycopg://`` (psycopg 3); plain ``postgresql://`` and
  ``postgres://`` URLs are accepted and mapped to it. A pooled connection is pinged only when it sat
  idle in the pool for :data:`PING_AFTER_IDLE_S` or more (``pool_pre_ping`` pinged on every check-out:
  a round trip per request under load, where the connections are seconds old). A connection the
  server dropped while in use raises a disconnect error: SQLAlchemy then invalidates the pool, so the
  request that met it fails once and the next ones get fresh connections. A server restart or a
  firewall timeout typically strikes after idle time, which the idle ping covers.

SQL parameters are never rendered into exception messages (``hide_parameters``): errors end up in
logs, and parameters hold password hashes and personal data.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, NullPool

SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_AFTER_IDLE_S = 10.0


def normalise_url(url: str | URL) -> URL:
    """Parse ``url`` and pin PostgreSQL to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL with its password masked, fit for logs and messages."""
    return normalise_url(url).render_as_string(hide_password=True)


_ENGINE_KEYS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def engine_key(session: Session) -> str:
    """The database a session works on, as the key of a per-process cache (the chains, the CRM
    connection, the webhook endpoints): its engine's URL, rendered once per engine. Rendering a URL
    costs ~15 us, and the disposition post asked three times."""
    engine = session.get_bind().engine
    key = _ENGINE_KEYS.get(engine)
    if key is None:
        key = _ENGINE_KEYS[engine] = str(engine.url)
    return key


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module; the "begin" hook emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _note_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """Ping a connection that sat in the pool for a while; a dead one is replaced (the pool retries
    the check-out on :class:`DisconnectionError`)."""
    idle_since = record.info.get("checked_in_at")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbapi_connection.rollback()
    except Exception as exc:
        raise DisconnectionError("connection lost while idle in the pool") from exc


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(url: str | URL, *, pooled: bool = True, echo: bool = False) -> Engine:
    """An engine for ``url`` with the settings described in the module docstring.

    ``pooled=False`` opens a fresh connection each time (command-line tools, migrations in tests).
    """
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if not pooled:
        kwargs["poolclass"] = NullPool
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"application_name": "ringdesk-server"}
        engine = create_engine(parsed, **kwargs)
        if pooled:
            event.listen(engine, "checkin", _note_checkin)
            event.listen(engine, "checkout", _ping_if_idle)
        return engine
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")


@dataclass(frozen=True)
class Database:
    """An engine and its session factory, created once per process (or per app in tests)."""

    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str | URL, *, pooled: bool = True) -> Database:
        engine = create_db_engine(url, pooled=pooled)
        return cls(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for scripts and commands; commit explicitly, anything else is rolled back."""
        with self.sessions() as session:
            yield session

    def ping(self) -> None:
        """Run a trivial query; raises if the database cannot be reached."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
