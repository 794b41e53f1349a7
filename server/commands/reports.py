"""``ringdesk-server reports rebuild`` and ``ringdesk-server reports grant-bi``.

* ``rebuild``: recompute the report rollups from the raw calls, dispositions and task attempts
  (after upgrading to the migration that adds them, or to check them: ``docs/reports.md``). One
  transaction: reports keep answering from the old rollups until it commits.
* ``daily [--day D] [--send]``: the daily report e-mail of day ``D`` (default yesterday, in the
  centre's zone): printed, or with ``--send`` mailed now to ``daily_report_to`` through the SMTP
  setup (to check it; the scheduled mail of that day is the same mail: same Message-ID).
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
    command_session,
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
    daily = actions.add_parser("daily", help="show or send the daily report e-mail")
    add_config_arguments(daily)
    daily.add_argument("--day", help="the local day YYYY-MM-DD (default: yesterday)")
    daily.add_argument("--send", action="store_true", help="mail it now to daily_report_to")
    daily.set_defaults(func=run_daily)

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
            calls, facts = rebuild(session, settings.service_level_for)
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

    from server.reports.views import BI_ROLE, CREATE_VIEWS_0017, grant_statements

    password = read_password("Password for ringdesk_reporting: ") if args.password_stdin else None
    database = open_database(settings.database_url)
    try:
        if database.engine.dialect.name != "postgresql":
            raise CommandError("the reporting role and views are for PostgreSQL (SQLite has no roles)")
        with database.engine.begin() as conn:
            name = conn.execute(text("SELECT current_database()")).scalar_one()
            for statement in CREATE_VIEWS_0017:
                conn.execute(text(statement))
            for statement, params in grant_statements(name, password):
                conn.execute(text(statement), params)
        print(f"{BI_ROLE} may read the reporting views of {name} and nothing else")
    finally:
        database.dispose()
    return EXIT_OK


def run_daily(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from datetime import date, datetime, timedelta

    from server.messaging.smtp import SmtpProvider
    from server.reports.daily import build_mail, centre_zone, compose

    with command_session(settings.database_url) as session:
        if args.day:
            try:
                day = date.fromisoformat(args.day)
            except ValueError:
                raise CommandError(f"--day {args.day!r} is not a day (YYYY-MM-DD)") from None
        else:
            day = datetime.now(centre_zone(session)).date() - timedelta(days=1)
        composed = compose(session, day, settings.daily_report_language)
    if not args.send:
        print(f"Subject: {composed.subject}\n\n{composed.body}")
        for name, data in composed.attachments:
            print(f"[{name}, {len(data)} bytes]")
        return EXIT_OK
    recipients = settings.daily_report_recipients()
    if not recipients:
        raise CommandError(
            "daily_report_to names nobody (RINGDESK_DAILY_REPORT_TO=a@example.ru,b@example.ru)"
        )
    if not settings.smtp_host:
        raise CommandError("no SMTP host is set (RINGDESK_SMTP_HOST): docs/chains.md")
    provider = SmtpProvider(settings)
    sent = provider.deliver(build_mail(composed, sender=provider.sender, recipients=recipients))
    if not sent.ok:
        raise CommandError(f"the report was not sent: {sent.error}")
    print(f"sent the report of {day.isoformat()} to {', '.join(recipients)}")
    return EXIT_OK
