"""``/messaging/reports/{uid}``: delivery reports from the SMS providers, on the signed URL each
message was sent with (``server.messaging.base.report_url``); no login, the signature is the key.

* Kannel calls ``GET ...&kannel=%d`` (1 delivered, 2 failed, 8 accepted by the SMSC, 16 rejected).
* The HTTP provider POSTs ``{"status": "delivered" | "undelivered" | "failed" | "replied"}``
  ("replied": the client answered the SMS; a chain's ``branch`` counts it as a reaction).

A report never moves a message back (a late "accepted" after "delivered" changes nothing); a
report for a message not yet recorded as sent is kept (the send's record does not overwrite it).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.api.context import get_context
from server.messaging.base import good_signature
from server.messaging.kannel import REPORT_STATES
from server.models import ChainMessage, ChainStep, utcnow

router = APIRouter(prefix="/messaging", tags=["messaging"])

_RANK = {"queued": 0, "sent": 1, "delivered": 2, "undelivered": 2, "failed": 2, "replied": 3}
Sig = Annotated[str, Query(min_length=32, max_length=32)]


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: Literal["delivered", "undelivered", "failed", "replied"]
    error: Annotated[str | None, Field(max_length=500)] = None


def _apply(
    request: Request, uid: uuid.UUID, sig: str, state: str | None, error: str | None
) -> dict[str, str]:
    context = get_context(request)
    if not good_signature(context.settings.secret_key.get_secret_value(), uid, sig):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "bad signature")
    with context.database.sessions() as session:
        message = session.scalars(
            select(ChainMessage).where(ChainMessage.uid == uid).with_for_update()
        ).first()
        if message is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such message")
        if state == "failed":
            state = "undelivered"
        if state is not None and _RANK.get(state, 0) > _RANK.get(message.state, 0):
            message.state = state
            if state in ("delivered", "undelivered"):
                message.delivered_at = utcnow()
            if error:
                message.last_error = error[:500]
        if message.handed_at is not None and message.state != "queued":
            _wake_in_doubt(session, message.step_row_id)
        result = message.state
        session.commit()
    return {"state": result}


def _wake_in_doubt(session: Session, step_row_id: int) -> None:
    """A report on a message in doubt (``server.chains.in_doubt``): its step, waiting for this
    report, is due now (the chain worker of this process looks at once, others within a poll)."""
    woken = session.execute(
        update(ChainStep)
        .where(ChainStep.id == step_row_id, ChainStep.state == "pending")
        .values(due_at=utcnow())
    )
    if woken.rowcount:  # type: ignore[attr-defined]
        session.info["chains.new_steps"] = True


@router.get("/reports/{uid}")
def kannel_report(
    uid: uuid.UUID, sig: Sig, request: Request, kannel: Annotated[int, Query(ge=0, le=1024)]
) -> dict[str, str]:
    return _apply(request, uid, sig, REPORT_STATES.get(kannel), None)


@router.post("/reports/{uid}")
def provider_report(uid: uuid.UUID, sig: Sig, body: ReportIn, request: Request) -> dict[str, str]:
    return _apply(request, uid, sig, body.status, body.error)
