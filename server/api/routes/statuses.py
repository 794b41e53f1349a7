"""``/statuses``: operator statuses (ready, not ready with a reason, ...), the team lead's board and a
live feed of changes.

* ``POST /statuses`` stores one change (**201**, ``StatusChangeOut``). Operators set their own;
  team leads set their team's; admins anyone's. Whoever is not the operator is recorded as ``by``.
  ``source`` follows from who sends it: ``operator`` for one's own status, ``team_lead`` for someone
  else's (leads and admins alike); sending another is 422. One exception: the operator's own
  desktop applying a team lead's force after the call sends ``team_lead`` with ``request``, the id
  of that pending force; the change is stored as the lead's (``by``) and settles the request (422
  when the request is not this operator's pending force for this very status: replaced, cancelled,
  already applied). See ``docs/workstation-core.md``. The operator's own desktop may also send
  ``system`` for what its software did by itself (a call started, an ACW timer ran out, the phone
  lost its registration), so the history tells the operator's choices from the machine's.
  ``on_call`` comes from the operator's own phone: nobody sets it for someone else.
* ``not_ready`` needs a reason that is in the not-ready catalogue and active; other statuses carry
  none (422 either way). A ``system`` reason (``shift_start``, ``phone_offline``) only from the
  operator's own desktop.
* ``at`` is when the change happened on the sender's clock, so a desktop that was offline replays
  its queue with the original times. It may not be in the future (beyond :data:`CLOCK_SKEW`), nor
  older than ``record_max_age_days`` (422); a change arriving late is noted for admins
  (``server.api.lateness``). Every
  change goes into the history; the current status only moves forward in time, so an old change
  replayed late does not overwrite a newer one (``server.crud.statuses``).
* Team-lead and admin posts are audited. Each stored change is pushed to the live feed when it
  commits, from whichever server process stored it (``server.api.broadcast``, ``server.api.pgfeed``).
* Replays: a desktop replaying its offline queue may send one change twice. An optional
  ``Idempotency-Key`` header (the client's UUID for this change; 400 when it is not a UUID) is stored
  with the change, unique forever, as for dispositions: the same key with the same body returns the
  first result (**201**, same ``id`` and ``received_at``, plus ``Idempotent-Replayed: true``), stores,
  audits and pushes nothing; the same key with a different body is 422. The replay is answered before
  the catalogue and the clock are consulted, so a reason retired meanwhile does not turn a stored
  change into an error. A change without the header is stored every time it is sent.
* ``GET /statuses/board``: every active operator's current status (``BoardRow``). Team leads: their
  team; admins: all, or ``?team=``. Operators 403.
* ``GET /statuses/history?operator=&since=&until=&limit=``: stored changes in time order; team
  leads their team's, admins all.
* WebSocket ``/statuses/live?token=<access token>``: each change as ``StatusChangeOut`` JSON, as it is
  stored: team leads their team's, admins all. With ``&requests=true`` each message is an
  envelope (``app.wire.requests.LiveEvent``) and forces and break requests come too (team window).
  Refusals are sent as close codes after the handshake (so every client can read them): **4401**
  no, invalid or expired token (also sent when the token expires while connected: reconnect with a
  fresh one), **4403** not a team lead or admin, **4408** the client fell too far behind and was
  dropped. Messages from the client are ignored. An open feed follows its user
  (``server.api.userwatch``): within about a second of the user being deactivated it closes with
  4401, of losing the team lead or admin role with 4403, of changing between them or moving to
  another team with 4401 (a reconnect subscribes with the new scope).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response, WebSocket, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.websockets import WebSocketDisconnect

from app.wire.close_codes import CLOSE_FORBIDDEN, CLOSE_TOO_SLOW, CLOSE_UNAUTHENTICATED
from app.wire.common import UserName, UtcDatetime
from app.wire.requests import CATALOGUE_MESSAGE, QUEUES_MESSAGE, REQUEST_PREFIX, status_message
from app.wire.statuses import SYSTEM_ONLY, BoardRow, StatusChangeIn, StatusChangeOut, StatusSource
from server.api.acting import REPLAYED_HEADER, acting_for, invalid
from server.api.acting import idempotency_key as idempotency_key_of
from server.api.broadcast import QUEUES, Subscriber
from server.api.context import get_context
from server.api.deps import AuditDep, CurrentUser, LeadOrAdmin, SessionDep, TeamScope, authenticate
from server.api.lateness import note_if_late, too_old
from server.api.status_events import store_change
from server.api.status_sources import force_applied, source_of
from server.api.userwatch import Standing, Verdict
from server.crud import statuses as crud
from server.crud.catalogue import get_reason
from server.crud.requests import approved_break
from server.crud.users import get_team_by_name, get_user_by_name
from server.models import OperatorStatusChange, Role, User
from server.security import InvalidTokenError, decode_access_token

router = APIRouter(prefix="/statuses", tags=["statuses"])

CLOCK_SKEW = timedelta(seconds=30)
"""How far in the future a change's ``at`` may be (desktop clocks drift)."""
UtcDatetimeQuery = Annotated[UtcDatetime | None, Query()]
HISTORY_LIMIT = 1000
HISTORY_MAX = 10_000


_AUDITED = frozenset({Role.TEAM_LEAD, Role.ADMIN})


def _replay(
    session: Session, row: OperatorStatusChange, body_hash: str, response: Response
) -> StatusChangeOut:
    """The first result for a key already stored (422 when it was stored for another change)."""
    if row.request_hash != body_hash:
        raise invalid(
            "idempotency_key",
            "this Idempotency-Key was already used for a different status change: use a new key",
        )
    operator = session.get(User, row.operator_id)
    by = session.get(User, row.changed_by_id) if row.changed_by_id is not None else None
    response.headers[REPLAYED_HEADER] = "true"
    return crud.change_out(
        row,
        operator.name if operator is not None else f"user-{row.operator_id}",
        by.name if by is not None else None,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        201: {"description": "stored, or stored before (a replay: `Idempotent-Replayed: true`)"},
        400: {"description": "Idempotency-Key not a UUID"},
        403: {"description": "not your status (or not your team's)"},
        422: {
            "description": "invalid: reason, source, a time in the future, unknown operator, "
            "or the key was used for another change"
        },
    },
)
def post_status(
    *,
    body: StatusChangeIn,
    user: CurrentUser,
    session: SessionDep,
    audit: AuditDep,
    request: Request,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(description="optional: the client's UUID for this change (replays)")
    ] = None,
) -> StatusChangeOut:
    """Store one status change (see the module notes on replays and on who may set what)."""
    key = idempotency_key_of(idempotency_key)
    operator = acting_for(
        session,
        user,
        body.operator,
        own_only="operators set their own status only",
        team_only="team leads set statuses for their own team only",
        active_only=True,
    )
    body_hash: str | None = None
    if key is not None:
        body_hash = crud.request_hash(body)
        existing = crud.get_by_key(session, key=key)
        if existing is not None:
            return _replay(session, existing, body_hash, response)
    own = operator.id == user.id
    changed_by: User | None = None if own else user
    if own and body.source is StatusSource.TEAM_LEAD:
        source, changed_by = StatusSource.TEAM_LEAD, force_applied(session, operator, body)
    elif body.request is not None:
        raise invalid(
            "request",
            "only the operator's own desktop names the force it applies, with the source 'team_lead'",
        )
    else:
        source = source_of(body, own)
    if not own and body.status in SYSTEM_ONLY:
        raise invalid("status", f"{body.status.value} follows from the operator's phone: nobody sets it")
    if body.at > datetime.now(UTC) + CLOCK_SKEW:
        raise invalid("at", "the change is in the future: check the clock of this computer")
    settings = get_context(request).settings
    problem = too_old(settings, "at", body.at)
    if problem is not None:
        raise problem
    if body.reason is not None:
        reason = get_reason(session, code=body.reason)
        if reason is None:
            raise invalid("reason", f"{body.reason!r} is not in the not-ready catalogue")
        if not reason.active:
            raise invalid("reason", f"the not-ready reason {body.reason!r} is retired")
        if reason.system and not own:
            raise invalid(
                "reason",
                f"{body.reason!r} is set by the operator's desktop itself (system), never by a person",
            )
        needs_approval = reason.needs_approval and own and source is not StatusSource.SYSTEM
        if needs_approval and approved_break(session, operator_id=operator.id, reason=reason.code) is None:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"the not-ready reason {body.reason!r} needs a team lead's approval: POST /requests first",
            )
    try:
        out, current = store_change(
            get_context(request),
            session,
            operator=operator,
            status=body.status,
            reason=body.reason,
            at=body.at,
            source=source,
            changed_by=changed_by,
            key=key,
            body_hash=body_hash,
        )
        out = out.model_copy(update={"request": body.request})
    except IntegrityError:
        session.rollback()  # a concurrent request with the same key won the race
        existing = crud.get_by_key(session, key=key) if key is not None else None
        if existing is None or body_hash is None:
            raise
        return _replay(session, existing, body_hash, response)
    note_if_late(settings, audit, kind="status", record_id=out.id, operator=operator.name, at=body.at)
    if user.role in _AUDITED:
        audit(
            "status.change",
            target=f"user:{operator.id}",
            details={
                "operator": operator.name,
                "status": body.status.value,
                "reason": body.reason,
                "current": current,
            },
        )
    session.commit()
    return out


def _scope_teams(session: Session, user: User, team: str | None) -> frozenset[int] | None:
    """The team ids a board or history request covers (``None``: every team)."""
    scope = TeamScope.of(user)
    if team is None:
        return None if scope.all_teams else scope.team_ids
    row = get_team_by_name(session, name=team)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no team is called {team!r}")
    if not scope.allows(row.id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads see their own team only")
    return frozenset({row.id})


@router.get("/board", responses={403: {"description": "team leads and admins only; own team"}})
def read_board(user: LeadOrAdmin, session: SessionDep, team: UserName | None = None) -> list[BoardRow]:
    """The current status of every active operator: a team lead's team, or (admins) all or ``team``."""
    return crud.board(session, team_ids=_scope_teams(session, user, team))


@router.get(
    "/history",
    responses={
        403: {"description": "team leads and admins only; own team"},
        404: {"description": "no such operator or team"},
    },
)
def read_history(
    *,
    user: LeadOrAdmin,
    session: SessionDep,
    operator: UserName | None = None,
    team: UserName | None = None,
    since: UtcDatetimeQuery = None,
    until: UtcDatetimeQuery = None,
    limit: Annotated[int, Query(ge=1, le=HISTORY_MAX)] = HISTORY_LIMIT,
) -> list[StatusChangeOut]:
    """Stored changes in time order (``since`` inclusive, ``until`` exclusive, at most ``limit``):
    of one operator, or of everyone the caller may see (``team`` narrows it for admins)."""
    if since is not None and until is not None and until <= since:
        raise RequestValidationError(
            [{"loc": ("query", "until"), "type": "value_error", "msg": "until must be after since"}]
        )
    team_ids = _scope_teams(session, user, team)
    operator_id: int | None = None
    if operator is not None:
        row = get_user_by_name(session, name=operator)
        if row is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user is called {operator!r}")
        if not TeamScope.of(user).allows(row.team_id):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "team leads see their own team only")
        operator_id = row.id
    return crud.history(
        session, operator_id=operator_id, team_ids=team_ids, since=since, until=until, limit=limit
    )


def check_token(websocket: WebSocket, token: str) -> tuple[User, datetime]:
    """The token's user and expiry (:class:`InvalidTokenError` otherwise); runs in a thread."""
    context = get_context(websocket)
    claims = decode_access_token(context.settings, token)
    with context.database.sessions() as session:
        user = authenticate(session, context.settings, token)
        session.commit()
    return user, claims.expires_at


Transform = Callable[[str], str | None]
"""What a socket sends for a feed message (``None``: nothing): the feed carries bare status changes
and request envelopes (``app.wire.requests``), and each socket picks and shapes its own."""


def _changes_only(message: str) -> str | None:
    if message.startswith(REQUEST_PREFIX) or message in (CATALOGUE_MESSAGE, QUEUES_MESSAGE):
        return None
    return message


def _enveloped(message: str) -> str | None:
    if message in (CATALOGUE_MESSAGE, QUEUES_MESSAGE):
        return None  # for desktops (``/me/live``), not boards; queue changes only when asked for
    return message if message.startswith(REQUEST_PREFIX) else status_message(message)


def _with_queues(message: str) -> str | None:
    return message if message == QUEUES_MESSAGE else _enveloped(message)


async def _pump(websocket: WebSocket, subscriber: Subscriber, transform: Transform) -> None:
    """Send queued changes until the subscriber is dropped for falling behind."""
    while True:
        message = await subscriber.queue.get()
        if message is None:
            return
        outgoing = transform(message)
        if outgoing is not None:
            await websocket.send_text(outgoing)


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends, until it disconnects."""
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            return


@router.websocket("/live")
async def live(websocket: WebSocket, token: str = "", requests: bool = False, queues: bool = False) -> None:
    """Each stored status change the caller may see, as ``StatusChangeOut`` JSON (module notes);
    with ``requests=true`` every message is an envelope and forces and break requests come too, and
    with ``queues=true`` as well a ``{"kind":"queues"}`` whenever the PBX queues' waiting callers
    change (read ``GET /reports/live`` again)."""
    # Subscribed before the handshake completes: a client that sees the connection open misses
    # nothing stored after that. Refusals complete the handshake first so the close code arrives.
    try:
        user, expires_at = await get_context(websocket).admission.run(check_token, websocket, token)
    except InvalidTokenError as exc:
        await websocket.accept()
        await websocket.close(CLOSE_UNAUTHENTICATED, str(exc) if token else "send ?token=<access token>")
        return
    if user.role not in _AUDITED:
        await websocket.accept()
        await websocket.close(
            CLOSE_FORBIDDEN, f"this needs the role team_lead or admin (you are {user.role.value})"
        )
        return
    scope = TeamScope.of(user)
    await serve_feed(
        websocket,
        expires_at,
        (lambda team: team == QUEUES or scope.allows(team)) if requests and queues else scope.allows,
        (_with_queues if queues else _enveloped) if requests else _changes_only,
        user_id=user.id,
        verdict=board_verdict(user.role, user.team_id),
    )


DEACTIVATED = (CLOSE_UNAUTHENTICATED, "this account is deactivated")
TEAM_CHANGED = (CLOSE_UNAUTHENTICATED, "your team changed: reconnect")
ROLE_CHANGED = (CLOSE_UNAUTHENTICATED, "your role changed: reconnect")


def board_verdict(role: Role, team_id: int | None) -> Verdict:
    """When a board (``/statuses/live``) must close: its user deactivated, no longer a team lead or
    admin, or with another scope (an admin made team lead, a team lead moved to another team: the
    board was subscribed for the old one)."""

    def verdict(standing: Standing | None) -> tuple[int, str] | None:
        if standing is None or not standing.active:
            return DEACTIVATED
        if standing.role not in _AUDITED:
            return CLOSE_FORBIDDEN, f"this needs the role team_lead or admin (you are {standing.role.value})"
        if standing.role is not role:
            return ROLE_CHANGED
        if standing.role is Role.TEAM_LEAD and standing.team_id != team_id:
            return TEAM_CHANGED
        return None

    return verdict


async def serve_feed(
    websocket: WebSocket,
    expires_at: datetime,
    allows: Callable[[int | None], bool],
    transform: Transform,
    *,
    user_id: int,
    verdict: Verdict,
) -> None:
    """Accept the socket and send it the feed's messages for ``allows`` teams, shaped by
    ``transform``, until the client leaves, falls behind (4408), its token expires (4401) or its
    user's ``verdict`` says to close (``server.api.userwatch``)."""
    context = get_context(websocket)
    feed = context.status_feed
    subscriber = feed.subscribe(allows)
    try:
        await websocket.accept()
    except BaseException:
        feed.unsubscribe(subscriber)
        raise
    watcher = context.user_watch.watch(user_id, verdict)
    pump = asyncio.ensure_future(_pump(websocket, subscriber, transform))
    drain = asyncio.ensure_future(_drain(websocket))
    try:
        remaining = (expires_at - datetime.now(UTC)).total_seconds()
        waiting: set[asyncio.Future[Any]] = {pump, drain, watcher.closed}
        done, _ = await asyncio.wait(waiting, timeout=max(remaining, 0), return_when=asyncio.FIRST_COMPLETED)
        if drain in done or (pump in done and pump.exception() is not None):
            return  # the client left (or its connection broke while sending)
        if watcher.closed in done:
            code, reason = watcher.closed.result()
            await websocket.close(code, reason)
        elif pump in done:
            await websocket.close(CLOSE_TOO_SLOW, "too far behind: reconnect")
        else:
            await websocket.close(CLOSE_UNAUTHENTICATED, "access token expired: reconnect with a fresh one")
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client went away while we were closing
    finally:
        context.user_watch.unwatch(watcher)
        feed.unsubscribe(subscriber)
        for task in (pump, drain):
            task.cancel()
        for task in (pump, drain):
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await task
