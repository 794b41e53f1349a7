"""``/contacts``: find a contact by any written form of a phone number, read, create and edit
contacts, and the schema of their custom fields.

* Every signed-in user (operators included) reads, creates and edits contacts; only admins declare
  custom fields. Creating and editing by team leads and admins is audited (field names only: the
  audit log holds no personal data).
* Edits are optimistic: a contact's ``version`` is its ``ETag``; ``PATCH`` needs ``If-Match`` with
  the version the client read (428 without it, 412 when someone saved in between: reload and redo).
* Custom field values are checked against the declared schema (422 naming the field).
* ``/contacts/{id}/history``: the calls with the contact, their dispositions and script answers,
  newest first, in pages (``next_cursor``); every signed-in user reads it, like the contact, but
  comments and script answers only of their own team's calls (``server.api.disclosure``).
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple, cast

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool

from app import phones
from app.wire.common import Code, FieldKey
from app.wire.contacts import (
    ContactHistory,
    ContactIn,
    ContactOut,
    ContactPatch,
    FieldSchema,
    HistoryCall,
    HistoryItem,
    check_custom_fields,
)
from app.wire.crm import LookupMiss
from app.wire.dispositions import DispositionOut
from app.wire.recordings import Pause, RecordingRef
from server.api.caches import Principal
from server.api.context import AppContext, get_context
from server.api.deps import AdminUser, AuditDep, CurrentUser, SessionDep
from server.api.disclosure import sees_in_full, withheld
from server.api.principal import principal_of
from server.api.schemas.common import BigIdPath
from server.api.schemas.contacts import contact_out, etag
from server.chains import trigger as chain_trigger
from server.chains.history import chain_history, inbound_history, merged
from server.crm import outbox as crm_outbox
from server.crm.screen_pop import crm_lookup
from server.crud.contact_lookup import find_for_lookup
from server.crud.contacts import (
    PhoneTakenError,
    apply_changes,
    create_contact,
    field_schema,
    get_contact,
    put_field,
)
from server.crud.dispositions import contact_history, decode_cursor, disposition_out, encode_cursor
from server.models import Contact, Disposition, Recording, Role, User
from server.recordings import may_hear
from server.webhooks import events as webhook_events

router = APIRouter(prefix="/contacts", tags=["contacts"])

_AUDITED = frozenset({Role.TEAM_LEAD, Role.ADMIN})
_NOT_FOUND = "no such contact"


def _answer(response: Response, contact: Contact) -> ContactOut:
    response.headers["ETag"] = etag(contact)
    return contact_out(contact)


def _custom_problems(values: dict[str, Any], schema: list[FieldSchema]) -> None:
    """A 422 in the usual shape when custom field values do not fit the declared schema."""
    problems = check_custom_fields(values, schema)
    if problems:
        raise RequestValidationError(
            [{"loc": ("body", "custom"), "type": "value_error", "msg": problem} for problem in problems]
        )


def _taken(exc: PhoneTakenError) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, f"phone number taken: {exc}")


@router.get("/fields")
def read_fields(_user: CurrentUser, session: SessionDep) -> list[FieldSchema]:
    """The custom fields contacts carry, in display order."""
    return field_schema(session)


@router.put(
    "/fields/{key}",
    responses={201: {"description": "a new field"}, 403: {"description": "admins only"}},
)
def put_field_route(
    *,
    key: FieldKey,
    body: FieldSchema,
    admin: AdminUser,
    session: SessionDep,
    audit: AuditDep,
    response: Response,
) -> FieldSchema:
    """Declare a custom field, or redeclare it (labels, type, choices, required). Values already
    stored are not rewritten: a contact whose value no longer fits is refused at its next edit of
    custom fields, with the reason."""
    if body.key != key:
        msg = f"the key in the body ({body.key!r}) is not the one in the path ({key!r})"
        raise RequestValidationError([{"loc": ("body", "key"), "type": "value_error", "msg": msg}])
    row, created = put_field(session, spec=body)
    audit(
        "contact_field.create" if created else "contact_field.update",
        target=f"contact_field:{row.key}",
        details={"type": row.type.value, "required": row.required, "choices": len(row.choices or [])},
    )
    session.commit()
    if created:
        response.status_code = status.HTTP_201_CREATED
    return body


@router.get(
    "/lookup",
    responses={
        404: {
            "description": "no contact has this number; ``crm``: what the centre's CRM knows of it",
            "model": LookupMiss,
        }
    },
    openapi_extra={"security": [{"HTTPBearer": []}]},  # the caller comes from principal_of: no scheme
)
async def lookup(
    phone: Annotated[str, Query(min_length=1, max_length=phones.MAX_INPUT)],
    _principal: Annotated[Principal, Depends(principal_of)],  # one dependency, not two (the bearer's)
    request: Request,
    response: Response,
) -> ContactOut:
    """The contact a number belongs to, written any way people and PBXs write it: ``+7 (912)
    345-67-89``, ``89123456789``, ``8 912 345 67 89``, ``sip:+79123456789@pbx``. Numbers without a
    country code are read in the server's default region. Not a number at all (``anonymous``) finds
    nothing, like an unknown one: caller IDs are often withheld.

    No contact, and a CRM configured (docs/integrations.md): the CRM is asked within
    ``crm_lookup_timeout_seconds`` and what it knows comes in the 404's ``crm``, marked with its source."""
    # The screen pop's hot path: the caller from the cache (``server.api.principal``), and the
    # number's parsing, the query and the answer in one thread-pool hop, inside a database slot;
    # the CRM is asked after the slot is given back (a slow CRM holds no database slot). The common
    # case is answered before this route, the same way (``server.api.lean_lookup``).
    context = get_context(request)
    async with context.admission.slot():
        found = await run_in_threadpool(look_up, context, phone)
    if isinstance(found, Missed):
        return await missed(request, found.keys, found.why)  # type: ignore[return-value]
    contact, tag = found
    response.headers["ETag"] = tag
    return contact


class Missed(NamedTuple):
    """No contact has the number: the E.164 candidates tried, and why nothing was found."""

    keys: tuple[str, ...]
    why: str


LookupResult = tuple[ContactOut, str] | Missed
"""The contact and its ``ETag``, or what was tried."""


def look_up(context: AppContext, phone: str) -> LookupResult:
    """The contact ``phone`` finds, as the answer, and its ``ETag`` (in the thread pool)."""
    keys = phones.lookup_keys(phone, context.settings.default_region)
    with context.database.engine.connect() as conn:
        found = find_for_lookup(conn, e164s=keys)
    if found is None:
        return Missed(
            keys, "no contact has this number" if keys else "not a phone number, so no contact has it"
        )
    contact = cast(Contact, found)  # the attributes contact_out and etag read
    return contact_out(contact), etag(contact)


async def missed(request: Request, keys: tuple[str, ...], why: str) -> JSONResponse:
    """The 404 of a number no contact has: what the centre's CRM knows of it, if one is configured
    and answers in time, else the plain 404 (the body ``http_error`` gives an ``HTTPException``)."""
    crm = await crm_lookup(request, list(keys))
    if crm is None:
        return JSONResponse({"detail": why}, status_code=status.HTTP_404_NOT_FOUND)
    body = LookupMiss(detail=f"{why} in ringdesk; the CRM ({crm.source}) knows it", crm=crm)
    return JSONResponse(body.model_dump(mode="json"), status_code=status.HTTP_404_NOT_FOUND)


@router.get("/{contact_id}", responses={404: {"description": _NOT_FOUND}})
def read_contact(
    contact_id: BigIdPath, _user: CurrentUser, session: SessionDep, response: Response
) -> ContactOut:
    contact = get_contact(session, contact_id=contact_id)
    if contact is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    return _answer(response, contact)


HISTORY_PAGE_MAX = 200


@router.get("/{contact_id}/history", responses={404: {"description": _NOT_FOUND}})
def read_history(
    *,
    contact_id: BigIdPath,
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=HISTORY_PAGE_MAX)] = 50,
    cursor: Annotated[Code | None, Query()] = None,
    messages: Annotated[bool, Query(description="include the chains' e-mails and SMS (first page)")] = False,
    inbound: Annotated[bool, Query(description="with messages: also those the client sent us")] = False,
) -> ContactHistory:
    """The contact's calls with their dispositions and script answers, newest first (by end of
    call). Pass ``next_cursor`` back as ``cursor`` for the next, older page. Other teams' calls come
    without comment and answers (``withheld``: ``server.api.disclosure``). With ``messages=true`` the
    first page also holds the last e-mails and SMS communication chains sent the contact, with their
    delivery status, among the calls by time (a client that does not ask never gets a kind it may
    not know); with ``inbound=true`` too, the messages the client sent us (replies)."""
    if get_contact(session, contact_id=contact_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    after = decode_cursor(cursor) if cursor is not None else None
    if cursor is not None and after is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "cursor: not a cursor this server gave out")
    rows = contact_history(session, contact_id=contact_id, limit=limit + 1, after=after)
    heard = recordings_of(session, user, [(row.operator_id, row.call_id) for row, _, _ in rows[:limit]])
    items: list[HistoryItem] = [
        HistoryCall(
            call_id=row.call_id,
            operator=name,
            queue=row.queue,
            ring_at=row.ring_at,
            answer_at=row.answer_at,
            end_at=row.end_at,
            disposition=_shown(user, row, name, team_id),
            recording=heard.get((row.operator_id, row.call_id)),
        )
        for row, name, team_id in rows[:limit]
    ]
    more = len(rows) > limit
    if messages and cursor is None:
        sent = chain_history(session, contact_id, limit=limit)
        items = merged(items, sent + inbound_history(session, contact_id, limit=limit) if inbound else sent)
    return ContactHistory(
        contact_id=contact_id, items=items, next_cursor=encode_cursor(rows[limit - 1][0]) if more else None
    )


def recordings_of(
    session: Session, viewer: User, calls: list[tuple[int, str]]
) -> dict[tuple[int, str], RecordingRef]:
    """The recordings of ``calls`` (operator, call id) that ``viewer`` may hear."""
    if not calls:
        return {}
    wanted = set(calls)
    rows = session.scalars(select(Recording).where(Recording.call_id.in_({c for _, c in calls})))
    return {
        (r.operator_id, r.call_id): RecordingRef(
            id=r.id,
            seconds=r.seconds,
            pauses=[Pause(start=a, end=b) for a, b in r.pauses],
            stored=r.stored,
            purged=r.purged_at is not None,
        )
        for r in rows
        if (r.operator_id, r.call_id) in wanted and may_hear(session, viewer, r)
    }


def _shown(viewer: User, row: Disposition, name: str, team_id: int | None) -> DispositionOut:
    out = disposition_out(row, name)
    return out if sees_in_full(viewer, owner_id=row.operator_id, owner_team_id=team_id) else withheld(out)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"description": "a phone number belongs to another contact"}},
)
def create_contact_route(
    body: ContactIn, user: CurrentUser, session: SessionDep, audit: AuditDep, response: Response
) -> ContactOut:
    """Add a contact. A missing time zone is derived from a landline number."""
    _custom_problems(body.custom, field_schema(session))
    try:
        contact = create_contact(session, data=body)
    except PhoneTakenError as exc:
        raise _taken(exc) from None
    if user.role in _AUDITED:
        audit("contact.create", target=f"contact:{contact.id}")
    webhook_events.contact_changed(session, contact, (), created=True)
    crm_outbox.contact_created(session, contact)
    session.commit()
    response.headers["Location"] = f"/contacts/{contact.id}"
    return _answer(response, contact)


@router.patch(
    "/{contact_id}",
    responses={
        404: {"description": _NOT_FOUND},
        409: {"description": "a phone number belongs to another contact"},
        412: {"description": "the contact changed since the version in If-Match: reload it"},
        428: {"description": "If-Match is missing"},
    },
)
def patch_contact(
    *,
    contact_id: BigIdPath,
    body: ContactPatch,
    user: CurrentUser,
    session: SessionDep,
    audit: AuditDep,
    response: Response,
    if_match: Annotated[str | None, Header(max_length=200)] = None,
) -> ContactOut:
    """Change the fields the body names (``null`` clears an optional one). ``consent`` changes the
    flags it names; ``custom`` replaces the whole map. Send the version read as ``If-Match``."""
    versions = _if_match_versions(if_match)
    contact = get_contact(session, contact_id=contact_id)
    if contact is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    if contact.version not in versions:
        raise _stale(contact)
    if body.custom is not None:
        _custom_problems(body.custom, field_schema(session))
    changes = {name: getattr(body, name) for name in body.model_fields_set}
    try:
        changed = apply_changes(
            session, contact=contact, changes=changes, derive_time_zone="time_zone" not in changes
        )
        session.flush()
    except PhoneTakenError as exc:
        raise _taken(exc) from None
    except StaleDataError:  # saved by someone else between our read and our write
        session.rollback()
        current = get_contact(session, contact_id=contact_id)
        raise _stale(current) from None
    if changed and user.role in _AUDITED:
        audit("contact.update", target=f"contact:{contact.id}", details={"fields": sorted(changed)})
    webhook_events.contact_changed(session, contact, changed, created=False)
    chain_trigger.consent_changed(session, contact, changed)
    session.commit()
    return _answer(response, contact)


def _if_match_versions(header: str | None) -> set[int]:
    """The versions an ``If-Match`` header names (``"3"``, or a list); 428 when absent or ``*``."""
    if header is None or not header.strip():
        raise HTTPException(
            status.HTTP_428_PRECONDITION_REQUIRED,
            'send If-Match with the ETag of the version you edit (e.g. If-Match: "3")',
        )
    versions: set[int] = set()
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            raise HTTPException(
                status.HTTP_428_PRECONDITION_REQUIRED,
                'If-Match: * would overwrite any version: send the ETag you read (e.g. "3")',
            )
        tag = tag.strip('"')  # a weak tag (W/"3") never matches: If-Match compares strongly
        if tag.isdigit() and len(tag) < 12:
            versions.add(int(tag))
    return versions


def _stale(contact: Contact | None) -> HTTPException:
    if contact is None:
        return HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    return HTTPException(
        status.HTTP_412_PRECONDITION_FAILED,
        f"the contact was changed meanwhile (now version {contact.version}): reload it and redo the edit",
        headers={"ETag": etag(contact)},
    )
