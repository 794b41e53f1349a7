"""Alembic migrations of the desktop's local database, driven from code (no ``alembic.ini``).

Write a new revision by hand (or with ``alembic revision --autogenerate`` against a scratch file),
then set :data:`app.store.database.HEAD_REVISION` to it: the store checks that constant at start-up
with plain :mod:`sqlite3` instead of loading Alembic and SQLAlchemy on every launch. This package is
imported only when a migration is due (and by tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from app.store.database import BUSY_TIMEOUT_MS, PRAGMAS

MIGRATIONS_DIR = Path(__file__).resolve().parent


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migration_engine(path: Path) -> Engine:
    """An engine on the SQLite file ``path`` with the store's settings (WAL, ``synchronous=FULL``,
    ``BEGIN IMMEDIATE``, busy timeout), for migrations and tests: a migration started while another
    process uses the file waits for it instead of failing."""
    engine = create_engine(
        f"sqlite:///{path}",
        hide_parameters=True,  # parameters hold personal data: keep them out of error messages
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config on our scripts; with ``engine``, migrations run over it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    """The newest revision in the scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
