"""Messages clients send us (issue 19, docs/chains.md "Replies"): an SMS answering a chain's SMS
(Kannel's MO messages, the HTTP SMS provider's inbound webhook) or an e-mail (the inbound-mail
webhook). Each is matched to its contact by the sender (the number in E.164, the address) and, when
it answers one, to the chain message it answers (``answers_id``: the newest one sent to that sender
by a run still going, or the e-mail its ``In-Reply-To`` names). The card's history shows them.

``(provider, external_id)`` is unique: a provider that delivers the same message again (Kannel
retrying its get-url, a webhook retried) stores it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import SQL_NOW, Base, BigIntPK, UTCDateTime, utcnow
from server.models.chains import RECIPIENT_MAX


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("provider", "external_id"),
        Index("ix_inbound_messages_contact_id_received_at", "contact_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    #: ``kannel``, ``http`` (the HTTP SMS provider), ``email`` (the inbound-mail webhook).
    provider: Mapped[str] = mapped_column(String(16))
    #: The provider's id of the message (Kannel's ``%I``, the webhook's ``id``, the Message-ID).
    external_id: Mapped[str | None] = mapped_column(String(128))
    #: The number (E.164 when it parses) or the address the client wrote from.
    sender: Mapped[str] = mapped_column(String(RECIPIENT_MAX))
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_MAX))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("chain_messages.id", ondelete="SET NULL"))
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, server_default=SQL_NOW)
