"""``ringdesk-server serve``: migrate the database, then run the HTTP server (uvicorn).

``--workers N`` runs N uvicorn worker processes on one socket (uvicorn's supervisor restarts one that
dies). Each worker builds its own app from the settings this process loaded, handed down in the
environment variable :data:`server.api.main.SETTINGS_ENV` (the workers are spawned, not forked,
and the settings may have come from flags or a config file the workers would not see). Only
PostgreSQL takes several workers: the live status feed and the login throttle are shared through
the database there (``LISTEN/NOTIFY``, a table), while SQLite admits one writer at a time anyway.

On PostgreSQL the communication chains' worker runs beside them in processes of its own, one per
HTTP worker, at a lower CPU priority (``chain_worker_mode``, :mod:`server.chains.process`).
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
from typing import TYPE_CHECKING, Any

from server.commands.common import (
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    SubParsers,
    add_config_arguments,
    load,
    open_database,
)

if TYPE_CHECKING:
    from server.chains.process import ChainProcesses
    from server.settings import Settings

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
    parser.add_argument(
        "--workers",
        type=int,
        help="server processes (default 1); more than one needs PostgreSQL. About one per CPU core",
    )
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    parser.add_argument(
        "--dev",
        action="store_true",
        default=None,
        help="development mode: accept a missing secret key and generate a random one for this run",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = load(
        args,
        serving=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        dev=args.dev,
    )
    settings = loaded.settings
    from sqlalchemy.engine import make_url

    if settings.workers > 1 and make_url(settings.database_url).get_backend_name() != "postgresql":
        raise CommandError(
            f"--workers {settings.workers} needs PostgreSQL: SQLite takes one server process "
            "(one writer at a time, and the live status feed stays inside that process). "
            "Use --workers 1, or a postgresql+psycopg:// database",
            EXIT_USAGE,
        )

    import uvicorn

    from server.api.main import CHAINS_APART_ENV, SETTINGS_ENV, create_app, settings_for_workers
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
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "access_log": False,
        # No trusted proxy (the default): uvicorn ignores X-Forwarded-* altogether. (Its own default
        # would trust 127.0.0.1, or whatever FORWARDED_ALLOW_IPS says in the environment.)
        "proxy_headers": bool(settings.forwarded_allow_ips.strip()),
        "forwarded_allow_ips": settings.forwarded_allow_ips.strip() or None,
        "server_header": False,
        # longer than uvicorn's 5 s: a desk's screen pop after an idle spell reuses its connection
        # instead of opening a new one (Settings.keep_alive_seconds)
        "timeout_keep_alive": settings.keep_alive_seconds,
    }
    if settings.desk_silence_seconds > 0:
        # a desk cut off without closing its connection (a cable, a sleeping laptop) stops answering
        # pings: dropped within the silence, then swept like a killed one (server.presence)
        half = max(settings.desk_silence_seconds / 2, 1.0)
        options.update(ws_ping_interval=half, ws_ping_timeout=half)
    chains = _chain_processes(settings)
    try:
        if settings.workers == 1:
            uvicorn.run(create_app(settings, run_chains=chains is None), **options)
        else:
            os.environ[SETTINGS_ENV] = settings_for_workers(settings)
            if chains is not None:
                os.environ[CHAINS_APART_ENV] = "1"
            uvicorn.run(
                "server.api.main:app_from_environment", factory=True, workers=settings.workers, **options
            )
    finally:
        if chains is not None:
            chains.stop()
    return EXIT_OK


def _chain_processes(settings: Settings) -> ChainProcesses | None:
    """On PostgreSQL with ``chain_worker_mode = process``: the chain workers started in processes
    of their own, one per HTTP worker, at a lower CPU priority (:mod:`server.chains.process`);
    ``None``: each HTTP worker runs its own (SQLite, or ``inline``)."""
    from sqlalchemy.engine import make_url

    from server.api.main import SETTINGS_ENV, settings_for_workers
    from server.chains import process

    if (
        settings.chain_worker_mode != "process"
        or make_url(settings.database_url).get_backend_name() != "postgresql"
    ):
        return None
    assert process.SETTINGS_ENV == SETTINGS_ENV
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host

    def answering() -> bool:
        try:
            socket.create_connection((host, settings.port), timeout=1).close()
        except OSError:
            return False
        return True

    env = {**os.environ, SETTINGS_ENV: settings_for_workers(settings)}
    chains = process.ChainProcesses(settings.workers, env, ready=answering)
    chains.start()
    return chains
