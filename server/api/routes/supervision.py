"""``/supervision``: grants for a team lead to listen to, whisper to or barge into a live call.

* ``GET /supervision/policy`` (anyone signed in): the server's Ed25519 public key, the grant's life and
  whether listen mode is hidden from operators. The operator's desktop hands it to its telephony
  service, which checks grants with it offline (``app.supervision.grants``).
* ``POST /supervision/grants`` (``GrantIn``): a team lead for an operator of their own team, an admin
  for anyone; 403 otherwise (an operator never). The operator must be on a call the server knows:
  current status ``on_call`` and an accepted, unfinished call reported for them (the desktop reports
  it when answered, ``app.tasks.outcomes``; a PBX adapter may too); 409 otherwise. The answer holds a
  grant signed for that lead, that operator and that call, valid ``supervision_grant_seconds``, with a
  nonce so the operator's service takes it once. Every grant is audited (``supervision.grant``), the
  nonce left out.
* ``POST /supervision/spy`` (``GrantIn``), where the centre runs Asterisk and ``supervision_via`` is
  ``asterisk``: the same rules, then the AMI adapter calls the lead's phone into ``ChanSpy`` on the
  operator's channel with the mode's options (``server.pbx.spy``); sent again with another mode, it
  switches. ``DELETE /supervision/spy`` ends the lead's session. Both need the lead's and the
  operator's ``sip_uri`` (their extensions); 409 when supervision does not go through Asterisk here,
  502 when the PBX cannot be reached. Audited as ``supervision.spy``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.supervision import grants
from app.wire.calls import CallOutcome
from app.wire.statuses import OperatorStatus
from app.wire.supervision import GrantIn, GrantOut, SupervisionMode, SupervisionPolicy
from server.api.acting import acting_for
from server.api.context import get_context
from server.api.deps import AuditDep, CurrentUser, LeadOrAdmin, SessionDep, SettingsDep
from server.models import Call, OperatorCurrentStatus, Role, User
from server.pbx.ami import AmiError
from server.settings import Settings

router = APIRouter(prefix="/supervision", tags=["supervision"])

GRANT_ACTION = "supervision.grant"
ALL_MODES = (SupervisionMode.LISTEN, SupervisionMode.WHISPER, SupervisionMode.BARGE)


@lru_cache(maxsize=4)
def _key_for(secret: str) -> Ed25519PrivateKey:
    return grants.key_from_secret(secret)


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The server's grant key (derived from its secret key, so every worker signs alike)."""
    return _key_for(settings.secret_key.get_secret_value())


@router.get("/policy")
def read_policy(user: CurrentUser, settings: SettingsDep) -> SupervisionPolicy:
    """What a desktop needs to check grants and to show supervision (module notes)."""
    return SupervisionPolicy(
        public_key=grants.public_text(signing_key(settings)),
        hide_listen=settings.supervision_hide_listen,
        grant_seconds=settings.supervision_grant_seconds,
        via=settings.supervision_via,
    )


def _live_call(session: Session, user: User, operator_name: str) -> tuple[User, Call]:
    """The operator ``user`` may supervise, and their call in progress (403 / 409 / 422 otherwise)."""
    operator = acting_for(
        session,
        user,
        operator_name,
        own_only="operators cannot supervise",
        team_only="team leads supervise their own team only",
        active_only=True,
    )
    if operator.id == user.id or operator.role is not Role.OPERATOR:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "only an operator's call can be supervised")
    current = session.get(OperatorCurrentStatus, operator.id)
    call = None
    if current is not None and current.status is OperatorStatus.ON_CALL:
        call = session.scalars(
            select(Call)
            .where(
                Call.operator == operator.name,
                Call.outcome == CallOutcome.ACCEPTED,
                Call.answered_at.is_not(None),
                Call.ended_at.is_(None),
            )
            .order_by(Call.answered_at.desc(), Call.id.desc())
            .limit(1)
        ).first()
    if call is None:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{operator.name} is not on a call")
    return operator, call


@router.post(
    "/grants",
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"description": "not a team lead of the operator's team, nor an admin"},
        409: {"description": "the operator is not on a call the server knows"},
        422: {"description": "no such operator"},
    },
)
def post_grant(
    body: GrantIn, user: LeadOrAdmin, session: SessionDep, settings: SettingsDep, audit: AuditDep
) -> GrantOut:
    """Sign a grant for the operator's current call (module notes)."""
    operator, call = _live_call(session, user, body.operator)
    token, expires = grants.sign(
        signing_key(settings),
        lead=user.name,
        operator=operator.name,
        call_id=call.call_id,
        modes=ALL_MODES,
        mode=body.mode,
        seconds=settings.supervision_grant_seconds,
    )
    expires_at = datetime.fromtimestamp(expires, UTC)
    audit(
        GRANT_ACTION,
        target=f"user:{operator.id}",
        details={
            "operator": operator.name,
            "call_id": call.call_id,
            "mode": body.mode.value,
            "expires_at": expires_at.isoformat(),
        },
    )
    session.commit()
    return GrantOut(
        grant=token,
        operator=operator.name,
        call_id=call.call_id,
        modes=list(ALL_MODES),
        mode=body.mode,
        expires_at=expires_at,
        target=operator.sip_uri,
    )


def _extension(user: User) -> str:
    rest = (user.sip_uri or "").split(":", 1)[-1]
    if "@" not in rest:
        raise HTTPException(status.HTTP_409_CONFLICT, f"{user.name} has no SIP address (sip_uri)")
    return rest.split("@", 1)[0]


def _spy(request: Request, settings: Settings) -> Any:
    spies = get_context(request).queues.spies()
    if settings.supervision_via != "asterisk" or not spies:
        raise HTTPException(status.HTTP_409_CONFLICT, "supervision does not go through Asterisk here")
    return spies[0]


@router.post(
    "/spy",
    responses={
        403: {"description": "not a team lead of the operator's team, nor an admin"},
        409: {"description": "not on a call, no SIP address, or supervision is not Asterisk's here"},
        502: {"description": "the PBX could not be reached"},
    },
)
def post_spy(
    *,
    body: GrantIn,
    user: LeadOrAdmin,
    session: SessionDep,
    settings: SettingsDep,
    audit: AuditDep,
    request: Request,
) -> GrantOut:
    """Put the lead on the operator's call through Asterisk's ChanSpy (module notes)."""
    spy = _spy(request, settings)
    operator, call = _live_call(session, user, body.operator)
    lead = session.get(User, user.id)
    assert lead is not None
    try:
        get_context(request).queues.call(spy.start(_extension(lead), _extension(operator), body.mode))
    except (ConnectionError, TimeoutError, AmiError) as exc:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"the PBX did not take it: {exc}") from None
    audit(
        "supervision.spy",
        target=f"user:{operator.id}",
        details={"operator": operator.name, "call_id": call.call_id, "mode": body.mode.value},
    )
    session.commit()
    return GrantOut(
        grant="",
        operator=operator.name,
        call_id=call.call_id,
        modes=list(ALL_MODES),
        mode=body.mode,
        expires_at=datetime.now(UTC),
        target=None,
    )


@router.delete("/spy", status_code=status.HTTP_204_NO_CONTENT)
def delete_spy(user: LeadOrAdmin, session: SessionDep, settings: SettingsDep, request: Request) -> None:
    """End the lead's ChanSpy session (nothing when there is none)."""
    spy = _spy(request, settings)
    lead = session.get(User, user.id)
    assert lead is not None
    try:
        get_context(request).queues.call(spy.stop(_extension(lead)))
    except (ConnectionError, TimeoutError, AmiError) as exc:
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, f"the PBX did not take it: {exc}") from None
