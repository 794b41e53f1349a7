"""The disposition catalogue and the not-ready reasons: read, declare, and the rows every install has.

Rows are never deleted (dispositions and status changes point at their codes): ``active=False``
retires one. A new entry goes last (``position``); redeclaring keeps its place.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.wire import dispositions as wire_d
from app.wire import statuses as wire_s
from server.db import Database
from server.models import DispositionCode, NotReadyReason

log = logging.getLogger("ringdesk.server.catalogue")

#: The most entries each list may hold: what ``app.wire.dispositions.Catalogue`` accepts.
MAX_CODES = 1000
MAX_REASONS = 200
_Entry = TypeVar("_Entry", DispositionCode, NotReadyReason)

REQUIRED_REASONS: tuple[wire_s.NotReadyReason, ...] = (
    wire_s.NotReadyReason(
        code=wire_s.SHIFT_START,
        label_en="Shift start",
        label_ru="Начало смены",
        max_minutes=15,
        system=True,
    ),
    wire_s.NotReadyReason(
        code=wire_s.CONNECTION_LOST,
        label_en="Connection lost",
        label_ru="Связь потеряна",
        system=True,
    ),
)
"""Reasons every catalogue has: desktops send ``shift_start`` on login; the server records
``connection_lost`` for a desktop that fell silent (``server.presence``)."""
REQUIRED_REASON_CODES = frozenset(reason.code for reason in REQUIRED_REASONS)


class CatalogueFullError(Exception):
    """The list already holds as many entries as the wire allows."""


def code_out(row: DispositionCode) -> wire_d.DispositionCode:
    return wire_d.DispositionCode(
        code=row.code,
        label_en=row.label_en,
        label_ru=row.label_ru,
        category=row.category,
        comment_required=row.comment_required,
        callback_required=row.callback_required,
        queue=row.queue,
        hotkey=row.hotkey,
        active=row.active,
    )


def reason_out(row: NotReadyReason) -> wire_s.NotReadyReason:
    return wire_s.NotReadyReason(
        code=row.code,
        label_en=row.label_en,
        label_ru=row.label_ru,
        routable=row.routable,
        productive=row.productive,
        max_minutes=row.max_minutes,
        needs_approval=row.needs_approval,
        active=row.active,
        system=row.system,
    )


def list_codes(session: Session, *, queue: str | None = None) -> Sequence[DispositionCode]:
    """Disposition codes in display order; with ``queue``, those offered there (its own and the
    codes of every queue)."""
    query = select(DispositionCode).order_by(DispositionCode.position, DispositionCode.code)
    if queue is not None:
        query = query.where(or_(DispositionCode.queue.is_(None), DispositionCode.queue == queue))
    return session.scalars(query).all()


def load_codes(session: Session) -> dict[str, wire_d.DispositionCode]:
    """Every disposition code by code, as the wire has them (what ``CodeCache`` holds)."""
    return {row.code: code_out(row) for row in session.scalars(select(DispositionCode))}


def list_reasons(session: Session) -> Sequence[NotReadyReason]:
    return session.scalars(
        select(NotReadyReason).order_by(NotReadyReason.position, NotReadyReason.code)
    ).all()


def get_code(session: Session, *, code: str) -> DispositionCode | None:
    return session.scalars(select(DispositionCode).where(DispositionCode.code == code)).one_or_none()


def get_codes(session: Session, *, codes: set[str]) -> dict[str, DispositionCode]:
    """The entries of ``codes`` that exist, in one query (a batch's distinct codes)."""
    if not codes:
        return {}
    return {
        row.code: row
        for row in session.scalars(select(DispositionCode).where(DispositionCode.code.in_(codes)))
    }


def get_reason(session: Session, *, code: str) -> NotReadyReason | None:
    return session.scalars(select(NotReadyReason).where(NotReadyReason.code == code)).one_or_none()


_CODE_FIELDS = (
    "label_en",
    "label_ru",
    "category",
    "comment_required",
    "callback_required",
    "queue",
    "hotkey",
    "active",
)
_REASON_FIELDS = (
    "label_en",
    "label_ru",
    "routable",
    "productive",
    "max_minutes",
    "needs_approval",
    "active",
    "system",
)


def put_code(session: Session, *, spec: wire_d.DispositionCode) -> tuple[DispositionCode, bool]:
    """Declare or redeclare a disposition code; the flag says whether it is new.
    :class:`CatalogueFullError` when a new one would not fit the catalogue."""
    return _put(
        session, DispositionCode, spec, fields=_CODE_FIELDS, limit=MAX_CODES, what="disposition codes"
    )


def put_reason(session: Session, *, spec: wire_s.NotReadyReason) -> tuple[NotReadyReason, bool]:
    """Declare or redeclare a not-ready reason; the flag says whether it is new.
    :class:`CatalogueFullError` when a new one would not fit the catalogue. The reasons desktops
    set by themselves (``app.wire.statuses.SYSTEM_REASONS``) stay ``system`` whatever is declared."""
    if spec.code in wire_s.SYSTEM_REASONS and not spec.system:
        spec = spec.model_copy(update={"system": True})
    return _put(
        session, NotReadyReason, spec, fields=_REASON_FIELDS, limit=MAX_REASONS, what="not-ready reasons"
    )


def _put(
    session: Session,
    model: type[_Entry],
    spec: wire_d.DispositionCode | wire_s.NotReadyReason,
    *,
    fields: Sequence[str],
    limit: int,
    what: str,
) -> tuple[_Entry, bool]:
    """One catalogue entry by code: created at the end of the list (while it fits), then updated."""
    row = session.scalars(select(model).where(model.code == spec.code)).one_or_none()
    created = row is None
    if row is None:
        count, last = session.execute(select(func.count(), func.max(model.position)).select_from(model)).one()
        if count >= limit:
            raise CatalogueFullError(f"the catalogue already holds {limit} {what}")
        row = model(code=spec.code, position=(last + 1) if last is not None else 0)
        session.add(row)
    for name in fields:
        setattr(row, name, getattr(spec, name))
    session.flush()
    return row, created


def ensure_required_reasons(database: Database) -> list[str]:
    """Add the :data:`REQUIRED_REASONS` a database lacks (run when the server starts); the codes
    added. Existing rows are left as the admin declared them. Two servers starting at once: the
    loser's insert hits the unique code, which is the outcome wanted."""
    added: list[str] = []
    with database.session() as session:
        present = set(
            session.scalars(select(NotReadyReason.code).where(NotReadyReason.code.in_(REQUIRED_REASON_CODES)))
        )
        try:
            for spec in REQUIRED_REASONS:
                if spec.code not in present:
                    put_reason(session, spec=spec)
                    added.append(spec.code)
            session.commit()
        except IntegrityError:
            session.rollback()
            return []
    if added:
        log.info("catalogue: added required reasons", extra={"event": "catalogue.defaults", "codes": added})
    return added
