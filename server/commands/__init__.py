"""``ringdesk-server`` subcommands, one module each. A module provides::

    def register(subparsers: SubParsers) -> None   # adds its parser, sets func=run
    def run(args: argparse.Namespace) -> int       # exit status

To add a command (``import-contacts`` goes here): write ``server/commands/<name>.py`` and append the
module to ``COMMANDS``. Heavy imports (FastAPI, SQLAlchemy) belong inside ``run`` so ``--help`` and
configuration errors stay fast.
"""

from server.commands import migrate, seed_demo, serve, user

COMMANDS = (
    serve,
    migrate,
    user,
    seed_demo,
    # import_contacts,  <- ringdesk-server import-contacts FILE.csv
)
