"""Alembic environment: runs migrations over the server's own engine settings.

The engine comes from :func:`server.migrate.alembic_config` (``config.attributes["engine"]``) or,
when run through the ``alembic`` command, from the server settings (``RINGDESK_DATABASE_URL``,
config file, default), so both paths use the same SQLite pragmas and PostgreSQL driver.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, text

from server.db import create_db_engine
from server.models import Base

#: Arbitrary constant: one migration run at a time per PostgreSQL database.
_ADVISORY_LOCK_ID = 0x7269_6E67_6465_736B & 0x7FFF_FFFF_FFFF_FFFF


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: autogenerate "batch" (copy-and-move) operations there.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def _engine_from_settings() -> Engine:
    from server.settings_load import load_settings

    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        url = load_settings(serving=False).settings.database_url
    return create_db_engine(url, pooled=False)


def run_offline() -> None:
    from server.settings_load import load_settings

    url = (
        context.config.get_main_option("sqlalchemy.url") or load_settings(serving=False).settings.database_url
    )
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    given = context.config.attributes.get("engine")
    engine: Engine = given if given is not None else _engine_from_settings()
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _ADVISORY_LOCK_ID})
                context.run_migrations()
    finally:
        if given is None:
            engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
