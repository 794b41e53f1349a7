"""``ringdesk-server chain lint|upload|list|show|disable|enable|runs|stop``: communication chains from
the console, by the same rules as the admin API (``/chains``, docs/chains.md)::

    ringdesk-server chain lint resources/chains/offer-followup.yaml    # no database needed
    ringdesk-server chain upload resources/chains/offer-followup.yaml
    ringdesk-server chain list
    ringdesk-server chain show offer-followup [--version 1]
    ringdesk-server chain disable offer-followup      # no new runs, runs in flight stopped
    ringdesk-server chain runs [--chain ID] [--contact ID] [--state running]
    ringdesk-server chain stop RUN_ID
    ringdesk-server chain inbound-urls                # where providers deliver clients' replies

``lint`` checks the file alone (``--db`` or a configured database adds the server's disposition
codes and custom fields); ``upload`` always checks against the database. Messages are
``FILE:LINE: severity: text``; exit 1 when there are errors. Changes are audited (actor: the console).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from server.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandError,
    SubParsers,
    add_config_arguments,
    command_session,
    load,
    open_database,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("chain", help="manage communication chains (e-mail, SMS, callbacks)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(
        name: str, help_text: str, func: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_config_arguments(sub)
        sub.set_defaults(func=func)
        return sub

    lint = action("lint", "check chain files (YAML or JSON); exit 1 on errors", run_lint)
    lint.add_argument("files", nargs="+", metavar="FILE")
    lint.add_argument(
        "--catalogue", action="store_true", help="also check codes and custom fields against the database"
    )
    action("upload", "lint and store chain files as new versions", run_upload).add_argument(
        "files", nargs="+", metavar="FILE"
    )
    action("list", "the newest version of every chain", run_list)
    show = action("show", "print a chain version as JSON", run_show)
    show.add_argument("id")
    show.add_argument("--version", type=int)
    for name, text, func in (
        ("disable", "no new runs of the chain; its runs in flight stop", run_disable),
        ("enable", "start runs of the chain again", run_enable),
    ):
        action(name, text, func).add_argument("id")
    runs = action("runs", "chain runs, newest first", run_runs)
    runs.add_argument("--chain")
    runs.add_argument("--contact", type=int)
    runs.add_argument("--state", choices=("running", "done", "stopped", "failed"))
    runs.add_argument("--limit", type=int, default=50)
    action("stop", "stop a running chain run", run_stop).add_argument("run_id", type=int)
    action(
        "inbound-urls",
        "the URLs (with their key) where Kannel and the SMS and mail providers deliver clients' replies",
        run_inbound_urls,
    )


def run_inbound_urls(args: argparse.Namespace) -> int:
    """Kannel's ``get-url`` line and the two webhooks' URLs (docs/integrations.md "Replies"), from
    ``chain_public_url`` and the key derived from the server's secret."""
    from server.messaging.base import inbound_key

    settings = load(args).settings
    if not settings.chain_public_url:
        raise CommandError("chain_public_url is not set: the providers need this server's address")
    base = settings.chain_public_url.rstrip("/") + "/messaging/inbound"
    key = inbound_key(settings.secret_key.get_secret_value())
    kannel = f"{base}/kannel?key={key}&from=%p&to=%P&text=%b&coding=%c&charset=%C&id=%I"
    print(f'kannel.conf sms-service: get-url = "{kannel}"')
    print(f"HTTP SMS provider, inbound webhook: POST {base}/sms?key={key}")
    print(f"inbound mail webhook: POST {base}/email?key={key}")
    return EXIT_OK


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot read: {exc}") from None


def run_lint(args: argparse.Namespace) -> int:
    from server.chains.lint import Catalogue, lint_text

    catalogue = Catalogue()
    if args.catalogue:
        from server.chains.store import catalogue as read_catalogue

        with command_session(load(args).settings.database_url) as session:
            catalogue = read_catalogue(session)
    failed = False
    for path in args.files:
        messages = lint_text(_read(path), path, catalogue)
        for message in messages:
            print(message.format())
        failed = failed or any(m.severity == "error" for m in messages)
    return EXIT_FAILED if failed else EXIT_OK


def run_upload(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from app.scripts.loader import LoadError
    from app.scripts.loader import load as load_document
    from server.audit import record_audit
    from server.chains import store

    database = open_database(settings.database_url)
    failed = False
    try:
        for path in args.files:
            try:
                document, lines = load_document(_read(path))
            except LoadError as exc:
                print(f"{path}:{exc.line or 1}: error: {exc}", file=sys.stderr)
                failed = True
                continue
            with database.session() as session:
                try:
                    row, new, warnings = store.store(session, document, by=None, lines=lines, source=path)
                except store.Invalid as exc:
                    for message in exc.messages:
                        print(message.format(), file=sys.stderr)
                    failed = True
                    continue
                except store.Conflict as exc:
                    print(f"{path}: error: {exc}", file=sys.stderr)
                    failed = True
                    continue
                for message in warnings:
                    print(message.format(), file=sys.stderr)
                if new:
                    record_audit(
                        session,
                        actor=None,
                        action="chain.create",
                        target=f"chain:{row.id}:{row.version}",
                        details={"name": row.name, "via": "cli"},
                    )
                    _announce(session)
                    session.commit()
                state = "stored" if new else "already stored"
                print(f"chain {row.id} version {row.version}: {state}")
    finally:
        database.dispose()
    return EXIT_FAILED if failed else EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.chains import store

    with command_session(settings.database_url) as session:
        for row in store.latest(session):
            trigger = row.document.get("trigger") or {}
            codes = ",".join(trigger.get("codes") or ["any"])
            state = "active" if row.active else "disabled"
            print(f"{row.id}\tv{row.version}\t{state}\t{trigger.get('event')}:{codes}\t{row.name}")
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.chains import store

    with command_session(settings.database_url) as session:
        row = store.get_version(session, args.id, args.version)
        if row is None:
            raise CommandError(f"no chain {args.id!r}" + (f" version {args.version}" if args.version else ""))
        print(json.dumps(row.document, ensure_ascii=False, indent=2))
    return EXIT_OK


def _announce(session: Session) -> None:
    """Running servers on PostgreSQL drop their map of the chains each code starts at this commit
    (``server.chains.trigger``); on SQLite they notice within ``trigger.STALE_AFTER``."""
    if session.get_bind().dialect.name == "postgresql":
        from server.api.pgfeed import NotifyRelay
        from server.chains.trigger import CHAINS_MESSAGE

        NotifyRelay().send(session, CHAINS_MESSAGE, None)


def _set_active(args: argparse.Namespace, active: bool) -> int:
    settings = load(args).settings
    from server.audit import record_audit
    from server.chains import store

    with command_session(settings.database_url) as session:
        if not store.set_active(session, args.id, active):
            raise CommandError(f"no chain {args.id!r}")
        verb = "enable" if active else "disable"
        record_audit(
            session, actor=None, action=f"chain.{verb}", target=f"chain:{args.id}", details={"via": "cli"}
        )
        _announce(session)
        session.commit()
    print(f"chain {args.id}: {'enabled' if active else 'disabled'}")
    return EXIT_OK


def run_disable(args: argparse.Namespace) -> int:
    return _set_active(args, False)


def run_enable(args: argparse.Namespace) -> int:
    return _set_active(args, True)


def run_runs(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.chains import store

    with command_session(settings.database_url) as session:
        rows = store.runs(
            session,
            chain_id=args.chain,
            contact_id=args.contact,
            state=args.state,
            limit=max(1, min(args.limit, 500)),
        )
    for r in rows:
        waiting = (
            f"{r.next_step} at {r.next_due_at:%Y-%m-%d %H:%M}Z" if r.next_step and r.next_due_at else "-"
        )
        chain = f"{r.chain_id} v{r.chain_version}"
        print(f"{r.id}\t{chain}\tcontact {r.contact_id}\t{r.state}\t{waiting}\t{r.reason or ''}")
    return EXIT_OK


def run_stop(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.audit import record_audit
    from server.chains import store
    from server.models import ChainRun

    with command_session(settings.database_url) as session:
        if session.get(ChainRun, args.run_id) is None:
            raise CommandError(f"no chain run has id {args.run_id}")
        stopped = store.stop_runs(session, ChainRun.id == args.run_id, reason="stopped from the console")
        if stopped:
            record_audit(
                session,
                actor=None,
                action="chain.run_stop",
                target=f"chain_run:{args.run_id}",
                details={"via": "cli"},
            )
        session.commit()
    print(f"chain run {args.run_id}: {'stopped' if stopped else 'not running'}")
    return EXIT_OK
