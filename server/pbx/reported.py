"""Callers waiting in the queues of a PBX that has no adapter (no AMI, no ESL): it reports them itself
with ``PUT /calls/waiting`` (:class:`~app.wire.calls.WaitingSnapshotIn`), as it reports its calls with
``POST /calls/outcomes``; the live report adds them to the adapters' (``server.pbx.waiting``).

* **Snapshots, not join/leave events.** Each names a queue's callers waiting now with how long each
  has waited, and replaces what the source said of that queue before. A lost or repeated snapshot is
  mended by the next one; a lost "leave" event would leave a ghost caller until something else
  cleaned it up. A PBX that can send events posts its queue's snapshot on each instead.
* **Ageing out.** A queue's snapshot older than ``pbx_waiting_stale_seconds`` (60 s) reads *unknown*
  (``waiting`` ``None``), as an adapter's queues do while its connection is down: a PBX that stops
  reporting never shows its last callers waiting for ever, nor a reassuring 0. A snapshot not
  renewed for a day is forgotten (the queue's row goes; :data:`FORGOTTEN`).
* **Waits, not times of day.** The PBX says how long each caller has waited; the server stores when
  the longest-waiting one joined by its own clock (its ``now`` less that wait), so the two clocks
  need not agree and the longest wait is computed at each read.
* **Shared by the workers** through the database (``server.models.pbx_waiting``): a snapshot reaches
  one worker of ``serve --workers N``, every worker answers the dashboard. When a queue's count
  changes (or it comes back from stale), the team boards that asked for queue changes are told
  through the relay, in every worker.

Figures of two sources for one queue (two PBXs, or a PBX beside an adapter) are added up: callers
waiting summed, the longest wait the longest of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.wire.calls import WaitingSnapshotIn
from server.models import PbxWaiting
from server.pbx.waiting import QueueWaiting

FORGOTTEN = timedelta(days=1)
"""A source's queue not reported for this long is forgotten, not shown as unknown any longer."""


@dataclass(frozen=True)
class Reported:
    """What the generic PBXs say now: per queue, its figures (``None`` waiting: stale)."""

    queues: dict[str, QueueWaiting]
    configured: bool
    """Some source reported a queue within :data:`FORGOTTEN`."""
    connected: bool
    """Some source's snapshot is fresh."""


def store(session: Session, snapshot: WaitingSnapshotIn, *, source: str, now: datetime, stale: float) -> bool:
    """Replace ``source``'s figures for the queues ``snapshot`` names (module notes); flushed, not
    committed. Whether a board should read again: a queue's count changed, or it is new or was stale."""
    names = [queue.queue for queue in snapshot.queues]
    before = {
        row.queue: row
        for row in session.scalars(
            select(PbxWaiting).where(PbxWaiting.source == source, PbxWaiting.queue.in_(names))
        )
    }
    fresh_since = now - timedelta(seconds=stale)
    changed = False
    rows = []
    for queue in snapshot.queues:
        waits = [caller.waited_seconds for caller in queue.callers]
        oldest = now - timedelta(seconds=max(waits)) if waits else None
        rows.append(
            {
                "source": source,
                "queue": queue.queue,
                "waiting": len(waits),
                "oldest_joined_at": oldest,
                "reported_at": now,
            }
        )
        old = before.get(queue.queue)
        changed = changed or old is None or old.waiting != len(waits) or old.reported_at < fresh_since
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(PbxWaiting).values(rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["source", "queue"],
            set_={
                "waiting": statement.excluded.waiting,
                "oldest_joined_at": statement.excluded.oldest_joined_at,
                "reported_at": statement.excluded.reported_at,
            },
        )
    )
    session.execute(delete(PbxWaiting).where(PbxWaiting.reported_at < now - FORGOTTEN))
    session.flush()
    return changed


def read(session: Session, *, now: datetime, stale: float) -> Reported:
    """Every source's queues now, added up per queue (module notes)."""
    fresh_since = now - timedelta(seconds=stale)
    counts: dict[str, int] = {}
    oldest: dict[str, datetime] = {}
    unknown: set[str] = set()
    row = PbxWaiting
    rows = session.execute(
        select(row.queue, row.waiting, row.oldest_joined_at, row.reported_at).where(
            row.reported_at >= now - FORGOTTEN
        )
    )
    for queue, waiting, joined, reported_at in rows:
        if reported_at < fresh_since:
            unknown.add(queue)
            continue
        counts[queue] = counts.get(queue, 0) + waiting
        if joined is not None and (queue not in oldest or joined < oldest[queue]):
            oldest[queue] = joined
    queues = {queue: QueueWaiting(None, None) for queue in unknown - set(counts)}
    for queue, count in counts.items():
        longest = max(0.0, (now - oldest[queue]).total_seconds()) if queue in oldest else 0.0
        queues[queue] = QueueWaiting(count, round(longest, 1))
    return Reported(queues, configured=bool(counts or unknown), connected=bool(counts))


def combined(*parts: dict[str, QueueWaiting]) -> dict[str, QueueWaiting]:
    """Per queue, the figures of several sources added up; unknown only where no source knows."""
    out: dict[str, QueueWaiting] = {}
    for part in parts:
        for queue, figures in part.items():
            have = out.get(queue)
            if have is None or have.waiting is None:
                out[queue] = figures if figures.waiting is not None or have is None else have
            elif figures.waiting is not None:
                out[queue] = QueueWaiting(
                    have.waiting + figures.waiting,
                    max(have.longest_wait_seconds or 0.0, figures.longest_wait_seconds or 0.0),
                )
    return out
