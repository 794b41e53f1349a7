"""``ringdesk-server reports rebuild`` and ``ringdesk-server reports grant-bi``.

* ``rebuild``: recompute the report rollups from the raw calls, dispositions and task attempts
  (after upgrading to the migration that adds them, or to check them: ``docs/reports.md``). One
  transaction: reports keep answering from the old rollups until it commits.
* ``grant-bi [--password-stdin]``: on PostgreSQL, create (or reset) the ``ringdesk_reporting`` role
  that may read the reporting views and nothing else. Without a password the role cannot log in
  (grant it to a login role of your own). Run it as a user that may create roles.
"""

from __future__ import annotations

import argparse
import time

from server.commands.common import (
    EXIT_OK,
    CommandError,
    SubParsers,
    add_config_arguments,
    load,
    open_database,
    read_password,
)


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("reports", help="report rollups and the BI role", description=__doc__)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = actions.add_parser("rebuild", help="recompute the report rollups from the raw events")
    add_config_arguments(rebuild)
    rebuild.set_defaults(func=run_rebuild)
    grant = actions.add_parser("grant-bi", help="create the read-only ringdesk_reporting role (PostgreSQL)")
    add_config_arguments(grant)
    grant.add_argument(
        "--password-stdin", action="store_true", help="read the role's login password from stdin"
    )
    grant.set_defaults(func=run_grant)


def run_rebuild(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.reports.maintain import rebuild

    database = open_database(settings.database_url)
    try:
        started = time.monotonic()
        with database.session() as session:
            calls, facts = rebuild(session)
            session.commit()
        print(
            f"rebuilt the report rollups: {calls} calls, {facts} facts in {time.monotonic() - started:.1f} s"
        )
    finally:
        database.dispose()
    return EXIT_OK


def run_grant(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from sqlalchemy import text

    from server.reports.views import BI_ROLE, CREATE_VIEWS, grant_statements

    password = read_password("Password for ringdesk_reporting: ") if args.password_stdin else None
    database = open_database(settings.database_url)
    try:
        if database.engine.dialect.name != "postgresql":
            raise CommandError("the reporting role and views are for PostgreSQL (SQLite has no roles)")
        with database.engine.begin() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar_one()
            for statement in CREATE_VIEWS:
                conn.execute(text(statement))
            for statement, params in grant_statements(name, password):
                conn.execute(text(statement), params)
        print(f"{BI_ROLE} may read the reporting views of {name} and nothing else")
    finally:
        database.dispose()
    return EXIT_OK
