"""``ringdesk-server crm bitrix24 set|test|status|retry|remove``: the CRM the centre already has
(docs/integrations.md)::

    ringdesk-server crm bitrix24 set --url https://portal.bitrix24.ru/rest/1/abc123/ --default-user 1 \\
        --user ivanova=12 --recording-url 'https://ringdesk.example.ru/recordings/{id}/audio'
    ringdesk-server crm test        # a harmless request with the stored URL: works, or why not
    ringdesk-server crm status      # the connection (token masked) and the outbox by state
    ringdesk-server crm retry       # failed jobs queued again

The webhook URL holds the token: ``set`` without ``--url`` reads it from the terminal or stdin (not
kept in the shell's history); nothing prints it whole. Changes are audited (actor: the console).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable

from server.commands.common import (
    EXIT_OK,
    CommandError,
    SubParsers,
    add_config_arguments,
    command_session,
    load,
)


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("crm", help="connect the centre's CRM (Bitrix24)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(
        name: str,
        help_text: str,
        func: Callable[[argparse.Namespace], int],
        on: argparse._SubParsersAction[argparse.ArgumentParser] = actions,
    ) -> argparse.ArgumentParser:
        sub = on.add_parser(name, help=help_text, description=help_text)
        add_config_arguments(sub)
        sub.set_defaults(func=func)
        return sub

    bitrix = actions.add_parser("bitrix24", help="the Bitrix24 connection")
    bitrix_actions = bitrix.add_subparsers(dest="bitrix_action", required=True, metavar="ACTION")
    set_ = action("set", "store the Bitrix24 inbound webhook and options", run_set, bitrix_actions)
    set_.add_argument("--url", help="https://<portal>/rest/<user>/<token>/ (omitted: read from stdin)")
    set_.add_argument(
        "--default-user", type=int, default=1, help="Bitrix24 user id for calls no mapped operator took"
    )
    set_.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME=ID",
        help="a ringdesk operator's Bitrix24 user id",
    )
    set_.add_argument(
        "--crm-create", action="store_true", help="let Bitrix24 create a lead for unknown numbers"
    )
    set_.add_argument(
        "--recording-url", default="", help="link template sent with recordings: {id} recording id, {call_id}"
    )
    action("test", "check the stored connection with a harmless request", run_test)
    action("status", "the connection (token masked) and the outbox", run_status)
    action("retry", "queue failed jobs again", run_retry)
    action("remove", "forget the CRM connection (jobs stay, unsent)", run_remove)


def _users(pairs: list[str]) -> dict[str, int]:
    users: dict[str, int] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip().isdigit():
            raise CommandError(
                f"--user {pair!r}: write NAME=ID (a ringdesk user name and a Bitrix24 user id)"
            )
        users[name.strip()] = int(value)
    return users


def _read_url() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Bitrix24 inbound webhook URL: ")
    return sys.stdin.readline().strip()


def run_set(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.audit import record_audit
    from server.crm import connection as connections
    from server.crm.bitrix24 import BadWebhookUrl, Bitrix24Config, masked, parse_url

    raw = args.url if args.url else _read_url()
    try:
        url = parse_url(raw)
    except BadWebhookUrl as exc:
        raise CommandError(f"not a Bitrix24 webhook URL: {exc}", 2) from None
    if args.default_user < 1:
        raise CommandError("--default-user: a Bitrix24 user id (1 or more)", 2)
    conn = connections.Connection(
        kind="bitrix24",
        bitrix24=Bitrix24Config(
            url=url, default_user=args.default_user, users=_users(args.user), crm_create=args.crm_create
        ),
        recording_url=args.recording_url.strip(),
    )
    with command_session(settings.database_url) as session:
        connections.save(session, conn)
        record_audit(
            session,
            actor=None,
            action="crm.set",
            target="crm:bitrix24",
            details={"url": masked(url), "via": "cli"},
        )
        session.commit()
    print(f"bitrix24: {masked(url)} stored; check it with: ringdesk-server crm test")
    return EXIT_OK


def run_test(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.crm import connection as connections
    from server.crm.contract import CrmAuthError, CrmError

    with command_session(settings.database_url) as session:
        conn = connections.read(session)
    if conn is None:
        raise CommandError("no CRM is configured: ringdesk-server crm bitrix24 set --url ...")

    async def check() -> str:
        adapter = connections.adapter_for(conn, settings)
        try:
            async with asyncio.timeout(settings.crm_timeout_seconds + 1):
                return await adapter.check()
        finally:
            await adapter.aclose()

    try:
        who = asyncio.run(check())
    except CrmAuthError as exc:
        raise CommandError(f"the portal refused the webhook: {exc}") from None
    except CrmError as exc:
        raise CommandError(f"the portal did not answer usefully: {exc}") from None
    except TimeoutError:
        raise CommandError(f"the portal did not answer within {settings.crm_timeout_seconds:g} s") from None
    print(f"ok: {who}")
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from sqlalchemy import func, select

    from server.crm import connection as connections
    from server.models import CrmJob

    with command_session(settings.database_url) as session:
        conn = connections.read(session)
        counts = dict(
            session.execute(select(CrmJob.state, func.count()).group_by(CrmJob.state)).tuples().all()
        )
        failed = session.execute(
            select(CrmJob.id, CrmJob.kind, CrmJob.key, CrmJob.last_error)
            .where(CrmJob.state == "failed")
            .order_by(CrmJob.id.desc())
            .limit(10)
        ).all()
        retrying = session.execute(
            select(CrmJob.id, CrmJob.kind, CrmJob.key, CrmJob.attempts, CrmJob.last_error)
            .where(CrmJob.state == "pending", CrmJob.last_error.is_not(None))
            .order_by(CrmJob.id.desc())
            .limit(10)
        ).all()
    if conn is None:
        print("crm: none configured")
    else:
        for key, value in conn.describe().items():
            print(f"{key}: {value}")
    print("jobs: " + (", ".join(f"{state} {n}" for state, n in sorted(counts.items())) or "none"))
    for row in retrying:
        print(f"retrying {row.id}\t{row.kind} {row.key}\tattempts {row.attempts}\t{row.last_error}")
    for gone in failed:
        print(f"failed {gone.id}\t{gone.kind} {gone.key}\t{gone.last_error}")
    return EXIT_OK


def run_retry(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from sqlalchemy import update

    from server.models import CrmJob, utcnow

    with command_session(settings.database_url) as session:
        done = session.execute(
            update(CrmJob)
            .where(CrmJob.state == "failed")
            .values(state="pending", attempts=0, next_at=utcnow(), last_error=None)
        )
        session.commit()
    print(f"{done.rowcount} failed jobs queued again")  # type: ignore[attr-defined]
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.audit import record_audit
    from server.crm import connection as connections

    with command_session(settings.database_url) as session:
        removed = connections.remove(session)
        if removed:
            record_audit(
                session, actor=None, action="crm.remove", target="crm:bitrix24", details={"via": "cli"}
            )
        session.commit()
    print("crm: removed" if removed else "crm: none was configured")
    return EXIT_OK
