"""WebSocket ``/me/live?token=<access token>``: what the signed-in user's own desktop must hear
about: their status changes made elsewhere (a team lead's force applied at once), their requests
(a force waiting for the call to end, a break approved or refused), and a change of the catalogue
(``{"kind": "catalogue"}``: read ``GET /catalogue`` again), as ``app.wire.requests`` envelopes.
Any role may connect; each gets only messages about themselves. An operator's open connection is
also how the server knows their desk is alive (``server.presence``): silent for longer than
``desk_silence_seconds``, they are made not routable (``not_ready/connection_lost``).

It rides on the team feed (``server.api.broadcast``): subscribed to the user's team, each message is
read to keep only the user's own, which costs one JSON parse per team message: teams are tens of
operators, not thousands. Close codes as ``/statuses/live`` (4401, 4408); it closes with 4401 within
about a second of the user being deactivated or moved to another team.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, WebSocket

from app.wire.close_codes import CLOSE_UNAUTHENTICATED
from app.wire.requests import CATALOGUE_MESSAGE, REQUEST_PREFIX, status_message
from app.wire.statuses import BoardRow, OperatorStatus, StatusSource
from server.api.broadcast import EVERYONE
from server.api.context import get_context
from server.api.deps import CurrentUser, SessionDep
from server.api.routes.statuses import DEACTIVATED, TEAM_CHANGED, Transform, check_token, serve_feed
from server.api.userwatch import Standing, Verdict
from server.crud import statuses as status_crud
from server.models import Role
from server.presence import presence_of
from server.security import InvalidTokenError

router = APIRouter(prefix="/me", tags=["me"])


def _own(name: str) -> Transform:
    def transform(message: str) -> str | None:
        if message == CATALOGUE_MESSAGE:
            return message
        data = json.loads(message)
        if message.startswith(REQUEST_PREFIX):
            return message if data["request"]["operator"] == name else None
        return status_message(message) if data.get("operator") == name else None

    return transform


@router.get("/status")
def my_status(user: CurrentUser, session: SessionDep) -> BoardRow:
    """The signed-in user's current status as the board shows it: a desktop starting again after a
    crash reads it to tell what the server recorded while it was away (issue 14)."""
    team_ids = frozenset({user.team_id}) if user.team_id is not None else None
    for row in status_crud.board(session, team_ids=team_ids):
        if row.operator == user.name:
            return row
    return BoardRow(
        operator=user.name, status=OperatorStatus.OFFLINE, since=user.created_at, source=StatusSource.SYSTEM
    )


@router.websocket("/live")
async def my_live(websocket: WebSocket, token: str = "") -> None:
    """The user's own status changes and requests (module notes)."""
    admission = get_context(websocket).admission
    try:
        user, expires_at = await admission.run(check_token, websocket, token)
    except InvalidTokenError as exc:
        await websocket.accept()
        await websocket.close(CLOSE_UNAUTHENTICATED, str(exc) if token else "send ?token=<access token>")
        return
    team_id = user.team_id
    presence = presence_of(websocket) if user.role is Role.OPERATOR else None
    if presence is not None:  # this desk is alive while the socket is open (server.presence)
        await admission.run(presence.opened, user.id)
    try:
        await serve_feed(
            websocket,
            expires_at,
            lambda team: team in (team_id, EVERYONE),
            _own(user.name),
            user_id=user.id,
            verdict=_own_verdict(team_id),
        )
    finally:
        if presence is not None:
            await admission.run(presence.closed, user.id)


def _own_verdict(team_id: int | None) -> Verdict:
    """When a desktop's own feed must close: its user deactivated or moved to another team (the
    feed listens to the team's messages); the role does not matter here."""

    def verdict(standing: Standing | None) -> tuple[int, str] | None:
        if standing is None or not standing.active:
            return DEACTIVATED
        return TEAM_CHANGED if standing.team_id != team_id else None

    return verdict
