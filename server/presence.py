"""Which operators' desktops are alive, and what happens to one that falls silent (issue 14).

A desktop keeps ``/me/live`` open all shift. A desktop killed with ``kill -9`` (or cut off) used to stay
``ready`` on the server, so ``GET /routing/next`` kept offering it and no end was ever recorded. Now:

* while a desktop's connection is open, the server process that holds it refreshes the operator's
  ``desk_presence.seen_at`` every few seconds (:class:`Presence`, one ``UPDATE`` per process per beat),
  and sets it when the connection closes;
* every process sweeps every beat: an operator whose desk has been silent longer than
  ``desk_silence_seconds`` loses the row, and, unless their status is already ``offline`` (a normal
  end of shift) or ``connection_lost``, gets ``not_ready/connection_lost`` with the source
  ``system``, stored like any change (history, the team lead's board, the PBX queues). The row is
  deleted first and the change stored only when this process deleted it, so with several processes
  the change is recorded once;
* an operator with no row (a client that never opened ``/me/live``) is never swept.

A desktop that comes back reconnects, which makes a new row; the operator chooses again (the desk
says what the server recorded meanwhile).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from app.wire.statuses import CONNECTION_LOST, StatusSource
from server.api.context import AppContext
from server.api.status_events import store_change
from server.models import DeskPresence, OperatorCurrentStatus, OperatorStatus, User

log = logging.getLogger("ringdesk.server.presence")

MAX_BEAT_S = 2.0
"""The sweep and refresh period at most (shorter for a short silence: a third of it)."""


def _now() -> datetime:
    return datetime.now(UTC)


def mark_seen(session: Session, operator_ids: list[int], at: datetime) -> None:
    """Set ``seen_at`` for these operators (a row made where there is none); flushed, not committed."""
    if not operator_ids:
        return
    table = DeskPresence.__table__
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    statement = insert.values([{"operator_id": i, "seen_at": at} for i in operator_ids])
    session.execute(statement.on_conflict_do_update(index_elements=["operator_id"], set_={"seen_at": at}))


def sweep(context: AppContext, session: Session, *, now: datetime, silence: timedelta) -> list[str]:
    """Make every operator whose desk is silent longer than ``silence`` not routable (module notes);
    the names of those whose status was changed. Commits each operator's change on its own."""
    cutoff = now - silence
    silent = session.scalars(select(DeskPresence.operator_id).where(DeskPresence.seen_at < cutoff)).all()
    changed: list[str] = []
    for operator_id in silent:
        gone = session.execute(
            delete(DeskPresence).where(DeskPresence.operator_id == operator_id, DeskPresence.seen_at < cutoff)
        )
        if getattr(gone, "rowcount", 0) != 1:
            session.rollback()  # another process swept it, or the desk came back meanwhile
            continue
        current = session.get(OperatorCurrentStatus, operator_id)
        operator = session.get(User, operator_id)
        lost = current is None or (
            current.status is OperatorStatus.NOT_READY and current.reason_code == CONNECTION_LOST
        )
        if operator is None or lost or (current is not None and current.status is OperatorStatus.OFFLINE):
            session.commit()
            continue
        assert current is not None
        store_change(
            context,
            session,
            operator=operator,
            status=OperatorStatus.NOT_READY,
            reason=CONNECTION_LOST,
            at=max(now, current.since),
            source=StatusSource.SYSTEM,
            changed_by=None,
        )
        session.commit()
        log.warning(
            "desk silent: operator made not routable",
            extra={"event": "presence.lost", "operator": operator.name, "was": current.status.value},
        )
        changed.append(operator.name)
    return changed


class Presence:
    """This process's open desktop connections, and the task that refreshes and sweeps."""

    def __init__(self, context: AppContext) -> None:
        self._context = context
        self._open: collections.Counter[int] = collections.Counter()
        self._task: asyncio.Task[None] | None = None

    @property
    def silence(self) -> timedelta:
        return timedelta(seconds=self._context.settings.desk_silence_seconds)

    @property
    def beat_s(self) -> float:
        return min(MAX_BEAT_S, max(self.silence.total_seconds() / 3, 0.1))

    def opened(self, operator_id: int) -> None:
        """A desktop connected (runs in a thread: it writes)."""
        self._open[operator_id] += 1
        self._write([operator_id])

    def closed(self, operator_id: int) -> None:
        """A desktop's connection closed: its silence counts from now (runs in a thread)."""
        self._open[operator_id] -= 1
        if self._open[operator_id] <= 0:
            del self._open[operator_id]
        self._write([operator_id])

    async def start(self) -> None:
        if self.silence > timedelta(0):
            self._task = asyncio.create_task(self._run(), name="desk-presence")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.beat_s)
            try:
                await asyncio.to_thread(self.beat)
            except Exception:  # the database is down for a moment: the next beat tries again
                log.exception("desk presence beat failed", extra={"event": "presence.failed"})

    def beat(self) -> list[str]:
        """Refresh this process's open desks, then sweep the silent ones."""
        self._write(list(self._open))
        with self._context.database.sessions() as session:
            return sweep(self._context, session, now=_now(), silence=self.silence)

    def _write(self, operator_ids: list[int]) -> None:
        if not operator_ids or self.silence <= timedelta(0):
            return
        with self._context.database.sessions() as session:
            mark_seen(session, operator_ids, _now())
            session.commit()


def presence_of(conn: HTTPConnection) -> Presence | None:
    """The app's :class:`Presence` (``create_app`` puts it on ``app.state.presence``)."""
    presence = getattr(conn.app.state, "presence", None)
    return presence if isinstance(presence, Presence) else None
