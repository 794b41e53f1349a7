"""The re-import's shortcut: a row that is exactly what is stored is settled without judging it.

Judging a row (every cell parsed, the numbers normalised, the wire model's validation) is most of the
time of an import whose rows are already stored: ~50 us a row, 11 s for 220,000 rows on our 2-core
machine, over the 10 s goal on its own. A row of the plain shape CRM exports have (numbers, full name,
city, e-mail, birthday) is read here cheaply instead; when every value it gives equals its contact's
stored value, the judge could only have accepted it without a warning and the merge could only have
found it unchanged, so it is counted so (``ContactsCsv.accept_as_read``). Anything else, any doubt,
goes the usual way: this only ever decides "unchanged". A row read here but not as stored is judged
from the values read (:attr:`Candidate.read`; ``RowJudge.judge_read``), not from its cells again.

It applies only where the verdict is certain:

* every non-blank cell is in a column of those five targets (a single column each, numbers in any
  number of columns), nothing past the header's width;
* each number cell holds one number, valid, without an extension (those warn), none on an accepted row
  before (a duplicate), at least one and at most ``PHONES_MAX``;
* all the numbers belong to one stored contact (so the merge adds none), whose name, city, e-mail and
  birthday equal the row's non-empty cells *as stored* (a value the validators would have rewritten,
  ``Ivan@Example.RU``, does not equal; the full path decides it), and which has a time zone or none to
  take from its numbers;
* no custom field is required (a row without it would be refused);
* no row the import is writing, in this batch before it or in the batch being stored, touches the
  contact: the stored values read are then its values when the row's turn comes.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app import phones
from app.contacts_csv import AcceptedRow, Column, RawRow, Target
from app.contacts_csv.values import EMPTY, blank, one_line, parse_date
from app.wire.contacts import PHONES_MAX, FieldSchema
from server.crud.contacts import derived_time_zone
from server.crud.contacts_merge import StoredContact

_SINGLE = {Target.FULL_NAME: "name", Target.CITY: "city", Target.EMAIL: "email", Target.BIRTHDAY: "birthday"}


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~0.4 us more, per row
class Candidate:
    """A row read the cheap way: its numbers (E.164, in the judge's order), its non-empty values by
    contact column as stored (to compare), and the same as the judge gathers them (``ContactIn``
    input: the birthday as ISO text), for :meth:`~app.contacts_csv.ContactsCsv.judge` when the row
    is not as stored, so that its cells are not parsed twice."""

    phones: tuple[str, ...]
    values: dict[str, Any]
    read: dict[str, Any]


class AsStored:
    """Reads rows of one file the cheap way and decides which are exactly as stored."""

    def __init__(
        self, columns: Sequence[Column], *, default_region: str | None, field_schema: Sequence[FieldSchema]
    ) -> None:
        self.region = default_region
        self.width = len(columns)
        self.phone_columns = [c.index for c in columns if c.target == Target.PHONE]
        self.single: list[tuple[int, str]] = []
        self.others: list[int] = []
        """Columns feeding anything else: a row with a value there is judged."""
        counts: dict[str, int] = {}
        for column in columns:
            if column.target is not None and column.target != Target.PHONE:
                counts[column.target] = counts.get(column.target, 0) + 1
        for column in columns:
            target = column.target
            if target is None or target == Target.PHONE:
                continue
            if target in _SINGLE and counts[target] == 1:
                self.single.append((column.index, _SINGLE[Target(target)]))
            else:
                self.others.append(column.index)
        self.enabled = bool(self.phone_columns) and not any(spec.required for spec in field_schema)
        self._dates: dict[str, tuple[str, date]] = {}
        """Birthday cells read so far: a CRM's birthdays repeat (a few tens of thousands of days)."""

    def read(self, raw: RawRow) -> Candidate | None:
        """The row's numbers and values, or ``None`` when only judging it can tell."""
        cells = raw.cells
        width = len(cells)
        if not self.enabled or (width > self.width and not all(blank(c) for c in cells[self.width :])):
            return None
        for index in self.others:
            if index < width and cells[index].strip() not in EMPTY:
                return None
        numbers: list[str] = []
        for index in self.phone_columns:
            if index >= width:
                continue
            cell = cells[index].strip()
            if cell in EMPTY:
                continue
            if "," in cell or ";" in cell or "/" in cell or "\n" in cell:
                return None  # several numbers, maybe: the judge splits them
            e164 = phones.fast_russian(cell, self.region)  # parse_phone's first step, without its wrapper
            if e164 is None:
                try:
                    parsed = phones.parse_phone(cell, self.region)
                except ValueError:  # phones.PhoneError: not a usable number
                    return None
                if parsed.extension is not None:
                    return None
                e164 = parsed.e164
            if e164 not in numbers:
                numbers.append(e164)
        if not numbers or len(numbers) > PHONES_MAX:
            return None
        values: dict[str, Any] = {}
        read: dict[str, Any] = {}
        for index, name in self.single:
            if index >= width:
                continue
            cell = cells[index]
            stripped = cell.strip()
            if stripped in EMPTY:
                continue
            if name == "birthday":
                known = self._dates.get(cell)
                if known is None:
                    try:
                        iso = parse_date(cell)
                        known = self._dates[cell] = (iso, date.fromisoformat(iso))
                    except ValueError:
                        return None
                read[name], values[name] = known
            elif name == "email":
                read[name] = values[name] = stripped
            else:
                read[name] = values[name] = one_line(cell)
        read.setdefault("name", "")
        read["phones"] = numbers
        return Candidate(tuple(numbers), values, read)


def unchanged(
    candidate: Candidate,
    owners: dict[str, int],
    contacts: dict[int, StoredContact],
    busy: Container[str],
) -> bool:
    """Whether merging the row into its contact would change nothing: see the module notes (``busy``:
    the numbers of the rows being written, in the batch before this row and the batch being stored)."""
    phones = candidate.phones
    contact_id = owners.get(phones[0])
    if contact_id is None:
        return False
    for e164 in phones:  # plain loops, not any(): this runs once per row of a re-import
        if owners.get(e164) != contact_id:
            return False
    contact = contacts.get(contact_id)
    if contact is None:
        return False
    for e164 in contact.phones:
        if e164 in busy:
            return False
    stored = contact.stored
    for name, value in candidate.values.items():
        if stored(name) != value:
            return False
    return stored("time_zone") is not None or derived_time_zone(contact.phones) is None


def known(
    row: AcceptedRow,
    owners: dict[str, int],
    contacts: dict[int, StoredContact],
    busy: Container[str],
) -> StoredContact | None:
    """A copy of the contact a row read the cheap way updates, as read with the batch, when the
    batch's store may take it instead of reading it again; else ``None`` (the store reads it).

    That is when the row's numbers are those of one stored contact (or no one's), and no row the
    import is writing touches that contact (``busy`` as for :func:`unchanged`): nothing the import
    writes before the row's batch is stored can change it then, as for a row found unchanged. (A
    save through the API meanwhile is caught as before: the batch's write checks each version.)
    The copy is the store's to merge into: the reader goes on comparing later rows with its own."""
    found: StoredContact | None = None
    for e164 in row.contact.phones:
        if e164 in busy:
            return None
        contact_id = owners.get(e164)
        if contact_id is None:
            continue
        if found is None:
            found = contacts.get(contact_id)
            if found is None:
                return None
        elif found.id != contact_id:
            return None
    if found is None:
        return None
    for e164 in found.phones:
        if e164 in busy:
            return None
    return found.copy()
