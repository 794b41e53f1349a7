"""The floors the server benchmarks are measured beside: the least a FastAPI + SQLAlchemy app can do
for the same request on the same database, served by uvicorn the way ``ringdesk-server serve`` is.

* ``POST /dispositions``: the same body model (``app.wire.dispositions.DispositionIn``, so the same
  validation), one Core ``INSERT ... RETURNING id`` into the same ``dispositions`` table in a session,
  a commit, and a small JSON answer. No auth, no idempotency, no catalogue: the framework's and the
  driver's cost, which the real route is judged against.
* ``GET /contacts/lookup?phone=``: one raw SQL query by the E.164 number as given (no parsing of the
  number, no auth), the contact's row as JSON.

Run as ``uvicorn bench.floor_apps:app --factory`` with ``RINGDESK_FLOOR_DATABASE_URL`` set
(:class:`FloorServer` does that); the workers build their own app and engine.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import insert, text

from app.wire.dispositions import DispositionIn
from server.db import Database
from server.models import Disposition, utcnow
from tests.server.live import LiveServer

URL_ENV = "RINGDESK_FLOOR_DATABASE_URL"
OPERATOR_ENV = "RINGDESK_FLOOR_OPERATOR_ID"
LOOKUP_SQL = text(
    "SELECT c.id, c.name, c.city, c.segment FROM contacts c "
    "JOIN contact_phones p ON p.contact_id = c.id WHERE p.e164 = :e164"
)


def build(url: str, operator_id: int) -> FastAPI:
    database = Database.connect(url)
    api = FastAPI()
    api.state.database = database

    @api.post("/dispositions", status_code=201)
    def post_disposition(body: DispositionIn) -> dict[str, Any]:
        with database.sessions() as session:
            new_id = session.execute(
                insert(Disposition).returning(Disposition.id),
                {
                    "idempotency_key": uuid.uuid4(),
                    "request_hash": "",
                    "call_id": body.call_id,
                    "operator_id": operator_id,
                    "contact_id": body.contact_id,
                    "queue": body.queue,
                    "ring_at": body.ring_at,
                    "answer_at": body.answer_at,
                    "end_at": body.end_at,
                    "acw_end_at": body.acw_end_at,
                    "code": body.code,
                    "comment": body.comment,
                    "script_answers": {},
                    "received_at": utcnow(),
                },
            ).scalar_one()
            session.commit()
        return {"id": new_id, "call_id": body.call_id, "code": body.code}

    @api.get("/contacts/lookup")
    def lookup(phone: str) -> dict[str, Any]:
        with database.engine.connect() as conn:
            row = conn.execute(LOOKUP_SQL, {"e164": phone}).one_or_none()
        if row is None:
            raise HTTPException(404, "no contact has this number")
        return dict(row._mapping)

    @api.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return api


def app() -> FastAPI:
    """The uvicorn factory (each worker calls it)."""
    return build(os.environ[URL_ENV], int(os.environ.get(OPERATOR_ENV, "1")))


class FloorServer(LiveServer):
    """The floor app under uvicorn with ``workers`` workers, the options ``serve`` gives uvicorn
    (no access log, no server header, no proxy headers), on a port from ``tests.support.ports``."""

    start_timeout = 180.0

    def __init__(
        self,
        url: str,
        log_dir: Path,
        name: str,
        *,
        operator_id: int,
        workers: int = 1,
        target: str = "bench.floor_apps:app",
        factory: bool = True,
        lifespan: bool = True,
    ) -> None:
        log_path = log_dir / f"{name}.log"
        log_path.unlink(missing_ok=True)
        super().__init__(log_path, env={URL_ENV: url, OPERATOR_ENV: str(operator_id)})
        self.workers = workers
        #: what uvicorn serves (a factory or not; with a lifespan or not): this module's app, or
        #: one of ``bench.lookup_ladder``'s (the raw ASGI rungs have no lifespan)
        self.target = target
        self.factory = factory
        self.lifespan = lifespan

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            self.target,
            *(["--factory"] if self.factory else []),
            *([] if self.lifespan else ["--lifespan", "off"]),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-access-log",
            "--no-server-header",
            "--no-proxy-headers",
            "--log-level",
            "warning",
        ]


__all__ = ["FloorServer", "app", "build"]
