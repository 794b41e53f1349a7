"""``/dispositions``: how each call ended, posted by the operator's desktop, exactly once per call.

* ``POST /dispositions`` needs an ``Idempotency-Key`` header holding the client's UUID (400 when it is
  missing or not a UUID). The key is stored with the disposition and is unique forever: desktops
  may replay a disposition after days offline.
* A replay (same key, same body) returns the first result: the same status (**201**), the same body
  (same ``id`` and ``received_at``) and ``Location``, plus ``Idempotent-Replayed: true``. A client can
  treat every 201 as "stored" without telling first sends from retries. The replay is answered before
  the catalogue is consulted, so a code retired meanwhile does not turn a stored disposition into an
  error. Two requests with one key at the same time store one row: the loser of the race answers as a
  replay (``INSERT ... ON CONFLICT DO NOTHING``: no separate look-up on the way in).
* ``POST /dispositions/batch`` (``disposition_batch``) stores up to 500 at once, each with its own key
  and its own result, by the same rules.
* The same key with a different body is 422 (the key was used for another disposition). Bodies are
  compared after validation (canonical JSON, times in UTC), so re-serialising is not a difference.
* A refused request (400, 403, 422) stores nothing and so does not use up its key.
* The call may not have rung more than ``record_max_age_days`` ago (422); one arriving late is
  noted for admins (``server.api.lateness``).
* The code must be in the catalogue, offered in the disposition's queue and active, and the body must
  meet its flags (comment required, callback time required): ``app.wire.dispositions.check_disposition``.
* Operators post their own dispositions only (``operator`` is their login); team leads post for
  themselves and their team; admins for anyone. Team-lead and admin posts are audited.
* ``GET /dispositions/{id}`` (the ``Location`` of a post) reads one back in full: its operator,
  their team (colleagues and team lead) and admins; 404 for anyone else. The same rule decides what
  a contact's history shows in full (``server.api.disclosure``).
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session

from app.wire.dispositions import DISPOSITION_BODY_MAX, DispositionIn, DispositionOut, check_disposition
from server.api.acting import REPLAYED_HEADER, acting_for, invalid
from server.api.acting import idempotency_key as idempotency_key_of
from server.api.caches import Person, Principal
from server.api.context import AppContext, get_context
from server.api.deps import Audit, CurrentUser, SessionDep, client_address
from server.api.disclosure import sees_in_full
from server.api.lateness import disposition_time, disposition_too_old, note_if_late
from server.api.principal import check_still, principal_of, read_principal
from server.api.schemas.common import BigIdPath
from server.chains import trigger as chain_trigger
from server.crm import outbox as crm_outbox
from server.crud.catalogue import code_out, get_code, load_codes
from server.crud.dispositions import (
    disposition_out,
    disposition_values,
    get_by_key,
    guarded_insert,
    operator_name,
    request_hash,
    store_new,
)
from server.crud.tasks import callback_from_disposition
from server.models import Contact, Disposition, DispositionCode, Role, User
from server.reports import maintain as reports
from server.reports import new_disposition
from server.settings import Settings
from server.webhooks import events as webhook_events

router = APIRouter(prefix="/dispositions", tags=["dispositions"])

_AUDITED = frozenset({Role.TEAM_LEAD, Role.ADMIN})


def _answer(
    session: Session, row: Disposition, body_hash: str, response: Response, replay: bool
) -> DispositionOut:
    if row.request_hash != body_hash:
        raise invalid(
            "idempotency_key",
            "this Idempotency-Key was already used for a different disposition: use a new key",
        )
    response.headers["Location"] = f"/dispositions/{row.id}"
    if replay:
        response.headers[REPLAYED_HEADER] = "true"
    return disposition_out(row, operator_name(session, user_id=row.operator_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"description": "stored, or stored before (a replay: `Idempotent-Replayed: true`)"},
        400: {"description": "Idempotency-Key missing or not a UUID"},
        403: {"description": "not your disposition (or not your team's)"},
        422: {"description": "invalid, against the catalogue, or the key was used for another body"},
    },
    max_body_size=DISPOSITION_BODY_MAX,
    openapi_extra={"security": [{"HTTPBearer": []}]},  # the caller comes from principal_of: no scheme
)
async def post_disposition(
    *,
    body: DispositionIn,
    principal: Annotated[Principal, Depends(principal_of)],
    request: Request,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(description="the client's UUID for this disposition")
    ] = None,
) -> DispositionOut:
    """Store one disposition (see the module notes on replays).

    One dependency, not three: the caller from ``principal_of`` (``CurrentPrincipal`` without its
    bearer sub-dependency; still resolved before the body is judged, so a stranger gets 401, not
    422) and the database slot taken here, not by ``DatabaseSlot``. FastAPI's resolution of the
    three cost a fifth of a post's CPU (docs/performance.md). Then the whole request is
    :func:`_store`, in one thread-pool hop, holding the slot."""
    return await get_context(request).admission.run(
        _store,
        body=body,
        principal=principal,
        request=request,
        response=response,
        idempotency_key=idempotency_key,
    )


def _store(
    *,
    body: DispositionIn,
    principal: Principal,
    request: Request,
    response: Response,
    idempotency_key: str | None,
) -> DispositionOut:
    """One transaction. The fast path checks the body against the cached catalogue and the cached
    caller, and stores it with one guarded ``INSERT`` that re-checks both in the database
    (``crud.dispositions.guarded_insert``) and, on PostgreSQL, keeps the report rollups in the same
    statement, then a COMMIT: two statements, as the floor's (SQLite: the rollups in three more,
    ``server.reports.new_disposition.add_new_disposition``). Anything unusual (a replay, a refusal, a cache
    gone stale) takes the slow path, which reads what it needs fresh."""
    key = idempotency_key_of(idempotency_key, required_for="disposition")
    assert key is not None
    context = get_context(request)
    settings = context.settings
    with context.database.sessions() as session:
        operator = acting_for(
            session,
            principal,
            body.operator,
            own_only="operators post their own dispositions only",
            team_only="team leads post dispositions for their own team only",
        )
        body_hash = request_hash(body)
        values = disposition_values(key=key, body=body, operator_id=operator.id, body_hash=body_hash)
        too_old = disposition_too_old(settings, body)
        code = context.codes.get(body.code, lambda: load_codes(session))
        new_id: int | None = None
        rollups: dict[str, Any] | None = None
        if too_old is None and code is not None and not check_disposition(body, code):
            if context.database.engine.dialect.name == "postgresql":  # the rollups in the INSERT
                rollups = new_disposition.new_disposition_params(
                    values, category=code.category, team_id=operator.team_id
                )
            new_id = guarded_insert(
                session,
                values,
                code=code,
                caller_id=principal.id,
                caller_role=principal.role,
                caller_team_id=principal.team_id,
                rollups=rollups,
            )
        if new_id is None:  # a replay, a refusal, or a cache gone stale: look again, fresh
            return _slow_path(
                session,
                context,
                principal,
                body=body,
                key=key,
                values=values,
                request=request,
                response=response,
            )
        audit = Audit(session=session, actor=principal, client_ip=client_address(request))
        _after_insert(
            session, audit, settings=settings, operator=operator, body=body, values=values, new_id=new_id
        )
        assert code is not None  # the guarded insert ran only with a code
        if rollups is None:  # SQLite: the rollups in statements of their own
            new_disposition.add_new_disposition(
                session,
                disposition_id=new_id,
                values=values,
                category=code.category,
                team_id=operator.team_id,
            )
        session.commit()
        response.headers["Location"] = f"/dispositions/{new_id}"
        return disposition_out(SimpleNamespace(id=new_id, **values), operator.name)


def _after_insert(
    session: Session,
    audit: Audit,
    *,
    settings: Settings,
    operator: Person,
    body: DispositionIn,
    values: dict[str, Any],
    new_id: int,
) -> None:
    """The late note, the audit row (team leads and admins) and the callback task of a new row (the
    report rollups follow, in the same transaction)."""
    at = disposition_time(body)
    note_if_late(settings, audit, kind="disposition", record_id=new_id, operator=body.operator, at=at)
    if audit.actor.role in _AUDITED:
        audit("disposition.create", target=f"disposition:{new_id}", details={"operator": body.operator})
    stored = [(SimpleNamespace(id=new_id, **values), operator.name)]
    webhook_events.dispositions_stored(session, stored)
    crm_outbox.dispositions_stored(session, stored)
    chain_trigger.dispositions_stored(session, stored)
    if values["callback_at"] is not None:  # an ORM row only here: building one costs as much as a COMMIT
        row = Disposition(id=new_id, **values)
        callback_from_disposition(session, row, operator=operator, owner=body.callback_owner)


def _slow_path(
    session: Session,
    context: AppContext,
    principal: Principal,
    *,
    body: DispositionIn,
    key: uuid.UUID,
    values: dict[str, Any],
    request: Request,
    response: Response,
) -> DispositionOut:
    """Why the guarded insert stored nothing, read fresh: the caller's standing (401/403), a stored
    row under this key (a replay, or 422 for another body), or the catalogue and the contact (422;
    the catalogue cache is dropped first, so a change made on another worker is seen here)."""
    session.rollback()
    check_still(context, principal, read_principal(session, principal.id))
    body_hash = values["request_hash"]
    existing = get_by_key(session, key=key)  # a replay is answered before the catalogue
    if existing is not None:
        return _answer(session, existing, body_hash, response, replay=True)
    context.codes.invalidate()
    code = get_code(session, code=body.code)
    problem = disposition_too_old(context.settings, body) or catalogue_problem(session, body, code)
    if problem is not None:
        raise problem
    # The catalogue or the contact changed between the check and the insert: store as before.
    row = store_new(session, [values]).get(key)
    if row is None:  # a concurrent request with this key won
        existing = get_by_key(session, key=key)
        if existing is None:  # pragma: no cover - the conflicting row cannot vanish
            raise RuntimeError("idempotency key conflict without a stored row")
        return _answer(session, existing, body_hash, response, replay=True)
    operator = acting_for(session, principal, body.operator, own_only="", team_only="")
    audit = Audit(session=session, actor=principal, client_ip=client_address(request))
    _after_insert(
        session, audit, settings=context.settings, operator=operator, body=body, values=values, new_id=row.id
    )
    reports.refresh(session, [body.call_id])  # the report rollups, in this transaction
    session.commit()
    return _answer(session, row, body_hash, response, replay=False)


def catalogue_problem(
    session: Session, body: DispositionIn, code: DispositionCode | None
) -> RequestValidationError | None:
    """What is wrong with ``body`` against the database (its contact, its code and the code's
    flags), as the 422 to raise; ``None`` when it may be stored."""
    if body.contact_id is not None and session.get(Contact, body.contact_id) is None:
        return invalid("contact_id", f"no contact has id {body.contact_id}")
    if code is None:
        return invalid("code", f"{body.code!r} is not in the disposition catalogue")
    problems = check_disposition(body, code_out(code))
    if problems:
        return RequestValidationError(
            [{"loc": ("body",), "type": "value_error", "msg": problem} for problem in problems]
        )
    return None


@router.get("/{disposition_id}", responses={404: {"description": "no such disposition (or not yours)"}})
def read_disposition(disposition_id: BigIdPath, user: CurrentUser, session: SessionDep) -> DispositionOut:
    row = session.get(Disposition, disposition_id)
    owner = session.get(User, row.operator_id) if row is not None else None
    if row is None or owner is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such disposition")
    if not sees_in_full(user, owner_id=owner.id, owner_team_id=owner.team_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such disposition")
    return disposition_out(row, owner.name)
