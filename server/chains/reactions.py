"""Whether a client reacted since a chain's run started, for the chains' ``branch`` steps: called
in, a later disposition, or a reply (``server.chains.replies``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from server.chains import replies
from server.models import Call, ChainMessage, ChainRun, ContactPhone, Disposition


def reacted(session: Session, run: ChainRun, kinds: frozenset[str]) -> bool:
    """Whether the client reacted since the run started: called in, a later disposition, or a reply
    (``server.chains.replies``)."""
    since = run.started_at
    checks: list[Any] = []
    if "call" in kinds:
        numbers: list[str] = [run.phone] if run.phone else []
        if run.contact_id is not None:
            numbers += list(
                session.scalars(select(ContactPhone.e164).where(ContactPhone.contact_id == run.contact_id))
            )
        if numbers:
            arrived = func.coalesce(Call.arrived_at, Call.ended_at, Call.created_at)
            checks.append(exists().where(Call.caller.in_(numbers), arrived > since))
    if "disposition" in kinds and run.contact_id is not None:
        checks.append(
            exists().where(Disposition.contact_id == run.contact_id, Disposition.received_at > since)
        )
    if "reply" in kinds:
        checks.append(exists().where(ChainMessage.run_id == run.id, ChainMessage.state == "replied"))
        if (sent_us := replies.replied_since(run)) is not None:  # also before the chain's first message
            checks.append(sent_us)
    return bool(checks) and bool(session.scalar(select(or_(*checks))))
