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
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, HTTPException, status
from sqlalchemy import select

from app.supervision import grants
from app.wire.calls import CallOutcome
from app.wire.statuses import OperatorStatus
from app.wire.supervision import GrantIn, GrantOut, SupervisionMode, SupervisionPolicy
from server.api.acting import acting_for
from server.api.deps import AuditDep, CurrentUser, LeadOrAdmin, SessionDep, SettingsDep
from server.models import Call, OperatorCurrentStatus, Role
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
    )


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
    operator = acting_for(
        session,
        user,
        body.operator,
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
