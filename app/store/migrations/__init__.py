"""Alembic migrations of the desktop's local database, driven from code (no ``alembic.ini``).

Write a new revision by hand (or with ``alembic revision --autogenerate`` against a scratch file),
then set :data:`app.store.database.HEAD_REVISION` to it: the store checks that constant at start-up
instead of loading Alembic on every launch.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent


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
