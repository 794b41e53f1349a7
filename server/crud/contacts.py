"""Contacts, their phones and the custom-field schema.

Wire shapes in, ORM rows out (routes turn them into ``ContactOut``). Phones arrive in E.164 (the wire
checks it); a number belongs to one contact at most, so writes that would take a number from another
contact raise :class:`PhoneTakenError` naming it, before the unique index would.

A contact's ``version`` moves on every stored change (SQLAlchemy's version counter); changing only
the phones does not touch the contact row by itself, so :func:`apply_changes` also sets ``updated_at``
whenever anything changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import phones
from app.wire.contacts import ChoiceLabel, Consent, ContactIn, FieldSchema
from server.models import Contact, ContactField, ContactPhone, utcnow

CONSENT_FLAGS = ("call", "sms", "email", "marketing")
#: Plain columns of ``Contact`` with the same name and meaning as the ``ContactIn`` field.
SCALAR_FIELDS = ("name", "birthday", "city", "time_zone", "email", "segment", "preferred_channel")


class PhoneTakenError(Exception):
    """Some of the numbers already belong to another contact (``owners``: number -> contact id)."""

    def __init__(self, owners: Mapping[str, int]) -> None:
        self.owners = dict(owners)
        listed = ", ".join(f"{e164} belongs to contact {cid}" for e164, cid in self.owners.items())
        super().__init__(listed)


def get_contact(session: Session, *, contact_id: int) -> Contact | None:
    return session.get(Contact, contact_id)


def find_by_phone(session: Session, *, e164s: Iterable[str]) -> Contact | None:
    """The contact owning the first of ``e164s`` that anyone owns (candidates come best first)."""
    for e164 in e164s:
        contact = session.scalars(
            select(Contact).join(ContactPhone).where(ContactPhone.e164 == e164)
        ).one_or_none()
        if contact is not None:
            return contact
    return None


def phone_owners(session: Session, *, e164s: Collection[str]) -> dict[str, int]:
    """Which contact owns each of ``e164s`` (numbers nobody owns are absent)."""
    if not e164s:
        return {}
    rows = session.execute(
        select(ContactPhone.e164, ContactPhone.contact_id).where(ContactPhone.e164.in_(list(e164s)))
    )
    return {e164: contact_id for e164, contact_id in rows}


def derived_time_zone(e164s: Iterable[str]) -> str | None:
    """The zone of the first number whose area gives exactly one (a landline), else ``None``."""
    return next(filter(None, map(phones.time_zone_for, e164s)), None)


def consent_of(contact: Contact) -> Consent:
    return Consent(
        call=contact.consent_call,
        sms=contact.consent_sms,
        email=contact.consent_email,
        marketing=contact.consent_marketing,
    )


def stored_values(contact: Contact) -> dict[str, Any]:
    """The contact's values keyed like ``ContactIn`` (what a patch is merged into)."""
    values: dict[str, Any] = {name: getattr(contact, name) for name in SCALAR_FIELDS}
    values["phones"] = [phone.e164 for phone in contact.phones]
    values["consent"] = consent_of(contact)
    values["custom"] = dict(contact.custom_fields)
    return values


def create_contact(session: Session, *, data: ContactIn) -> Contact:
    """Add a contact; a missing time zone is derived from a landline. :class:`PhoneTakenError` if a
    number is taken."""
    contact = Contact(name=data.name, custom_fields={})
    apply_changes(session, contact=contact, changes=data.model_dump(), derive_time_zone=True)
    session.add(contact)
    session.flush()
    return contact


def apply_changes(
    session: Session, *, contact: Contact, changes: Mapping[str, Any], derive_time_zone: bool
) -> set[str]:
    """Set ``changes`` (``ContactIn`` field names, validated values) on ``contact``; the names of the
    fields that really changed. ``consent`` merges flag by flag (a :class:`Consent` sets the flags it
    was given); ``custom`` and ``phones`` replace. :class:`PhoneTakenError` if a new number is taken.
    With ``derive_time_zone``, a contact left without a time zone gets one from a landline.
    """
    changed: set[str] = set()
    for name in SCALAR_FIELDS:
        if name in changes and getattr(contact, name) != changes[name]:
            setattr(contact, name, changes[name])
            changed.add(name)
    if "phones" in changes and _set_phones(session, contact, list(changes["phones"])):
        changed.add("phones")
    if "consent" in changes:
        consent = changes["consent"]
        flags = (
            {flag: getattr(consent, flag) for flag in consent.model_fields_set}
            if isinstance(consent, Consent)
            else dict(consent)
        )
        for flag, value in flags.items():
            if flag in CONSENT_FLAGS and getattr(contact, f"consent_{flag}") != value:
                setattr(contact, f"consent_{flag}", value)
                changed.add("consent")
    if "custom" in changes and dict(contact.custom_fields or {}) != dict(changes["custom"]):
        contact.custom_fields = dict(changes["custom"])
        changed.add("custom")
    if derive_time_zone and contact.time_zone is None:
        zone = derived_time_zone(phone.e164 for phone in contact.phones)
        if zone is not None:
            contact.time_zone = zone
            changed.add("time_zone")
    if changed and contact.id is not None:
        contact.updated_at = utcnow()  # makes the UPDATE (and the version bump) happen for phones too
    return changed


def _set_phones(session: Session, contact: Contact, wanted: list[str]) -> bool:
    """Make the contact's numbers ``wanted``, in that order. Rows of numbers kept are reused: deleting
    and re-inserting a number in one flush would hit the unique index (inserts run first)."""
    current = [phone.e164 for phone in contact.phones]
    if current == wanted:
        return False
    new = [e164 for e164 in wanted if e164 not in current]
    with session.no_autoflush:  # flushing the edits made so far would bump the version twice per save
        owners = phone_owners(session, e164s=new)
    taken = {e164: cid for e164, cid in owners.items() if cid != contact.id}
    if taken:
        raise PhoneTakenError(taken)
    by_number = {phone.e164: phone for phone in contact.phones}
    rows = [by_number.get(e164) or ContactPhone(e164=e164) for e164 in wanted]
    for position, row in enumerate(rows):
        row.position = position
    contact.phones = rows
    return True


def field_schema(session: Session) -> list[FieldSchema]:
    """The declared custom fields, in display order."""
    rows = session.scalars(select(ContactField).order_by(ContactField.position, ContactField.key))
    return [field_schema_of(row) for row in rows]


def field_schema_of(row: ContactField) -> FieldSchema:
    return FieldSchema(
        key=row.key,
        label_en=row.label_en,
        label_ru=row.label_ru,
        type=row.type,
        choices=[c["value"] if isinstance(c, dict) else c for c in row.choices or []],
        choice_labels=[ChoiceLabel.model_validate(c) for c in row.choices or [] if isinstance(c, dict)],
        required=row.required,
    )


def put_field(session: Session, *, spec: FieldSchema) -> tuple[ContactField, bool]:
    """Declare or redeclare one custom field; the flag says whether it is new (it goes last).

    Values already stored are not rewritten: a contact whose value no longer fits is refused the
    next time its custom fields are edited, with the reason.
    """
    row = session.get(ContactField, spec.key)
    created = row is None
    if row is None:
        last = session.scalar(select(func.max(ContactField.position)))
        row = ContactField(key=spec.key, position=(last + 1) if last is not None else 0)
        session.add(row)
    row.label_en = spec.label_en
    row.label_ru = spec.label_ru
    row.type = spec.type
    labels = {c.value: c.model_dump() for c in spec.choice_labels}
    # a labelled choice is stored as its label object, so no migration: plain strings still read
    row.choices = [labels.get(value, value) for value in spec.choices] or None
    row.required = spec.required
    session.flush()
    return row, created


def contacts_by_ids(session: Session, *, ids: Sequence[int]) -> dict[int, Contact]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Contact).where(Contact.id.in_(list(ids))))}
