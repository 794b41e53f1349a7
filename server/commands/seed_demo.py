"""``ringdesk-server seed-demo``: demo users, disposition codes and not-ready reasons (RU/EN); with
``--calls-today`` also today's calls so far (``server.seed_today``)."""

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
    parser.add_argument(
        "--calls-today",
        action="store_true",
        help="also today's calls (answered, missed, non-target) so far, answered by the lead's team, "
        "for the Team window's dashboard (ringdesk demo --lead)",
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
        today = 0
        if args.calls_today:
            from server.seed import demo_team_names
            from server.seed_today import seed_demo_today

            # operator1 is the one a person (or a test) drives: their figures stay their own
            answering = ["operator2", *demo_team_names(args.team_size)]
            today = seed_demo_today(session, settings, operators=answering)
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
    if args.calls_today:
        print(f"today's calls added: {today}")
    return EXIT_OK
