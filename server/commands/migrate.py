"""``ringdesk-server migrate``: bring the database schema to the newest revision."""

from __future__ import annotations

import argparse

from server.commands.common import EXIT_OK, SubParsers, add_config_arguments, load, open_database


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "migrate",
        help="upgrade the database schema",
        description="Upgrade the database schema to the newest revision.",
    )
    add_config_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args).settings

    from server.db import safe_url
    from server.migrate import current_revision

    database = open_database(settings.database_url)
    try:
        print(f"{safe_url(settings.database_url)}: at revision {current_revision(database.engine)} (newest)")
    finally:
        database.dispose()
    return EXIT_OK
