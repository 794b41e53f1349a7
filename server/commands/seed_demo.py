"""``ringdesk-server seed-demo``: demo users, disposition codes and not-ready reasons (RU/EN)."""

from __future__ import annotations

import argparse

from server.commands.common import (
    EXIT_OK,
    SubParsers,
    add_config_arguments,
    command_session,
    load,
    read_password,
)


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "seed-demo",
        help="add demo users and catalogues",
        description="Add demo teams, users, disposition codes, not-ready reasons, contacts and call scripts "
        "(missing ones only). "
        "New users get random passwords, printed once, unless --password-stdin gives one for all.",
    )
    add_config_arguments(parser)
    parser.add_argument(
        "--password-stdin", action="store_true", help="read one password for every new demo user from stdin"
    )
    parser.add_argument(
        "--team-size",
        type=int,
        default=0,
        metavar="N",
        help="also N operators in the lead's team, with the --password-stdin password (ringdesk demo --lead)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load(args).settings
    password = read_password(confirm=False) if args.password_stdin else None

    from server.seed import seed_demo, seed_demo_team
    from server.seed_content import seed_demo_content

    with command_session(settings.database_url) as session:
        seeded = seed_demo(session, settings, password=password)
        content = seed_demo_content(session)
        if args.team_size > 0:
            if password is None:
                raise SystemExit("--team-size needs --password-stdin (the demo logs the team in)")
            seed_demo_team(session, settings, args.team_size, password)
        session.commit()
    for user in seeded:
        team = user.team or "-"
        shown = (
            "(exists, unchanged)"
            if user.password is None
            else ("(password from stdin)" if password else f"password: {user.password}")
        )
        print(f"{user.name:<10} {user.role.value:<10} {team:<8} {shown}")
    print("disposition codes and not-ready reasons: present")
    print(
        f"demo content added: {content['contacts']} contacts, {content['fields']} custom fields, "
        f"{content['scripts']} call scripts, {content['past calls']} past calls"
    )
    return EXIT_OK
