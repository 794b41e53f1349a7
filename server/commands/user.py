"""``ringdesk-server user add NAME --role ROLE [--team TEAM]``: create a user from the console.

The password is prompted for (twice) on a terminal, or read as one line from stdin otherwise::

    printf '%s\\n' "$PASSWORD" | ringdesk-server user add alice --role admin
"""

from __future__ import annotations

import argparse

from server.commands.common import (
    EXIT_OK,
    CommandError,
    SubParsers,
    add_config_arguments,
    command_session,
    load,
    read_password,
)

ROLES = ("operator", "team_lead", "admin")


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("user", help="manage users")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="create a user", description="Create a user; the password is prompted or read from stdin."
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", help="team name (created if missing; required for team_lead)")
    add_config_arguments(add)
    add.set_defaults(func=run_add)
    routing = actions.add_parser(
        "routing",
        help="set where the PBX reaches an operator",
        description="Set an operator's SIP URI (what GET /routing/next answers), the queues they answer "
        "(comma-separated; 'all' for every queue) and calls per shift (plan completion).",
    )
    routing.add_argument("name")
    routing.add_argument("--sip-uri", help="e.g. sip:1001@pbx.example.ru ('' clears it)")
    routing.add_argument("--queues", help="e.g. sales,support ('all': every queue)")
    routing.add_argument("--shift-target", type=int, help="calls handled per shift")
    add_config_arguments(routing)
    routing.set_defaults(func=run_routing)


def run_routing(args: argparse.Namespace) -> int:
    settings = load(args).settings

    from pydantic import ValidationError

    from server.api.errors import describe_error
    from server.api.schemas.users import RoutingIn
    from server.audit import record_audit
    from server.crud.users import get_user_by_name

    given: dict[str, object] = {}
    if args.sip_uri is not None:
        given["sip_uri"] = args.sip_uri or None
    if args.queues is not None:
        given["queues"] = (
            None if args.queues == "all" else [q.strip() for q in args.queues.split(",") if q.strip()]
        )
    if args.shift_target is not None:
        given["shift_target"] = args.shift_target
    try:
        body = RoutingIn.model_validate(given)
    except ValidationError as exc:
        problems = "; ".join(describe_error(dict(e)) for e in exc.errors(include_input=False))
        raise CommandError(problems) from None
    with command_session(settings.database_url) as session:
        user = get_user_by_name(session, name=args.name)
        if user is None:
            raise CommandError(f"no user is called {args.name!r}")
        changes = body.model_dump(exclude_unset=True)
        for field, value in changes.items():
            setattr(user, field, value)
        record_audit(session, actor=None, action="user.routing", target=f"user:{user.id}", details=changes)
        session.commit()
        print(
            f"{user.name}: sip_uri={user.sip_uri} queues={user.queues or 'all'} "
            f"shift_target={user.shift_target}"
        )
    return EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    settings = load(args).settings
    password = read_password()

    from pydantic import ValidationError

    from server.api.errors import describe_error
    from server.api.schemas.users import UserCreate
    from server.audit import record_audit
    from server.crud.users import UserExistsError, create_user, get_or_create_team
    from server.security import hash_password

    try:
        body = UserCreate(name=args.name, password=password, role=args.role, team=args.team)
    except ValidationError as exc:
        problems = "; ".join(describe_error(dict(e)) for e in exc.errors(include_input=False))
        raise CommandError(problems) from None
    password_hash = hash_password(settings, body.password)
    with command_session(settings.database_url) as session:
        team = None
        if body.team is not None:
            team, created = get_or_create_team(session, name=body.team)
            if created:
                record_audit(
                    session,
                    actor=None,
                    action="team.create",
                    target=f"team:{team.id}",
                    details={"name": team.name, "via": "cli"},
                )
        try:
            user = create_user(
                session,
                name=body.name,
                password_hash=password_hash,
                role=body.role,
                team=team,
            )
        except UserExistsError:
            raise CommandError(f"a user named {body.name!r} already exists") from None
        record_audit(
            session,
            actor=None,
            action="user.create",
            target=f"user:{user.id}",
            details={"name": user.name, "role": user.role.value, "team": user.team_name, "via": "cli"},
        )
        session.commit()
        team_text = f", team {user.team_name}" if user.team_name else ""
        print(f"created user {user.name!r} (id {user.id}, {user.role.value}{team_text})")
    return EXIT_OK
