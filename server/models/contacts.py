"""Contacts (the CRM side), their phone numbers, and the schema of their custom fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, SmallInteger, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.wire.common import CODE_MAX, E164_MAX, EMAIL_MAX, LABEL_MAX, NAME_MAX, SHORT_MAX
from server.models.base import EMPTY_JSON_OBJECT, Base, BigIntPK, JSONDoc, Timestamps, str_enum
from server.models.enums import FieldType, PreferredChannel


class Contact(Timestamps, Base):
    """A person the centre calls or is called by.

    ``version`` is SQLAlchemy's optimistic-locking counter (``version_id_col``): every UPDATE of the
    row checks and bumps it, and a concurrent change raises ``StaleDataError``. The HTTP layer maps
    it to ETag / If-Match. Changing only ``phones`` does not update this row: touch ``updated_at``
    too so the version moves.
    """

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), index=True)
    birthday: Mapped[date | None] = mapped_column(Date)
    city: Mapped[str | None] = mapped_column(String(LABEL_MAX))
    #: IANA zone name, e.g. ``Asia/Yekaterinburg``.
    time_zone: Mapped[str | None] = mapped_column(String(CODE_MAX))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX))
    segment: Mapped[str | None] = mapped_column(String(SHORT_MAX), index=True)
    preferred_channel: Mapped[PreferredChannel | None] = mapped_column(
        str_enum(PreferredChannel, "preferred_channel")
    )
    #: Consent per channel (``app.wire.contacts.Consent``): NULL is "not recorded", not a refusal.
    consent_call: Mapped[bool | None] = mapped_column(Boolean)
    consent_sms: Mapped[bool | None] = mapped_column(Boolean)
    consent_email: Mapped[bool | None] = mapped_column(Boolean)
    consent_marketing: Mapped[bool | None] = mapped_column(Boolean)
    #: Values of the fields declared in ``contact_fields``, keyed by ``ContactField.key``.
    custom_fields: Mapped[dict[str, Any]] = mapped_column(
        JSONDoc, default=dict, server_default=EMPTY_JSON_OBJECT
    )
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    phones: Mapped[list[ContactPhone]] = relationship(
        back_populates="contact",
        cascade="all, delete-orphan",
        order_by="ContactPhone.position",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared mapping

    def __repr__(self) -> str:  # no personal data in reprs
        return f"<Contact id={self.id} version={self.version}>"


class ContactPhone(Base):
    """One number of a contact, normalised to E.164. A number belongs to one contact at most."""

    __tablename__ = "contact_phones"
    __table_args__ = (Index("ux_contact_phones_e164", "e164", unique=True),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    #: ``+79123456789``: at most 15 digits after the plus (ITU-T E.164).
    e164: Mapped[str] = mapped_column(String(E164_MAX))
    #: Free label such as ``mobile`` or ``work``.
    label: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))

    contact: Mapped[Contact] = relationship(back_populates="phones")


class ContactField(Base):
    """A declared custom field; contacts keep the values in ``Contact.custom_fields[key]``."""

    __tablename__ = "contact_fields"

    key: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX))
    label_ru: Mapped[str] = mapped_column(String(LABEL_MAX))
    type: Mapped[FieldType] = mapped_column(str_enum(FieldType, "type"))
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Allowed values for ``choice`` fields, else NULL: each a string, or ``{"value", "label_en",
    #: "label_ru"}`` when it has words for people (``app.wire.contacts.ChoiceLabel``).
    choices: Mapped[list[str | dict[str, str]] | None] = mapped_column(JSONDoc)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
