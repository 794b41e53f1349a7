"""Helpers shared by the subcommands: configuration flags, settings loading, passwords, errors."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

from server.settings import SettingsError
from server.settings_load import LoadedSettings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from server.db import Database

PROG = "ringdesk-server"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CommandError(Exception):
    """Stop the command with this message (no traceback) and exit status ``code``."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """``--config`` and ``--db``, accepted by every command."""
    parser.add_argument(
        "--config", metavar="FILE", help="TOML config file (default: /etc/ringdesk/server.toml if present)"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        dest="database_url",
        help="database URL: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
        "(default: RINGDESK_DATABASE_URL, the config file, or SQLite in the user data directory)",
    )


def load(args: argparse.Namespace, *, serving: bool = False, **flags: Any) -> LoadedSettings:
    """Settings from flags > environment > config file > defaults; CommandError if unusable."""
    try:
        return load_settings(
            {"database_url": getattr(args, "database_url", None), **flags},
            config=getattr(args, "config", None),
            serving=serving,
        )
    except SettingsError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def open_database(url: str) -> Database:
    """Connect and bring the schema to the newest revision (what every command that touches the
    database does first, so a fresh install needs no separate step)."""
    from sqlalchemy.exc import SQLAlchemyError

    from server.db import Database, safe_url
    from server.migrate import upgrade

    try:
        database = Database.connect(url, pooled=False)
    except OSError as exc:  # SQLite: the file's directory cannot be created
        raise CommandError(
            f"cannot use the database {safe_url(url)}: {exc.strerror} ({exc.filename})"
        ) from None
    try:
        upgrade(database.engine)
    except SQLAlchemyError as exc:
        database.dispose()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise CommandError(f"cannot use the database {safe_url(url)}: {reason}") from None
    return database


@contextmanager
def command_session(url: str) -> Iterator[Session]:
    """One session on the database at ``url`` (brought to the newest revision by
    :func:`open_database`), and the connections closed afterwards: a command is a short-lived process
    that should leave no connection behind, even when it stops with a :class:`CommandError`."""
    database = open_database(url)
    try:
        with database.session() as session:
            yield session
    finally:
        database.dispose()


def read_password(prompt: str = "Password: ", *, confirm: bool = True) -> str:
    """Prompt twice on a terminal; otherwise read one line from stdin (scripts, pipes)."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat password: ") != first:
            raise CommandError("the passwords do not match")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CommandError("no password on stdin (pipe one line, or run on a terminal to be prompted)")
    return line.rstrip("\r\n")
