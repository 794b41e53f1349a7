"""``ringdesk-server``: the central server's command line.

    ringdesk-server serve [--db URL] [--host H] [--port P] [--config FILE] [--dev]
    ringdesk-server migrate [--db URL]
    ringdesk-server user add NAME --role operator|team_lead|admin [--team T]
    ringdesk-server seed-demo [--password-stdin]
    ringdesk-server import-contacts FILE.csv [--report REPORT.csv]
    ringdesk-server webhook add|list|pause|resume|delete|deliveries|replay ...
    ringdesk-server chain lint|upload|list|show|disable|enable|runs|stop ...

Configuration precedence: flags > environment (RINGDESK_*) > config file > defaults (see
:mod:`server.settings`). Exit status: 0 ok, 1 the command failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import os
import sys

import app
from server.commands import COMMANDS
from server.commands.common import EXIT_FAILED, PROG, CommandError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="The central ringdesk server.")
    parser.add_argument("--version", action="version", version=f"{PROG} {app.__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except CommandError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head & co.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_FAILED
    return code
