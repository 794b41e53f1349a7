"""Judging one CSV row: its cells become a valid ``ContactIn`` or a list of reasons it cannot.

A row is all or nothing: every problem on it is collected (not just the first) so a user fixes the
row once. Duplicates are decided here too, against the phones of rows already accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app import phones
from app.contacts_csv.columns import Column, Target
from app.contacts_csv.errors import RowCode, RowIssue, shorten
from app.contacts_csv.plain import plain_contact
from app.contacts_csv.values import (
    blank,
    one_line,
    parse_channel,
    parse_custom,
    parse_date,
    parse_flag,
    parse_time_zone,
)
from app.wire.contacts import PHONES_MAX, ContactIn, FieldSchema, check_custom_fields
from app.wire.schema import ValidationError

_PHONE_SPLIT = re.compile(r"\s*[,;/\n]\s*(?=[+\d(])")
"""Several numbers in one cell, split before a number (so ``..., доб. 12`` stays with its number)."""
_NAME_PARTS = (Target.LAST_NAME, Target.FIRST_NAME, Target.MIDDLE_NAME)
"""Russian order: Фамилия Имя Отчество."""
_CODES = {
    Target.PHONE.value: RowCode.BAD_PHONE,
    Target.BIRTHDAY.value: RowCode.BAD_DATE,
    Target.EMAIL.value: RowCode.BAD_EMAIL,
    Target.CHANNEL.value: RowCode.BAD_CHANNEL,
    Target.TIME_ZONE.value: RowCode.BAD_TIME_ZONE,
    "consent": RowCode.BAD_CONSENT,
    "custom": RowCode.BAD_CUSTOM_FIELD,
}


@dataclass(frozen=True, slots=True)
class AcceptedRow:
    """A row that became a valid contact; ``warnings`` say what did not fit the contact (extensions).

    ``row`` is the spreadsheet's row number, ``lines`` the file's first and last line of the row (they
    differ when a quoted cell spans lines, or after Excel's ``sep=`` line)."""

    row: int
    lines: tuple[int, int]
    contact: ContactIn
    warnings: tuple[RowIssue, ...] = ()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that is not imported, with every reason found (never empty); numbered as :class:`AcceptedRow`."""

    row: int
    lines: tuple[int, int]
    issues: tuple[RowIssue, ...]


RowResult = AcceptedRow | RejectedRow


class RowJudge:
    """Turns rows into verdicts for one file, remembering accepted phones to report duplicates."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        default_region: str | None,
        field_schema: Sequence[FieldSchema],
        derive_time_zone: bool,
    ) -> None:
        self.columns = tuple(columns)
        self.region = default_region
        self.schema = {spec.key: spec for spec in field_schema}
        self.derive_time_zone = derive_time_zone
        self._custom_required = bool(check_custom_fields({}, field_schema))
        """Whether a row without custom values is refused (a required custom field)."""
        self._seen: dict[int, int] = {}
        """Accepted phones (E.164 digits as an int: half the memory of strings) -> their row."""

    def taken(self, e164: str) -> bool:
        """Whether an accepted row holds ``e164``."""
        return int(e164[1:]) in self._seen

    def none_taken(self, phones: Sequence[str]) -> bool:
        """Whether no accepted row holds any of ``phones``."""
        seen = self._seen
        for e164 in phones:  # noqa: SIM110 (a loop: all() over a generator costs more, per row)
            if int(e164[1:]) in seen:
                return False
        return True

    def take(self, row: int, phones: Sequence[str]) -> None:
        """Note ``phones`` as held by accepted row ``row`` (one accepted without judging)."""
        for e164 in phones:
            self._seen[int(e164[1:])] = row

    def judge_read(self, row: int, lines: tuple[int, int], data: Mapping[str, Any]) -> AcceptedRow | None:
        """The verdict on a row its caller has already read, when that is sure to be :meth:`judge`'s;
        ``None`` when only :meth:`judge` can tell (a duplicate number, a value the wire model refuses).

        ``data`` must be what judging the row's cells would gather without finding any issue or
        warning: ``phones`` (E.164, in the judge's order, each cell one number without an extension),
        and ``name``, ``city``, ``email`` and ``birthday`` (ISO) as :mod:`app.contacts_csv.values`
        reads them, each from a single column, nothing else on the row. The re-import reads such
        rows cheaply to find those exactly as stored (``server.contacts_as_stored``); the others it
        passes here, so their cells are not parsed a second time."""
        phone_list = data["phones"]
        if not self.none_taken(phone_list):
            return None  # judge() words the duplicate
        gathered = dict(data)
        if "time_zone" not in gathered and self.derive_time_zone:
            zone = next(filter(None, map(phones.time_zone_for, phone_list)), None)
            if zone is not None:
                gathered["time_zone"] = zone
        gathered["consent"], gathered["custom"] = {}, {}
        if self._custom_required:
            return None  # judge() words the missing field
        contact = plain_contact(gathered)  # the model's result, without its validation, when certain
        if contact is None:
            try:
                contact = ContactIn.model_validate(gathered)
            except ValidationError:
                return None  # judge() words what the model refused, naming the columns
        self.take(row, contact.phones)
        return AcceptedRow(row, lines, contact)

    def judge(self, row: int, lines: tuple[int, int], cells: list[str]) -> RowResult:
        """The verdict on one non-blank row (``row`` as the spreadsheet numbers it, from ``lines``)."""
        found = _Row(self)
        width = len(self.columns)
        if len(cells) > width and not all(blank(c) for c in cells[width:]):
            found.issue(RowCode.EXTRA_CELLS, f"the row has {len(cells)} cells but the header only {width}")
        for column in self.columns:
            if column.target is not None and column.index < len(cells) and not blank(cells[column.index]):
                found.take(column, cells[column.index])
        data = found.finish()
        for e164 in data["phones"]:
            first = self._seen.get(int(e164[1:]))
            if first is not None:
                message = f"{e164} is already on row {first}"
                found.issue(RowCode.DUPLICATE_PHONE, message, value=e164, column=found.phone_columns[e164])
        if not found.issues:
            try:
                contact = ContactIn.model_validate(data)
            except ValidationError as exc:
                found.add_validation(exc)
            else:
                for e164 in contact.phones:
                    self._seen[int(e164[1:])] = row
                return AcceptedRow(row, lines, contact, tuple(found.warnings))
        return RejectedRow(row, lines, tuple(found.issues))


class _Row:
    """One row's values and problems, gathered column by column."""

    def __init__(self, judge: RowJudge) -> None:
        self._judge = judge
        self.issues: list[RowIssue] = []
        self.warnings: list[RowIssue] = []
        self._column: Column | None = None
        self._cells: dict[str, str] = {}
        """The cell each single-valued target came from, to quote what the user wrote in a rejection."""
        self.phone_columns: dict[str, str] = {}
        """Each phone (E.164) -> the header of the column it came from; ordered, unique."""
        self._names: dict[str, str] = {}
        self._data: dict[str, Any] = {}
        self._consent: dict[str, bool] = {}
        self._custom: dict[str, Any] = {}

    def issue(
        self, code: RowCode, message: str, *, value: str | None = None, warn: bool = False, column: str = ""
    ) -> None:
        header = column or (self._column.header if self._column is not None else None)
        found = RowIssue(code, message, header, shorten(value) if value is not None else None)
        (self.warnings if warn else self.issues).append(found)

    def take(self, column: Column, cell: str) -> None:
        self._column = column
        target = column.target or ""
        self._cells.setdefault(target, cell)
        try:
            self._take(target, cell)
        except ValueError as exc:
            family = target.split(".")[0].split(":")[0]
            self.issue(_CODES.get(family, RowCode.INVALID), str(exc), value=cell)
        self._column = None

    def _take(self, target: str, cell: str) -> None:
        if target == Target.PHONE:
            for piece in _PHONE_SPLIT.split(cell.strip()):
                parsed = phones.parse_phone(piece, self._judge.region)
                self.phone_columns.setdefault(parsed.e164, self._column.header if self._column else "")
                if parsed.extension:
                    message = f"extension {parsed.extension} of {parsed.e164} is not stored"
                    self.issue(RowCode.EXTENSION_DROPPED, message, value=piece, warn=True)
        elif target == Target.EMAIL:
            email = cell.strip()
            if "email" not in self._data:
                self._data["email"] = email
            elif email.casefold() != self._data["email"].casefold():
                message = f"only one e-mail is stored per contact; {email!r} is not"
                self.issue(RowCode.EXTRA_EMAIL, message, value=email, warn=True)
        elif target in (Target.FULL_NAME, *_NAME_PARTS):
            self._names[target] = one_line(cell)
        elif target in (Target.CITY, Target.SEGMENT):
            self._data[target] = one_line(cell)
        elif target == Target.BIRTHDAY:
            self._data["birthday"] = parse_date(cell)
        elif target == Target.CHANNEL:
            self._data["preferred_channel"] = parse_channel(cell)
        elif target == Target.TIME_ZONE:
            self._data["time_zone"] = parse_time_zone(cell)
        elif target.startswith("consent."):
            self._consent[target.removeprefix("consent.")] = parse_flag(cell)
        elif target.startswith("custom:"):
            key = target.removeprefix("custom:")
            self._custom[key] = parse_custom(self._judge.schema[key], cell)

    def finish(self) -> dict[str, Any]:
        """The values gathered, as ``ContactIn`` input, after the checks that span columns."""
        judge, names = self._judge, self._names
        name = names.get(Target.FULL_NAME) or " ".join(names[p] for p in _NAME_PARTS if p in names)
        phone_list = list(self.phone_columns)  # work and mobile columns may repeat a number: kept once
        if not phone_list and not any(i.code == RowCode.BAD_PHONE for i in self.issues):
            self.issue(RowCode.MISSING_PHONE, "the row has no phone number")
        if len(phone_list) > PHONES_MAX:
            message = f"{len(phone_list)} phones; a contact holds at most {PHONES_MAX}"
            self.issue(RowCode.TOO_MANY_PHONES, message)
        if judge.schema:
            for problem in check_custom_fields(self._custom, list(judge.schema.values())):
                self.issue(RowCode.BAD_CUSTOM_FIELD, problem)
        if "time_zone" not in self._data and judge.derive_time_zone:
            zone = next(filter(None, map(phones.time_zone_for, phone_list)), None)
            if zone is not None:
                self._data["time_zone"] = zone
        return {
            **self._data,
            "name": name,
            "phones": phone_list,
            "consent": self._consent,
            "custom": self._custom,
        }

    def add_validation(self, exc: ValidationError) -> None:
        """What the wire model refused, as row issues pointing at the column the value came from."""
        for error in exc.errors(include_url=False):
            loc = [str(part) for part in error["loc"]]
            target = ".".join(loc[:2]) if loc[:1] == ["consent"] else (loc[0] if loc else "")
            self._column = next((c for c in self._judge.columns if c.target == target), None)
            code = (
                RowCode.TOO_LONG if error["type"] == "string_too_long" else _CODES.get(loc[0] if loc else "")
            )
            value = self._cells.get(target) or (error["input"] if isinstance(error["input"], str) else None)
            message = error["msg"].removeprefix("Value error, ")
            self.issue(code or RowCode.INVALID, f"{target or 'row'}: {message}", value=value)
        self._column = None
