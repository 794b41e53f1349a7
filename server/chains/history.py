"""The chains' messages in a contact's history (``GET /contacts/{id}/history?messages=true``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.wire.contacts import MESSAGE_TEXT_MAX, HistoryCall, HistoryItem, HistoryMessage, MessageStatus
from server.models import ChainDefinition, ChainMessage, ChainRun, InboundMessage


def _cut(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= MESSAGE_TEXT_MAX else text[: MESSAGE_TEXT_MAX - 1] + "…"


def chain_history(session: Session, contact_id: int, *, limit: int) -> list[HistoryMessage]:
    """The contact's last ``limit`` messages, newest first."""
    rows = session.execute(
        select(ChainMessage, ChainRun.chain_id, ChainDefinition.name)
        .join(ChainRun, ChainRun.id == ChainMessage.run_id)
        .outerjoin(
            ChainDefinition,
            (ChainDefinition.id == ChainRun.chain_id) & (ChainDefinition.version == ChainRun.chain_version),
        )
        .where(ChainMessage.contact_id == contact_id)
        .order_by(ChainMessage.created_at.desc(), ChainMessage.id.desc())
        .limit(limit)
    )
    return [
        HistoryMessage(
            channel="email" if message.channel == "email" else "sms",
            at=message.sent_at or message.created_at,
            chain=chain_id,
            chain_name=(name or "")[:200],
            recipient=message.recipient,
            subject=_cut(message.subject),
            text=_cut(message.body) or "",
            status=cast(MessageStatus, message.state),  # the states of server.models.chains
            error=_cut(message.last_error),
        )
        for message, chain_id, name in rows
    ]


def inbound_history(session: Session, contact_id: int, *, limit: int) -> list[HistoryMessage]:
    """The messages the contact sent us (``server.chains.replies``), newest first, with the chain
    each answers."""
    rows = session.execute(
        select(InboundMessage, ChainRun.chain_id, ChainDefinition.name)
        .outerjoin(ChainMessage, ChainMessage.id == InboundMessage.answers_id)
        .outerjoin(ChainRun, ChainRun.id == ChainMessage.run_id)
        .outerjoin(
            ChainDefinition,
            (ChainDefinition.id == ChainRun.chain_id) & (ChainDefinition.version == ChainRun.chain_version),
        )
        .where(InboundMessage.contact_id == contact_id)
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(limit)
    )
    return [
        HistoryMessage(
            channel="email" if message.channel == "email" else "sms",
            direction="inbound",
            at=message.received_at,
            chain=chain_id,
            chain_name=(name or "")[:200],
            recipient=message.sender,
            subject=_cut(message.subject),
            text=_cut(message.body) or "",
            status="received",
        )
        for message, chain_id, name in rows
    ]


def merged(calls: Sequence[HistoryItem], messages: Sequence[HistoryMessage]) -> list[HistoryItem]:
    """Calls and messages in one list, newest first (a call by its ring time)."""

    def when(item: HistoryItem) -> float:
        return (item.ring_at if isinstance(item, HistoryCall) else item.at).timestamp()

    return sorted([*calls, *messages], key=when, reverse=True)
