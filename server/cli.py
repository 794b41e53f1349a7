"""``ringdesk-server``: run the central server.

So far it serves its health check only; contacts, dispositions, statuses and users arrive with the
server issue. The command exists now so installers and service units have a stable entry point.
"""

from __future__ import annotations

import argparse
import sys

import app


def build_app() -> object:
    from fastapi import FastAPI

    api = FastAPI(title="ringdesk server", version=app.__version__)

    @api.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": app.__version__}

    return api


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ringdesk-server", description="The central ringdesk server.")
    parser.add_argument("--version", action="version", version=f"ringdesk-server {app.__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8040)
    args = parser.parse_args(argv)
    if args.command == "serve":
        try:
            import uvicorn
        except ImportError:
            print("ringdesk-server needs the server extra: pip install 'ringdesk[server]'", file=sys.stderr)
            return 2
        uvicorn.run(build_app(), host=args.host, port=args.port)  # type: ignore[arg-type]
    return 0
