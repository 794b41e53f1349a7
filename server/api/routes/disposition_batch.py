"""``POST /dispositions/batch``: up to :data:`~app.wire.dispositions.BATCH_MAX` dispositions in one
request, for a desktop's outbox (after a network outage it holds a shift's worth).

Each item carries its own idempotency key and gets its own result, in the order sent, as if it had
been posted alone (``server.api.routes.dispositions``): **created** (201), **replayed** (201: the key
was stored before with the same content, the first result is returned) or **rejected** with the
status a single post would have got and why: 400 (key not a UUID), 403 (not yours, not your team's),
422 (invalid, against the catalogue, or the key was used for another disposition). A rejected item
stores nothing and does not use up its key. The batch itself answers 200 once it is readable;
422 only when the envelope is wrong (not a list of ``{idempotency_key, disposition}``, empty, or
more than the maximum items), 413 when the body is over ``BATCH_BODY_MAX`` (the route's own limit,
above the server-wide one: it fits the largest batch a desktop sends, see ``app.wire.dispositions``).

The created items are stored in one transaction with one ``INSERT ... ON CONFLICT DO NOTHING``: a
batch costs a few round trips, not a few per item. Two items with one key in one batch: the first
is stored, the second answers as its replay (or 422 if its content differs).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.wire.dispositions import (
    BATCH_BODY_MAX,
    BatchItemOut,
    BatchOutcome,
    DispositionBatchIn,
    DispositionBatchOut,
    DispositionIn,
)
from server.api.acting import acting_for
from server.api.caches import Person, Principal
from server.api.context import get_context
from server.api.deps import Audit, DatabaseSlot, client_address
from server.api.lateness import add_notes, disposition_time, disposition_too_old, late_note
from server.api.principal import CurrentPrincipal, check_still, read_principal
from server.api.routes.dispositions import catalogue_problem
from server.chains import trigger as chain_trigger
from server.crud.catalogue import get_codes
from server.crud.dispositions import (
    disposition_out,
    disposition_values,
    get_by_keys,
    operator_name,
    request_hash,
    store_new,
)
from server.crud.tasks import callback_from_disposition
from server.models import Disposition, Role
from server.reports import maintain as reports
from server.settings import Settings
from server.webhooks import events as webhook_events

router = APIRouter(prefix="/dispositions", tags=["dispositions"])

_AUDITED = frozenset({Role.TEAM_LEAD, Role.ADMIN})
_KEY_REUSED = "this Idempotency-Key was already used for a different disposition: use a new key"


class _Refused(Exception):
    def __init__(self, status: int, errors: list[str]) -> None:
        self.status = status
        self.errors = errors


def _messages(errors: Any) -> list[str]:
    """Readable lines from pydantic / FastAPI error dicts (``field: message``)."""
    lines = []
    for error in errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        lines.append(f"{where}: {error['msg']}" if where else str(error["msg"]))
    return lines


def _parse(
    session: Any, user: Principal, raw_key: str, raw: dict[str, Any]
) -> tuple[uuid.UUID, DispositionIn, Person]:
    try:
        key = uuid.UUID(raw_key.strip())
    except ValueError:
        raise _Refused(400, ["idempotency_key must be a UUID"]) from None
    try:
        body = DispositionIn.model_validate(raw)
    except ValidationError as exc:
        raise _Refused(422, _messages(exc.errors(include_url=False, include_input=False))) from None
    try:
        operator = acting_for(
            session,
            user,
            body.operator,
            own_only="operators post their own dispositions only",
            team_only="team leads post dispositions for their own team only",
        )
    except HTTPException as exc:
        raise _Refused(exc.status_code, [str(exc.detail)]) from None
    except RequestValidationError as exc:
        raise _Refused(422, _messages(exc.errors())) from None
    return key, body, operator


@router.post(
    "/batch",
    responses={
        413: {"description": "the body is over BATCH_BODY_MAX bytes (2 MiB): size batches by bytes"},
        422: {"description": "not a list of 1-500 items"},
    },
    max_body_size=BATCH_BODY_MAX,
)
def post_batch(
    *, body: DispositionBatchIn, principal: CurrentPrincipal, _slot: DatabaseSlot, request: Request
) -> DispositionBatchOut:
    """Store many dispositions, each with its own key and result (see the module notes).

    One thread-pool hop and one transaction: the caller comes from the cache and is read again
    here (one row per batch: a batch may not outrun a deactivation); the catalogue entries the
    batch uses are read in one query."""
    context = get_context(request)
    with context.database.sessions() as session:
        check_still(context, principal, read_principal(session, principal.id))
        audit = Audit(session=session, actor=principal, client_ip=client_address(request))
        return _store(session, context.settings, audit, principal, body)


def _store(
    session: Session, settings: Settings, audit: Audit, user: Principal, body: DispositionBatchIn
) -> DispositionBatchOut:
    results: list[BatchItemOut | None] = [None] * len(body.items)
    accepted: list[tuple[int, uuid.UUID, DispositionIn, str, Person]] = []
    for index, item in enumerate(body.items):
        try:
            key, disposition, operator = _parse(session, user, item.idempotency_key, item.disposition)
        except _Refused as refused:
            results[index] = _rejected(item.idempotency_key, refused.status, refused.errors)
            continue
        accepted.append((index, key, disposition, request_hash(disposition), operator))

    stored = get_by_keys(session, keys={key for _, key, *_ in accepted})
    codes = get_codes(session, codes={disposition.code for _, _, disposition, _, _ in accepted})
    new: dict[uuid.UUID, tuple[int, DispositionIn, dict[str, Any]]] = {}
    operators: dict[uuid.UUID, Person] = {}
    later: list[tuple[int, uuid.UUID, str]] = []  # answered once the new rows are in
    for index, key, disposition, body_hash, operator in accepted:
        if key in stored or key in new:
            later.append((index, key, body_hash))
            continue
        problem = disposition_too_old(settings, disposition) or catalogue_problem(
            session, disposition, codes.get(disposition.code)
        )
        if problem is not None:
            results[index] = _rejected(str(key), 422, _messages(problem.errors()))
            continue
        values = disposition_values(key=key, body=disposition, operator_id=operator.id, body_hash=body_hash)
        new[key] = (index, disposition, values)
        operators[key] = operator

    created = store_new(session, [values for _, _, values in new.values()])
    notes: list[dict[str, Any]] = []
    for key, (index, disposition, values) in new.items():
        row = created.get(key)
        if row is None:  # a concurrent request stored this key first
            later.append((index, key, values["request_hash"]))
            continue
        callback_from_disposition(session, row, operator=operators[key], owner=disposition.callback_owner)
        results[index] = BatchItemOut(
            idempotency_key=str(key),
            outcome=BatchOutcome.CREATED,
            status=201,
            disposition=disposition_out(row, disposition.operator),
        )
        note = late_note(
            settings,
            audit,
            kind="disposition",
            record_id=row.id,
            operator=disposition.operator,
            at=disposition_time(disposition),
        )
        if note is not None:
            notes.append(note)  # added together: a replayed outage is all late
        if user.role in _AUDITED:
            audit(
                "disposition.create",
                target=f"disposition:{row.id}",
                details={"operator": disposition.operator},
            )
    add_notes(session, notes)
    reports.refresh(session, [row.call_id for row in created.values()])  # the rollups, same transaction
    stored_now = [(row, new[key][1].operator) for key, row in created.items()]
    webhook_events.dispositions_stored(session, stored_now)
    chain_trigger.dispositions_stored(session, stored_now)
    missing = {key for _, key, _ in later if key not in stored and key not in created}
    stored |= created | get_by_keys(session, keys=missing)
    for index, key, body_hash in later:
        results[index] = _replay(session, stored[key], str(key), body_hash)
    session.commit()
    return DispositionBatchOut(results=[result for result in results if result is not None])


def _rejected(key: str, status: int, errors: list[str]) -> BatchItemOut:
    return BatchItemOut(idempotency_key=key, outcome=BatchOutcome.REJECTED, status=status, errors=errors)


def _replay(session: Session, row: Disposition, key: str, body_hash: str) -> BatchItemOut:
    if row.request_hash != body_hash:
        return _rejected(key, 422, [f"idempotency_key: {_KEY_REUSED}"])
    out = disposition_out(row, operator_name(session, user_id=row.operator_id))
    return BatchItemOut(idempotency_key=key, outcome=BatchOutcome.REPLAYED, status=201, disposition=out)
