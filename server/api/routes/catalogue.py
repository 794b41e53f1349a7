"""``/catalogue``: the disposition codes and not-ready reasons desktops offer.

* Every signed-in user reads it (``GET /catalogue``, ``?queue=`` for the codes offered in one queue:
  its own and those of every queue). Retired entries are listed too, with ``active: false``, so old
  dispositions and statuses still resolve; desktops offer only the active ones.
* Admins declare and redeclare entries with ``PUT`` (201 when new, 200 when changed); audited. Entries
  are never deleted: ``active: false`` retires one.
* Each change is pushed to every desktop's own feed (``/me/live``, ``{"kind": "catalogue"}``), which
  reads the catalogue again: the reasons and codes on screen follow without a restart.
* Reasons marked ``system`` (``shift_start``, ``phone_offline``: always, whatever is declared) are set
  by desktops themselves: no chooser offers them and no team lead may force them.
* ``shift_start`` (what desktops send on login) is added when the server starts if the database lacks
  it (``server.crud.catalogue.ensure_required_reasons``), and cannot be retired.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy.orm import Session

from app.wire.common import CatalogueCode, Code
from app.wire.dispositions import Catalogue, DispositionCode
from app.wire.requests import CATALOGUE_MESSAGE
from app.wire.statuses import NotReadyReason
from server.api.acting import invalid
from server.api.broadcast import EVERYONE
from server.api.context import get_context
from server.api.deps import AdminUser, AuditDep, CurrentUser, SessionDep, SettingsDep
from server.crud.catalogue import (
    REQUIRED_REASON_CODES,
    CatalogueFullError,
    code_out,
    list_codes,
    list_reasons,
    put_code,
    put_reason,
    reason_out,
)
from server.queues import QUEUE_NAMES

router = APIRouter(prefix="/catalogue", tags=["catalogue"])

_PUT_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "a new entry"},
    403: {"description": "admins only"},
    409: {"description": "the catalogue is full"},
}


def _announce(request: Request, session: Session) -> None:
    """Tell every desktop (``/me/live``) to read the catalogue again, once this change commits."""
    get_context(request).status_feed.publish_on_commit(session, CATALOGUE_MESSAGE, EVERYONE)


def _same_code(path_code: str, body_code: str) -> None:
    if body_code != path_code:
        msg = f"the code in the body ({body_code!r}) is not the one in the path ({path_code!r})"
        raise invalid("code", msg)


@router.get("")
def read_catalogue(
    _user: CurrentUser, session: SessionDep, settings: SettingsDep, queue: Code | None = None
) -> Catalogue:
    """Disposition codes (all, or those offered in ``queue``) and not-ready reasons, in display order,
    and whether calls are recorded (the default and per queue, from the server's configuration)."""
    return Catalogue(
        dispositions=[code_out(row) for row in list_codes(session, queue=queue)],
        reasons=[reason_out(row) for row in list_reasons(session)],
        queues=list(QUEUE_NAMES),
        recording=settings.recording_policy,
        recording_queues=settings.recording_policies(),
    )


@router.put("/dispositions/{code}", responses=_PUT_RESPONSES)
def put_disposition_code(
    *,
    code: CatalogueCode,
    body: DispositionCode,
    _admin: AdminUser,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
    response: Response,
) -> DispositionCode:
    """Declare a disposition code or change it (labels, category, flags, queue, hot key, active)."""
    _same_code(code, body.code)
    try:
        row, created = put_code(session, spec=body)
    except CatalogueFullError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    audit(
        "catalogue.disposition.create" if created else "catalogue.disposition.update",
        target=f"disposition_code:{row.code}",
        details=body.model_dump(mode="json", exclude={"label_en", "label_ru"}),
    )
    _announce(request, session)
    session.commit()
    get_context(request).codes.invalidate()  # this worker at once; the others on the announcement
    if created:
        response.status_code = status.HTTP_201_CREATED
    return code_out(row)


@router.put("/reasons/{code}", responses=_PUT_RESPONSES)
def put_not_ready_reason(
    *,
    code: CatalogueCode,
    body: NotReadyReason,
    _admin: AdminUser,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
    response: Response,
) -> NotReadyReason:
    """Declare a not-ready reason or change it (labels, routable, productive, time limit, approval,
    active). ``shift_start`` cannot be retired: every desktop sends it on login."""
    _same_code(code, body.code)
    if code in REQUIRED_REASON_CODES and not body.active:
        raise invalid("active", f"{code!r} cannot be retired: desktops send it on login")
    try:
        row, created = put_reason(session, spec=body)
    except CatalogueFullError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    audit(
        "catalogue.reason.create" if created else "catalogue.reason.update",
        target=f"not_ready_reason:{row.code}",
        details=body.model_dump(mode="json", exclude={"label_en", "label_ru"}),
    )
    _announce(request, session)
    session.commit()
    if created:
        response.status_code = status.HTTP_201_CREATED
    return reason_out(row)
