"""``/thresholds``: the board's colour thresholds for time in a status (``app.wire.statuses.Threshold``).

Everyone who watches a board reads them (``GET``; they also come in each ``BoardRow``); admins set
(``PUT /thresholds/{key}``) and remove them (``DELETE``), audited. A key is a not-ready reason code
(``break``) or a status without one (``acw``, ``on_call``).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from app.wire.common import CatalogueCode
from app.wire.statuses import Threshold
from server.api.acting import invalid
from server.api.deps import AdminUser, AuditDep, LeadOrAdmin, SessionDep
from server.models import BoardThreshold

router = APIRouter(prefix="/thresholds", tags=["thresholds"])


@router.get("")
def read_thresholds(_user: LeadOrAdmin, session: SessionDep) -> list[Threshold]:
    rows = session.scalars(select(BoardThreshold).order_by(BoardThreshold.key))
    return [Threshold(key=r.key, amber_minutes=r.amber_minutes, red_minutes=r.red_minutes) for r in rows]


@router.put("/{key}")
def put_threshold(
    key: CatalogueCode, body: Threshold, _admin: AdminUser, session: SessionDep, audit: AuditDep
) -> Threshold:
    if body.key != key:
        raise invalid("key", "the key in the path and the body differ")
    row = session.get(BoardThreshold, key)
    if row is None:
        row = BoardThreshold(key=key, amber_minutes=body.amber_minutes, red_minutes=body.red_minutes)
        session.add(row)
    else:
        row.amber_minutes, row.red_minutes = body.amber_minutes, body.red_minutes
    audit("threshold.put", target=f"threshold:{key}", details=body.model_dump())
    session.commit()
    return body


@router.delete("/{key}", status_code=status.HTTP_204_NO_CONTENT)
def delete_threshold(key: CatalogueCode, _admin: AdminUser, session: SessionDep, audit: AuditDep) -> None:
    row = session.get(BoardThreshold, key)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no threshold for {key!r}")
    session.delete(row)
    audit("threshold.delete", target=f"threshold:{key}")
    session.commit()
