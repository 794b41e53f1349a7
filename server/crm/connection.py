"""The CRM connection: stored in ``crm_connections`` (``ringdesk-server crm bitrix24 set``), read by
every server process, and the adapter built from it.

Each process keeps whether a CRM is configured in memory (:func:`configured`), like the webhook
endpoints (``server.webhooks.events``): the write paths' hooks cost no query while no CRM is set up.
The CRM worker re-reads the row every ``crm_poll_seconds``; a command-line change is seen by a
running server within that poll.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.crm.bitrix24 import NAME as BITRIX24
from server.crm.bitrix24 import Bitrix24, Bitrix24Config, masked, parse_url
from server.crm.contract import CrmAdapter
from server.db import engine_key
from server.logs import register_secret
from server.models import CrmConnection
from server.settings import Settings

KINDS = (BITRIX24,)
STALE_AFTER = 30.0


@dataclass(frozen=True)
class Connection:
    """The configured CRM: its kind, its adapter's settings and ringdesk's own options for it."""

    kind: str
    bitrix24: Bitrix24Config
    recording_url: str = ""
    """A template for the link sent with a call's recording: ``{id}`` is the recording's id,
    ``{call_id}`` the call's (``https://ringdesk.example.ru/recordings/{id}/audio``). Empty: none sent."""

    def recording_link(self, recording_id: int | None, call_id: str) -> str | None:
        if not self.recording_url or recording_id is None:
            return None
        return self.recording_url.replace("{id}", str(recording_id)).replace("{call_id}", call_id)

    def describe(self) -> dict[str, Any]:
        """What ``crm status`` shows: everything, the token masked."""
        config = asdict(self.bitrix24)
        config["url"] = masked(self.bitrix24.url)
        return {"kind": self.kind, **config, "recording_url": self.recording_url}


def _of(row: CrmConnection) -> Connection:
    config = dict(row.config)
    recording_url = str(config.pop("recording_url", "") or "")
    bitrix = Bitrix24Config(
        url=str(config["url"]),
        default_user=int(config.get("default_user", 1)),
        users={str(k): int(v) for k, v in (config.get("users") or {}).items()},
        crm_create=bool(config.get("crm_create", False)),
    )
    return Connection(kind=row.kind, bitrix24=bitrix, recording_url=recording_url)


def read(session: Session) -> Connection | None:
    """The configured CRM, read now (the process's memory is refreshed with it)."""
    row = session.scalars(select(CrmConnection).order_by(CrmConnection.id).limit(1)).first()
    connection = _of(row) if row is not None else None
    _known[_key(session)] = (time.monotonic(), connection)
    if connection is not None:
        register_secret(connection.bitrix24.url)
    return connection


def save(session: Session, connection: Connection) -> None:
    """Store ``connection`` (replacing any other CRM: one at a time); flushed."""
    parse_url(connection.bitrix24.url)
    config: dict[str, Any] = {**asdict(connection.bitrix24), "recording_url": connection.recording_url}
    config["url"] = parse_url(connection.bitrix24.url)
    rows = session.scalars(select(CrmConnection)).all()
    row = next((r for r in rows if r.kind == connection.kind), None)
    for other in rows:
        if other is not row:
            session.delete(other)
    if row is None:
        session.add(CrmConnection(kind=connection.kind, config=config))
    else:
        row.config = config
    session.flush()
    _known.pop(_key(session), None)


def remove(session: Session) -> bool:
    rows = session.scalars(select(CrmConnection)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    _known.pop(_key(session), None)
    return bool(rows)


_known: dict[str, tuple[float, Connection | None]] = {}


def configured(session: Session) -> Connection | None:
    """The process's idea of the configured CRM (read again when older than :data:`STALE_AFTER`)."""
    known = _known.get(_key(session))
    if known is not None and time.monotonic() - known[0] < STALE_AFTER:
        return known[1]
    return read(session)


def _key(session: Session) -> str:
    return engine_key(session)


def adapter_for(connection: Connection, settings: Settings) -> CrmAdapter:
    """The adapter for ``connection`` with the server's rate and timeout."""
    return Bitrix24(
        connection.bitrix24, rate=settings.crm_rate_per_second, timeout=settings.crm_timeout_seconds
    )
