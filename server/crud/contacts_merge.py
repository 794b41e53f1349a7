"""Merging an import row into a stored contact held as plain values (no ORM object).

The rules are those of an edit through :func:`server.crud.contacts.apply_changes` with the import's
merge (:mod:`server.contacts_import`): empty cells and missing columns keep what is stored, new
numbers are appended to the stored ones, consent changes only the flags the row gives, custom fields
change key by key, a contact left without a zone gets the zone of a landline. Holding the contact as a
dict instead of an ORM object is what lets the import decide every row in Python and then write all
the changed contacts of a batch in one statement (:func:`server.crud.contacts_upsert.update_contacts`):
building, tracking and flushing ORM objects one by one was most of a re-import's time.

A :class:`StoredContact` is merged into in place, so a second row for the same contact in a batch is
compared with the contact as the first row left it, exactly as the ORM's identity map did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.wire.contacts import PHONES_MAX, ContactIn
from server.crud.contacts import CONSENT_FLAGS, SCALAR_FIELDS, derived_time_zone

#: The ``contacts`` columns an import may change, in the order bulk writes send them.
MERGED_COLUMNS = (
    *SCALAR_FIELDS,
    *(f"consent_{flag}" for flag in CONSENT_FLAGS),
    "custom_fields",
)


_COLUMN_AT = {name: at for at, name in enumerate(MERGED_COLUMNS)}


class StoredContact:
    """A stored contact as read at the start of a batch, then as the batch's rows leave it.

    Read from the database (:meth:`read`) it keeps the row as it came and builds :attr:`values` only
    when asked: a re-import of unchanged rows compares four or five values of each contact
    (:meth:`stored`) and merges into none, and building a dict of every column for each of 220,000
    contacts was a fifth of its Python time (issue 15)."""

    __slots__ = ("_row", "_values", "changed", "id", "phones", "positions", "version")

    def __init__(
        self,
        id: int,
        version: int,
        values: dict[str, Any] | None,
        phones: list[str],
        positions: dict[str, int],
        *,
        row: Sequence[Any] = (),
    ) -> None:
        self.id = id
        self.version = version
        """The version read: the bulk write updates the row only if it still has it."""
        self.phones = phones
        """The numbers in order (stored ones first, then the ones rows added)."""
        self.positions = positions
        """The stored numbers' positions as read, to write only the numbers that are new or moved."""
        self.changed = False
        """Whether any row changed it (then it is written once, and its version moves once)."""
        self._row = row
        self._values = values

    @classmethod
    def read(
        cls,
        id: int,
        version: int,
        row: Sequence[Any],
        positions: dict[str, int],
    ) -> StoredContact:
        """The contact as a query gave it: ``row`` holds :data:`MERGED_COLUMNS` in order (custom
        fields may be ``None`` for none), ``positions`` its numbers'."""
        return cls(id, version, None, list(positions), positions, row=row)

    def copy(self) -> StoredContact:
        """A copy to merge into, leaving this one as read (a row tuple is shared: it never changes)."""
        values = None if self._values is None else dict(self._values)
        copied = StoredContact(
            self.id, self.version, values, list(self.phones), dict(self.positions), row=self._row
        )
        copied.changed = self.changed
        return copied

    @property
    def values(self) -> dict[str, Any]:
        """:data:`MERGED_COLUMNS` by name, typed as the ORM would load them (merged into in place)."""
        if self._values is None:
            values = dict(zip(MERGED_COLUMNS, self._row, strict=True))
            values["custom_fields"] = values["custom_fields"] or {}
            self._values = values
        return self._values

    def stored(self, name: str) -> Any:
        """The value of column ``name`` as :attr:`values` has it, without building them."""
        if self._values is not None:
            return self._values[name]
        value = self._row[_COLUMN_AT[name]]
        return (value or {}) if name == "custom_fields" else value

    def new_phones(self) -> list[tuple[str, int]]:
        """Numbers to insert: ``(e164, position)``."""
        return [(e164, at) for at, e164 in enumerate(self.phones) if e164 not in self.positions]

    def moved_phones(self) -> list[tuple[str, int]]:
        """Stored numbers whose position is no longer their place in :attr:`phones` (stored with
        gaps, say): when the numbers change, every position is rewritten, as the ORM path did."""
        if len(self.phones) == len(self.positions):  # numbers are only ever appended: none were
            return []
        stored = self.positions
        return [(e164, at) for at, e164 in enumerate(self.phones) if e164 in stored and stored[e164] != at]


@dataclass(frozen=True, slots=True)
class Merge:
    """What merging one row did."""

    renamed_from: str | None = None
    """The contact's name before the row renamed it (the import warns), else ``None``."""
    too_many: int | None = None
    """How many numbers the contact would have had: set when the row is refused for it (nothing merged)."""
    changed: bool = False


def merge_row(contact: StoredContact, data: ContactIn) -> Merge:
    """Merge ``data`` into ``contact`` in place (see the module docstring for the rules)."""
    values = contact.values
    stored_name = values["name"]
    renamed = stored_name if data.name and stored_name and stored_name != data.name else None
    numbers = contact.phones + [e164 for e164 in data.phones if e164 not in contact.phones]
    if len(numbers) > PHONES_MAX:
        return Merge(renamed, too_many=len(numbers))
    changed = False
    given = data.model_fields_set
    for name in SCALAR_FIELDS:
        if name == "name":
            if not data.name:
                continue
        elif name not in given:
            continue
        value = getattr(data, name)
        if values[name] != value:
            values[name] = value
            changed = True
    if numbers != contact.phones:
        contact.phones = numbers
        changed = True
    consent = data.consent
    for flag in consent.model_fields_set:
        value = getattr(consent, flag)
        if values[f"consent_{flag}"] != value:
            values[f"consent_{flag}"] = value
            changed = True
    if data.custom:
        custom = dict(values["custom_fields"] or {})
        merged = {**custom, **data.custom}
        if merged != custom:
            values["custom_fields"] = merged
            changed = True
    if values["time_zone"] is None:
        zone = derived_time_zone(numbers)
        if zone is not None:
            values["time_zone"] = zone
            changed = True
    contact.changed = contact.changed or changed
    return Merge(renamed, changed=changed)
