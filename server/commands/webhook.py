"""``ringdesk-server webhook add|list|pause|resume|delete|deliveries|replay``: outgoing webhooks from
the console, by the same rules as the admin API (``/webhooks``, docs/integrations.md)::

    ringdesk-server webhook add https://crm.example.ru/ringdesk --events disposition.stored,call.ended
    ringdesk-server webhook list
    ringdesk-server webhook pause 3
    ringdesk-server webhook deliveries --state failed
    ringdesk-server webhook replay 1234

``add`` prints the endpoint's signing secret, this once. Changes are audited (actor: the console).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from server.commands.common import (
    EXIT_OK,
    CommandError,
    SubParsers,
    add_config_arguments,
    command_session,
    load,
)

EVENTS = ("call.started", "call.ended", "disposition.stored", "task.done", "contact.changed")


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("webhook", help="manage outgoing webhooks")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(
        name: str, help_text: str, func: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        add_config_arguments(sub)
        sub.set_defaults(func=func)
        return sub

    add = action("add", "register a URL for events; prints its signing secret once", run_add)
    add.add_argument("url")
    add.add_argument("--events", required=True, help=f"comma-separated: {', '.join(EVENTS)} (or 'all')")
    add.add_argument("--description", default="")
    add.add_argument("--paused", action="store_true", help="register it paused")
    action("list", "list the endpoints", run_list)
    for name, text, func in (
        ("pause", "pause an endpoint (its deliveries wait)", run_pause),
        ("resume", "resume a paused endpoint", run_resume),
        ("delete", "delete an endpoint and its delivery log", run_delete),
    ):
        action(name, text, func).add_argument("id", type=int)
    log = action("deliveries", "the delivery log, newest first", run_deliveries)
    log.add_argument("--endpoint", type=int)
    log.add_argument("--state", choices=("pending", "delivering", "delivered", "failed"))
    log.add_argument("--limit", type=int, default=50)
    action("replay", "queue a delivery again", run_replay).add_argument("id", type=int)


def _events(text: str) -> list[str]:
    wanted = list(EVENTS) if text.strip() == "all" else [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in wanted if e not in EVENTS]
    if unknown or not wanted:
        raise CommandError(f"unknown events {', '.join(unknown) or '(none given)'}: use {', '.join(EVENTS)}")
    return wanted


def run_add(args: argparse.Namespace) -> int:
    settings = load(args).settings
    events = _events(args.events)

    from server.audit import record_audit
    from server.webhooks import store
    from server.webhooks.urls import BadWebhookUrl, allowed_hosts, check_url, own_addresses

    try:
        url = check_url(
            args.url, allowed=allowed_hosts(settings.webhook_allowed_hosts), own=own_addresses(settings.host)
        )
        body = store.EndpointIn.model_validate(
            {"url": url, "events": events, "description": args.description, "active": not args.paused}
        )
    except (BadWebhookUrl, ValueError) as exc:
        raise CommandError(f"webhook URL refused: {exc}") from None
    with command_session(settings.database_url) as session:
        created = store.add_endpoint(session, body, url)
        record_audit(
            session,
            actor=None,
            action="webhook.create",
            target=f"webhook:{created.id}",
            details={"url": url, "events": created.events, "via": "cli"},
        )
        session.commit()
    paused = "" if created.active else " paused"
    print(f"webhook {created.id}: {created.url} ({', '.join(created.events)}){paused}")
    print(f"secret (shown once, give it to the receiver): {created.secret}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.webhooks import store

    with command_session(settings.database_url) as session:
        for row in store.list_endpoints(session):
            state = "active" if row.active else "paused"
            print(f"{row.id}\t{state}\t{row.url}\t{','.join(row.events)}\t{row.description}")
    return EXIT_OK


def _change(args: argparse.Namespace, verb: str) -> int:
    settings = load(args).settings
    from server.audit import record_audit
    from server.models import WebhookEndpoint

    with command_session(settings.database_url) as session:
        row = session.get(WebhookEndpoint, args.id)
        if row is None:
            raise CommandError(f"no webhook endpoint has id {args.id}")
        if verb == "delete":
            session.delete(row)
        else:
            row.active = verb == "resume"
        record_audit(
            session,
            actor=None,
            action=f"webhook.{verb}",
            target=f"webhook:{args.id}",
            details={"via": "cli"},
        )
        session.commit()
    print(f"webhook {args.id}: {verb}d" if verb != "pause" else f"webhook {args.id}: paused")
    return EXIT_OK


def run_pause(args: argparse.Namespace) -> int:
    return _change(args, "pause")


def run_resume(args: argparse.Namespace) -> int:
    return _change(args, "resume")


def run_delete(args: argparse.Namespace) -> int:
    return _change(args, "delete")


def run_deliveries(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.webhooks import store

    with command_session(settings.database_url) as session:
        rows = store.list_deliveries(
            session, endpoint_id=args.endpoint, state=args.state, limit=max(1, min(args.limit, 500))
        )
    for d in rows:
        answer = d.last_status if d.last_status is not None else (d.last_error or "-")
        print(f"{d.id}\t{d.state}\t{d.event_type}\tendpoint {d.endpoint_id}\tattempts {d.attempts}\t{answer}")
    return EXIT_OK


def run_replay(args: argparse.Namespace) -> int:
    settings = load(args).settings
    from server.audit import record_audit
    from server.webhooks import store

    with command_session(settings.database_url) as session:
        try:
            found = store.replay(session, args.id)
        except store.ReplayRefused as exc:
            raise CommandError(str(exc)) from None
        if not found:
            raise CommandError(f"no delivery has id {args.id}")
        record_audit(
            session,
            actor=None,
            action="webhook.replay",
            target=f"webhook_delivery:{args.id}",
            details={"via": "cli"},
        )
        session.commit()
    print(f"delivery {args.id}: queued again")
    return EXIT_OK
