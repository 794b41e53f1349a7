"""Callers waiting in a generic PBX's queues, as it last reported them (``PUT /calls/waiting``,
``server.pbx.reported``): one row per source and queue, replaced by every snapshot.

Kept in the database, not in a process's memory like the adapters' books (``server.pbx.waiting``):
an adapter's AMI/ESL connection is opened by every worker, which then hears every event itself, but
a snapshot posted over HTTP reaches one worker of ``serve --workers N``; the row makes it every
worker's. Only what the live figures need is stored: how many wait and when the longest waiting of
them joined (the server's clock at the snapshot less the PBX's wait), so the longest wait is computed
at each read and moves on between snapshots.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.wire.common import CODE_MAX
from server.models.base import Base, UTCDateTime

SOURCE_MAX = 64


class PbxWaiting(Base):
    __tablename__ = "pbx_waiting"

    source: Mapped[str] = mapped_column(String(SOURCE_MAX), primary_key=True)
    """The source's name (``source_keys``): two PBXs feeding one queue are added up."""
    queue: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    waiting: Mapped[int] = mapped_column(Integer)
    oldest_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    """When the caller waiting longest joined (``None``: nobody waits)."""
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The snapshot's arrival: older than ``pbx_waiting_stale_seconds`` reads unknown."""
