"""``ringdesk-server serve``: migrate the database, then run the HTTP server (uvicorn)."""

from __future__ import annotations

import argparse
import logging

from server.commands.common import EXIT_OK, SubParsers, add_config_arguments, load, open_database

log = logging.getLogger("ringdesk.server")


def register(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP server (applies migrations first)",
        description="Run the central server. Refuses a default or short secret key unless --dev.",
    )
    add_config_arguments(parser)
    parser.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8040)")
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    parser.add_argument(
        "--dev",
        action="store_true",
        default=None,
        help="development mode: accept a missing secret key and generate a random one for this run",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(args, serving=True, host=args.host, port=args.port, log_level=args.log_level, dev=args.dev)
    settings = loaded.settings

    import uvicorn

    from server.api.main import create_app
    from server.db import safe_url
    from server.logs import configure_logging, register_secret
    from server.migrate import current_revision

    register_secret(settings.secret_key.get_secret_value())
    configure_logging(settings.log_level)
    for note in loaded.notes:
        log.warning(note, extra={"event": "settings.note"})
    database = open_database(settings.database_url)
    log.info(
        "database ready",
        extra={
            "event": "db.ready",
            "database": safe_url(settings.database_url),
            "revision": current_revision(database.engine),
            "config_file": str(loaded.config_file) if loaded.config_file else None,
        },
    )
    database.dispose()
    api = create_app(settings)
    uvicorn.run(
        api,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        server_header=False,
    )
    return EXIT_OK
