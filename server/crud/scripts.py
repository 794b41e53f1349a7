"""Call scripts: versions stored once and never changed, summaries of the latest versions, and the
choice of the script a call opens.

A script's current targeting (queue, segment) is that of its latest active version: an older version
that named another queue no longer applies there. :func:`select_script` ranks the latest versions that
fit a call, most specific first::

    queue and segment  >  queue only  >  segment only  >  neither (the default)

and among equals takes the most recently stored, then the smallest id (so the answer is stable).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.wire.scripts import ScriptDocument, ScriptSummary
from server.models import Script, User


def get_script(session: Session, *, script_id: str, version: int) -> Script | None:
    return session.get(Script, (script_id, version))


def same_content(row: Script, spec: ScriptDocument) -> bool:
    """Whether ``spec`` is what ``row`` holds (``created_at`` aside): a re-upload, not an edit."""
    return (row.name, row.queue, row.segment, row.document) == (
        spec.name,
        spec.queue,
        spec.segment,
        spec.body,
    )


def add_script(session: Session, *, spec: ScriptDocument, created_by: User) -> Script:
    """Store a new version (flushed: an ``(id, version)`` already stored raises ``IntegrityError``)."""
    row = Script(
        id=spec.id,
        version=spec.version,
        name=spec.name,
        queue=spec.queue,
        segment=spec.segment,
        document=spec.body,
        created_by_id=created_by.id,
    )
    session.add(row)
    session.flush()
    return row


def _latest() -> Select[Script]:
    """The latest active version of every script."""
    newest = (
        select(Script.id, func.max(Script.version).label("version"))
        .where(Script.active.is_(True))
        .group_by(Script.id)
        .subquery()
    )
    return select(Script).join(newest, and_(Script.id == newest.c.id, Script.version == newest.c.version))


def list_latest(session: Session) -> Sequence[Script]:
    return session.scalars(_latest().order_by(Script.id)).all()


def select_script(session: Session, *, queue: str | None, segment: str | None) -> Script | None:
    """The script a call in ``queue`` for a contact of ``segment`` opens (see the module notes);
    ``None`` when nothing fits, not even a default."""
    fits_queue = (
        Script.queue.is_(None) if queue is None else or_(Script.queue.is_(None), Script.queue == queue)
    )
    fits_segment = (
        Script.segment.is_(None)
        if segment is None
        else or_(Script.segment.is_(None), Script.segment == segment)
    )
    query = (
        _latest()
        .where(fits_queue, fits_segment)
        .order_by(
            Script.queue.is_(None),  # false (a queue named) sorts first
            Script.segment.is_(None),
            Script.created_at.desc(),
            Script.id,
        )
        .limit(1)
    )
    return session.scalars(query).first()


def summary_out(row: Script) -> ScriptSummary:
    return ScriptSummary(id=row.id, version=row.version, name=row.name, queue=row.queue, segment=row.segment)


def document_out(row: Script) -> ScriptDocument:
    return ScriptDocument(
        id=row.id,
        version=row.version,
        name=row.name,
        queue=row.queue,
        segment=row.segment,
        body=row.document,
        created_at=row.created_at,
    )
