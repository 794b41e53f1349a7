"""What can go wrong in a CSV import, as stable codes (the UI translates them) plus English text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FileCode(StrEnum):
    """Why a whole file cannot be imported."""

    EMPTY = "empty"
    UTF16 = "utf16"
    XLSX = "xlsx"
    BINARY = "binary"
    UNKNOWN_ENCODING = "unknown_encoding"
    NO_HEADER = "no_header"
    NO_PHONE_COLUMN = "no_phone_column"
    MALFORMED = "malformed"


class CsvError(ValueError):
    """A file that cannot be imported at all; ``code`` is stable, ``str()`` says what to do in English."""

    def __init__(self, code: FileCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class RowCode(StrEnum):
    """Why a row is rejected (or, for the ``*_warning`` kind, what an accepted row lost)."""

    MISSING_PHONE = "missing_phone"
    BAD_PHONE = "bad_phone"
    TOO_MANY_PHONES = "too_many_phones"
    DUPLICATE_PHONE = "duplicate_phone"
    BAD_DATE = "bad_date"
    BAD_EMAIL = "bad_email"
    BAD_CHANNEL = "bad_channel"
    BAD_TIME_ZONE = "bad_time_zone"
    BAD_CONSENT = "bad_consent"
    BAD_CUSTOM_FIELD = "bad_custom_field"
    TOO_LONG = "too_long"
    EXTRA_CELLS = "extra_cells"
    UNBALANCED_QUOTE = "unbalanced_quote"
    """A quote opens a cell that does not close where a cell can: the line is rejected on its own and
    the lines after it are read as rows (they would otherwise vanish into that cell)."""
    UNREADABLE = "unreadable"
    """A line the csv module cannot read at all (a cell over its size limit)."""
    INVALID = "invalid"
    PHONES_OF_SEVERAL_CONTACTS = "phones_of_several_contacts"
    """The row's numbers belong to different stored contacts: an upsert cannot tell which to update."""
    EXTENSION_DROPPED = "extension_dropped_warning"
    EXTRA_EMAIL = "extra_email_warning"
    NAME_CHANGED = "name_changed_warning"
    """An upsert by phone renamed a stored contact: worth a look, a shared office number can be why."""


@dataclass(frozen=True, slots=True)
class RowIssue:
    """One problem on one row: which column, what value (shortened), why."""

    code: RowCode
    message: str
    column: str | None = None
    value: str | None = None


def shorten(value: str, limit: int = 80) -> str:
    """A cell as quoted back in a report: long enough to recognise, short enough for a table."""
    return value if len(value) <= limit else value[: limit - 1] + "…"
