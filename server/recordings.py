"""Where recordings' audio lives: files outside the database, content-addressed, deleted after retention.

Layout under ``Settings.recordings_path()`` (a directory IT chooses, e.g. a mounted volume):

* ``ab/cd/<sha256>.ogg``: a stored recording, named by its SHA-256 (two levels of 256 directories keep
  each small). The same bytes uploaded twice are one file.
* ``incoming/<id>.part``: an upload in progress; ``recordings.received`` says how much of it counts.

Why the database's ``received`` and not the file's size: a chunk is written (and fsynced) before the
row is committed, so a crash between the two leaves the file longer than ``received``; the next chunk
is written at ``received`` and the file cut there, so the extra bytes never count.
"""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Recording, Role, User
from server.models.base import utcnow


class Store:
    """The recordings directory of one server."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def incoming(self, recording_id: int) -> Path:
        return self.root / "incoming" / f"{recording_id}.part"

    def stored(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / f"{sha256}.ogg"

    def write_chunk(self, recording_id: int, offset: int, data: bytes) -> None:
        """Write ``data`` at ``offset`` of the upload, cut anything after it, and make it durable."""
        path = self.incoming(recording_id)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.lseek(fd, offset, os.SEEK_SET)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.ftruncate(fd, offset + len(data))
            os.fsync(fd)
        finally:
            os.close(fd)

    def complete(self, recording_id: int, sha256: str) -> bool:
        """Check the whole upload's SHA-256; if it matches, move it to its content address."""
        path = self.incoming(recording_id)
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            path.unlink(missing_ok=True)
            return False
        target = self.stored(sha256)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.replace(path, target)  # same bytes already there: replaced by themselves
        return True

    def discard(self, sha256: str) -> None:
        self.stored(sha256).unlink(missing_ok=True)


def may_hear(session: Session, user: User, row: Recording) -> bool:
    """An operator their own calls, a team lead their team's and their own, an admin everyone."""
    if user.role is Role.ADMIN or row.operator_id == user.id:
        return True
    if user.role is Role.TEAM_LEAD and user.team_id is not None:
        operator = session.get(User, row.operator_id)
        return operator is not None and operator.team_id == user.team_id
    return False


def purge_expired(session: Session, store: Store, retention_days: int, now: datetime | None = None) -> int:
    """Delete the files of recordings stored more than ``retention_days`` ago (and abandoned uploads as
    old); their rows stay, marked purged, so the call's history and the plays still read. Commits."""
    moment = now or utcnow()
    cutoff = moment - timedelta(days=retention_days)
    expired = session.scalars(
        select(Recording).where(
            Recording.purged_at.is_(None),
            ((Recording.stored.is_(True)) & (Recording.stored_at < cutoff))
            | ((Recording.stored.is_(False)) & (Recording.created_at < cutoff)),
        )
    ).all()
    for row in expired:
        row.purged_at = moment
        if not row.stored:
            store.incoming(row.id).unlink(missing_ok=True)
    session.flush()
    for row in expired:
        if row.stored:
            still_used = session.scalar(
                select(Recording.id).where(Recording.sha256 == row.sha256, Recording.purged_at.is_(None))
            )
            if still_used is None:
                store.discard(row.sha256)
    session.commit()
    return len(expired)
