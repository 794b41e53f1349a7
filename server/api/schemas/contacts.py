"""Contacts as the wire shows them (``app.wire.contacts.ContactOut``)."""

from __future__ import annotations

from app.wire.contacts import ContactOut
from server.crud.contacts import derived_time_zone, stored_values
from server.models import Contact


def contact_out(contact: Contact) -> ContactOut:
    """The wire form of a stored contact. A contact stored without a time zone (an import that did
    not derive one) shows the one its landline gives, if any."""
    values = stored_values(contact)
    if values["time_zone"] is None:
        values["time_zone"] = derived_time_zone(values["phones"])
    return ContactOut(id=contact.id, version=contact.version, updated_at=contact.updated_at, **values)


def etag(contact: Contact) -> str:
    """The ``ETag`` of a contact: its version, quoted as HTTP wants an entity tag."""
    return f'"{contact.version}"'
