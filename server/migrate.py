"""Schema migrations (Alembic), driven from code rather than an ``alembic.ini``.

``upgrade(engine)`` is what ``ringdesk-server migrate`` and ``serve`` run. The migration scripts live
in ``server/migrations/versions``; write a new one with
``alembic -c server/alembic.ini revision --autogenerate -m "what changed"`` (it reads
``RINGDESK_DATABASE_URL`` like the server) and review it by hand. Tests check that the migrations
produce exactly the models' schema on SQLite and PostgreSQL, and downgrade cleanly.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config pointing at our scripts; with ``engine``, migrations run over it."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest revision in the scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - there is always an initial migration
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty database)."""
    revisions = _stamped(engine)
    if revisions is not None:
        return revisions[0] if revisions else None
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@functools.cache
def scripts_head() -> str | None:
    """The newest revision, read from the scripts' ``revision``/``down_revision`` lines without
    importing Alembic (which imports Mako, which imports Pygments: about a second of CPU that every
    ``serve`` and every command paid to learn that nothing was to be done). ``None`` when the scripts
    do not form one line of revisions; then Alembic decides. ``test_migrations`` checks it agrees."""
    revisions: dict[str, str | None] = {}
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        values: dict[str, object] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            target: ast.expr
            if isinstance(node, ast.AnnAssign):
                target, value = node.target, node.value
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and value:
                try:
                    values[target.id] = ast.literal_eval(value)
                except ValueError:
                    return None
        if not values:
            continue  # the package's __init__
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None
        revisions[revision] = down
    heads = set(revisions) - {down for down in revisions.values() if down is not None}
    return heads.pop() if len(heads) == 1 else None


def _stamped(engine: Engine) -> list[str] | None:
    """The revisions in ``alembic_version`` ([] for an empty database), by plain SQL; ``None`` when
    that cannot be read so (Alembic then looks)."""
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))]
    except DBAPIError:
        return [] if not _has_tables(engine) else None


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).get_table_names())


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``. Safe to run concurrently on PostgreSQL (advisory lock).

    A database already at the newest revision is left alone without starting Alembic."""
    if revision == "head":
        head = scripts_head()
        if head is not None and _stamped(engine) == [head]:
            return
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema down to ``revision`` (``base``: drop everything). Destroys data."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)
