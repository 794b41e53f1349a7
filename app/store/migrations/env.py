"""Alembic environment of the local database: runs over the engine given by :func:`alembic_config`."""

from __future__ import annotations

from alembic import context

from app.store.tables import Base


def run_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("the client migrations run through app.store.database.migrate(path)")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_online()
