"""``ringdesk-server`` subcommands, one module each. A module provides::

    def register(subparsers: SubParsers) -> None   # adds its parser, sets func=run
    def run(args: argparse.Namespace) -> int       # exit status

To add a command: write ``server/commands/<name>.py`` and append the
module to ``COMMANDS``. Heavy imports (FastAPI, SQLAlchemy) belong inside ``run`` so ``--help`` and
configuration errors stay fast.
"""

from server.commands import chain, import_contacts, migrate, reports, seed_demo, serve, user, webhook

COMMANDS = (
    serve,
    migrate,
    user,
    seed_demo,
    import_contacts,
    reports,
    webhook,
    chain,
)
