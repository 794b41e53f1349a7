"""Schema migrations (Alembic), driven from code rather than an ``alembic.ini``.

``upgrade(engine)`` is what ``ringdesk-server migrate`` and ``serve`` run. The migration scripts live
in ``server/migrations/versions``; write a new one with
``alembic -c server/alembic.ini revision --autogenerate -m "what changed"`` (it reads
``RINGDESK_DATABASE_URL`` like the server) and review it by hand. Tests check that the migrations
produce exactly the models' schema on SQLite and PostgreSQL, and downgrade cleanly.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at our scripts; with ``engine``, migrations run over it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision in the scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - there is always an initial migration
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``. Safe to run concurrently on PostgreSQL (advisory lock)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to ``revision`` (``base``: drop everything). Destroys data."""
    command.downgrade(alembic_config(engine), revision)
