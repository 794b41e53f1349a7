"""A client's answer to a chain (docs/chains.md "Replies"): an SMS or e-mail the client sent us,
stored, matched to its contact and to the chain message it answers, and counted as a reaction.

The providers' shapes (Kannel's MO get-url, the HTTP SMS provider's and the inbound-mail
webhooks) are read in ``server.api.routes.messaging``; everything here is provider-neutral.

**Matching.** The sender's number is normalised to E.164 as the card's numbers are
(``app.phones.normalise``: ``89123456789``, ``9123456789`` and ``+7 912 345-67-89`` are one
number); an address is compared without case. The contacts are those with that number (or
address). The **open runs** are the running runs of those contacts, or for that number. In each,
the newest message sent to the client (the reply's channel first) becomes ``replied``; an e-mail
whose ``In-Reply-To`` (or ``References``) names one of our Message-IDs (``<uid@ringdesk>``) answers
that message exactly. A chain's ``branch`` with the ``reply`` reaction then takes its ``reacted``
way: it counts a ``replied`` message of the run, or any message the contact sent since the run
started (``server.chains.reactions.reacted``), so a reply that came before the chain's first message
also counts.

**Exactly once.** ``(provider, external_id)`` is unique: the same message delivered again (Kannel
retrying its get-url after a lost answer, a webhook retried) is stored once and changes nothing.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from typing import Any, Literal

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.phones import PhoneError, normalise
from server.models import ChainMessage, ChainRun, Contact, ContactPhone, InboundMessage

TEXT_MAX = 10_000
ANSWERED_STATES = ("sent", "delivered", "undelivered", "replied")
"""A message the client may answer: the provider took it (an ``undelivered`` report can be wrong)."""
_OUR_ID = re.compile(r"<([0-9a-fA-F-]{36})@ringdesk>")


@dataclass(frozen=True)
class Incoming:
    """A message a client sent, as a provider delivered it."""

    channel: Literal["sms", "email"]
    provider: str
    sender: str
    recipient: str
    text: str
    external_id: str | None = None
    subject: str | None = None
    in_reply_to: str = ""
    """An e-mail's ``In-Reply-To`` and ``References`` headers (our Message-IDs are found in them)."""
    received_at: datetime | None = None


@dataclass(frozen=True)
class Recorded:
    id: int
    duplicate: bool
    contact_id: int | None
    replied: tuple[int, ...]
    """The chain messages now ``replied`` (one per open run answered)."""


def sender_key(channel: str, sender: str) -> str:
    """The sender as the card stores it: E.164 for a number that parses (else as given), an
    address in lower case without its display name."""
    if channel == "sms":
        try:
            return normalise(sender.strip())
        except PhoneError:
            return sender.strip()
    return parseaddr(sender)[1].strip().lower() or sender.strip().lower()


def _contacts(session: Session, channel: str, sender: str) -> list[int]:
    if channel == "sms":
        query = select(ContactPhone.contact_id).where(ContactPhone.e164 == sender)
    else:
        query = select(Contact.id).where(func.lower(Contact.email) == sender)
    return sorted(set(session.scalars(query)))


def _named(session: Session, incoming: Incoming) -> ChainMessage | None:
    """The e-mail an answer names in ``In-Reply-To``/``References`` (the newest named)."""
    uids = _OUR_ID.findall(incoming.in_reply_to)
    if incoming.channel != "email" or not uids:
        return None
    wanted = [uuid.UUID(u) for u in uids]
    return session.scalars(
        select(ChainMessage).where(ChainMessage.uid.in_(wanted)).order_by(ChainMessage.id.desc())
    ).first()


def _open_runs(session: Session, contacts: list[int], sender: str, channel: str) -> list[ChainRun]:
    mine: list[ColumnElement[bool]] = [ChainRun.contact_id.in_(contacts)] if contacts else []
    if channel == "sms":
        mine.append(ChainRun.phone == sender)
    if not mine:
        return []
    return list(
        session.scalars(
            select(ChainRun)
            .where(ChainRun.state == "running", or_(*mine))
            .order_by(ChainRun.id)
            .with_for_update()
        )
    )


def _answered_in(session: Session, run: ChainRun, channel: str) -> ChainMessage | None:
    """The run's newest message the client may be answering, the reply's channel first."""
    return session.scalars(
        select(ChainMessage)
        .where(ChainMessage.run_id == run.id, ChainMessage.state.in_(ANSWERED_STATES))
        .order_by((ChainMessage.channel == channel).desc(), ChainMessage.id.desc())
        .with_for_update()
    ).first()


def record(session: Session, incoming: Incoming, *, now: datetime) -> Recorded:
    """Store ``incoming``, mark what it answers ``replied`` (module notes); not committed."""
    sender = sender_key(incoming.channel, incoming.sender)
    if incoming.external_id:
        known = session.scalars(
            select(InboundMessage).where(
                InboundMessage.provider == incoming.provider,
                InboundMessage.external_id == incoming.external_id,
            )
        ).first()
        if known is not None:
            return Recorded(known.id, True, known.contact_id, ())
    contacts = _contacts(session, incoming.channel, sender)
    named = _named(session, incoming)
    answered: list[ChainMessage] = []
    if named is not None and named.state in ANSWERED_STATES:
        answered.append(named)
    for run in _open_runs(session, contacts, sender, incoming.channel):
        if named is not None and named.run_id == run.id:
            continue
        message = _answered_in(session, run, incoming.channel)
        if message is not None:
            answered.append(message)
    for message in answered:
        message.state = "replied"
    first = answered[0] if answered else None
    contact_id = first.contact_id if first is not None and first.contact_id is not None else None
    if contact_id is None and contacts:
        contact_id = contacts[0]
    values = {
        "channel": incoming.channel,
        "provider": incoming.provider,
        "external_id": incoming.external_id,
        "sender": sender[:320],
        "recipient": incoming.recipient[:320],
        "contact_id": contact_id,
        "answers_id": first.id if first is not None else None,
        "subject": incoming.subject[:TEXT_MAX] if incoming.subject else None,
        "body": incoming.text[:TEXT_MAX],
        "received_at": incoming.received_at or now,
        "created_at": now,
    }
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    new_id = session.scalar(
        insert(InboundMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["provider", "external_id"])
        .returning(InboundMessage.id)
    )
    if new_id is None:  # the same message delivered twice at once: the other request stored it
        session.rollback()
        again = session.scalars(
            select(InboundMessage).where(
                InboundMessage.provider == incoming.provider,
                InboundMessage.external_id == incoming.external_id,
            )
        ).one()
        return Recorded(again.id, True, again.contact_id, ())
    return Recorded(int(new_id), False, contact_id, tuple(m.id for m in answered))


def replied_since(run: ChainRun) -> Any:
    """The SQL condition "the client sent us a message since ``run`` started" (``reacted``)."""
    sent_since = InboundMessage.received_at > run.started_at
    if run.contact_id is not None:
        return exists().where(and_(InboundMessage.contact_id == run.contact_id, sent_since))
    if run.phone:
        return exists().where(and_(InboundMessage.sender == run.phone, sent_since))
    return None
