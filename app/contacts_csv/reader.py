"""Opening a contacts CSV: encoding, delimiter and header decided once, then rows streamed.

Rows come from a generator over the open file, so a 220,000-row import holds one row (plus the phones
already accepted, for duplicates) rather than the whole file and a list of contacts. Every physical
line is accounted for (:mod:`app.contacts_csv.records`): each verdict names the lines it came from, a
line that cannot be a row (a stray quote) is a rejected row of its own, and the summary counts lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from app.contacts_csv.columns import Column, Target, map_columns, recognised
from app.contacts_csv.encoding import detect_encoding
from app.contacts_csv.errors import CsvError, FileCode, RowCode, RowIssue, shorten
from app.contacts_csv.records import Records
from app.contacts_csv.rows import AcceptedRow, RejectedRow, RowJudge, RowResult
from app.contacts_csv.values import EMPTY, blank
from app.wire.contacts import FieldSchema

DELIMITERS = ";,\t"
_SNIFF_CHARS = 64 * 1024
_SNIFFER_CHARS = 4 * 1024
"""What ``csv.Sniffer`` sees: its quote-guessing regular expressions take seconds on 64 KiB full of
quotes (a stray quote on every line), and a tie-break needs only the first lines."""
_SEP_LINE = re.compile(r"^sep=(.)\s*$")


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs ~0.4 us more, per row
class RawRow:
    """A non-blank row not judged yet (:meth:`ContactsCsv.raw_rows`): numbered as a verdict is."""

    row: int
    lines: tuple[int, int]
    cells: list[str]
    read: Mapping[str, Any] | None = None
    """The row's values as a caller already read them from ``cells`` (a row of the plain shape: see
    :meth:`~app.contacts_csv.rows.RowJudge.judge_read`), so that judging need not parse them again."""


@dataclass(slots=True)
class ImportSummary:
    """Counts so far; final once ``complete`` (the iteration reached the end of the file)."""

    encoding: str
    delimiter: str
    lines: int = 0
    """Physical lines read so far: the header, rows (a quoted cell may span lines), blank lines."""
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    """Rejected rows whose phone was on an earlier row (included in ``rejected``)."""
    blank: int = 0
    """Rows with no value at all: skipped, and counted so the numbers add up to the file."""
    warnings: int = 0
    rejected_by_code: Counter[str] = field(default_factory=Counter)
    """Rejected rows per reason (a row with two reasons counts under both)."""
    complete: bool = False


class ContactsCsv:
    """An opened contacts CSV: encoding, delimiter and columns decided; iterate once for the rows.

    Use as a context manager (or call :meth:`close`). A stream passed in stays open: its owner
    closes it.
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        owned: bool,
        default_region: str | None,
        field_schema: Sequence[FieldSchema],
        derive_time_zone: bool,
    ) -> None:
        self._owned, self._closed = owned, False
        self.encoding = detect_encoding(stream)
        self._text = io.TextIOWrapper(stream, encoding=self.encoding, newline="")
        try:
            self._start(default_region, field_schema, derive_time_zone)
        except BaseException:
            self.close()  # a wrapper left to the garbage collector would close the caller's stream
            raise

    def _start(
        self, default_region: str | None, field_schema: Sequence[FieldSchema], derive_tz: bool
    ) -> None:
        sample = self._text.read(_SNIFF_CHARS)
        self._text.seek(0)
        self.delimiter, skip_first_line = _choose_delimiter(sample)
        self._records = Records(self._text, self.delimiter)
        if skip_first_line:
            self._records.skip_line()
        self._reader = iter(self._records)
        self._row = 0
        headers = self._read_header()
        self._records.set_width(len(headers))
        self.columns: tuple[Column, ...] = map_columns(headers, field_schema)
        """Every column with what it feeds, or why it is not imported."""
        if not any(c.target == Target.PHONE for c in self.columns):
            found = ", ".join(repr(h) for h in headers[:20])
            raise CsvError(FileCode.NO_PHONE_COLUMN, f"No phone column (Телефон, Phone...) among: {found}.")
        self._judge = RowJudge(
            self.columns,
            default_region=default_region,
            field_schema=field_schema,
            derive_time_zone=derive_tz,
        )
        self.summary = ImportSummary(self.encoding, self.delimiter, lines=self._records.lines_read)
        self._used = False

    def __enter__(self) -> ContactsCsv:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the file opened from a path; for a caller's stream, only let go of it."""
        if self._closed:
            return
        self._closed = True
        if self._owned:
            self._text.close()
        else:
            self._text.detach()

    def __iter__(self) -> Iterator[RowResult]:
        """Each non-blank data row's verdict, in file order; a line that cannot be read as a row (a
        stray quote, a cell over the csv module's 128 KiB limit) is a :class:`RejectedRow` of its own.
        """
        for item in self.raw_rows():
            yield item if isinstance(item, RejectedRow) else self.judge(item)

    def raw_rows(self) -> Iterator[RawRow | RejectedRow]:
        """The rows before judging, in file order, for a caller that may settle some without judging
        them (an import that finds a row exactly as stored). Each :class:`RawRow` must be passed, in
        order, to :meth:`judge` or :meth:`accept_as_read`; a line that cannot be a row comes out
        already as its :class:`RejectedRow` (counted); blank rows are counted and skipped."""
        if self._used:
            raise RuntimeError("a ContactsCsv can be iterated once; open the file again")
        self._used = True
        for record in self._reader:
            self._row += 1
            self.summary.lines = self._records.lines_read
            lines = (record.first, record.last)
            if record.cells is None:
                column = self._column_name(record.cell)
                issue = RowIssue(record.code or RowCode.INVALID, record.problem, column, shorten(record.text))
                rejected = RejectedRow(self._row, lines, (issue,))
                self._count(rejected)
                yield rejected
            else:
                for cell in record.cells:  # all(blank(c) ...), inline: this runs once per row
                    if cell and cell.strip() not in EMPTY:
                        yield RawRow(self._row, lines, record.cells)
                        break
                else:
                    self.summary.blank += 1
        self.summary.lines = self._records.lines_read
        self.summary.complete = True

    def judge(self, raw: RawRow) -> RowResult:
        """The verdict on a row of :meth:`raw_rows` (counted; its numbers now taken, if accepted).
        A row with :attr:`RawRow.read` set is judged from those values when that gives the verdict
        its cells would (:meth:`~app.contacts_csv.rows.RowJudge.judge_read`), else from its cells."""
        result: RowResult | None = None
        if raw.read is not None:
            result = self._judge.judge_read(raw.row, raw.lines, raw.read)
        if result is None:
            result = self._judge.judge(raw.row, raw.lines, raw.cells)
        self._count(result)
        return result

    def taken(self, e164: str) -> bool:
        """Whether an accepted row before holds ``e164`` (a row with it would be a duplicate)."""
        return self._judge.taken(e164)

    def none_taken(self, phones: Sequence[str]) -> bool:
        """Whether no accepted row before holds any of ``phones`` (E.164)."""
        return self._judge.none_taken(phones)

    def accept_as_read(self, raw: RawRow, phones: Sequence[str]) -> None:
        """Count ``raw`` as accepted without judging it, with the numbers ``phones`` (E.164, none
        :meth:`taken`): for a row the caller read itself and found valid, with no warning, as the
        judge would have (the import's shortcut for a row exactly as stored)."""
        self._judge.take(raw.row, phones)
        self.summary.accepted += 1

    def _column_name(self, index: int | None) -> str | None:
        if index is None:
            return None
        return self.columns[index].header if index < len(self.columns) else f"column {index + 1}"

    def _read_header(self) -> list[str]:
        for record in self._reader:
            self._row += 1
            if record.cells is None:
                raise CsvError(FileCode.MALFORMED, f"The header cannot be read: {record.problem}.")
            if not all(blank(c) for c in record.cells):
                return [c.strip() for c in record.cells]
        raise CsvError(FileCode.NO_HEADER, "The file has no header row (column names such as ФИО;Телефон).")

    def _count(self, result: RowResult) -> None:
        summary = self.summary
        if isinstance(result, AcceptedRow):
            summary.accepted += 1
            summary.warnings += len(result.warnings)
            return
        summary.rejected += 1
        codes = {issue.code for issue in result.issues}
        summary.rejected_by_code.update(codes)
        if RowCode.DUPLICATE_PHONE in codes:
            summary.duplicates += 1


def _choose_delimiter(sample: str) -> tuple[str, bool]:
    """The delimiter, and whether the first line is Excel's ``sep=`` hint (to be skipped)."""
    first_line = sample.splitlines()[0].strip("\ufeff") if sample else ""
    if hint := _SEP_LINE.match(first_line):
        return hint.group(1), True
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample[:_SNIFFER_CHARS], delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None

    def score(delimiter: str) -> tuple[int, int, bool]:
        try:  # newline="": a file with old Mac line breaks (CR only) is read too
            rows = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            header = next((r for r in rows if any(r)), [])
        except csv.Error:  # a stray quote in the first lines: the header is judged, not the cells
            header = []
        return recognised(header), len(header), delimiter == sniffed

    return max(DELIMITERS, key=score), False


def open_contacts_csv(
    source: str | Path | IO[bytes],
    *,
    default_region: str | None = "RU",
    field_schema: Sequence[FieldSchema] = (),
    derive_time_zone: bool = True,
) -> ContactsCsv:
    """Open a contacts CSV: a path, or a seekable binary stream (an upload spooled to a temp file).

    Raises :class:`CsvError` at once for a file that cannot be imported at all (encoding, no header,
    no phone column); row problems come out of the iteration as ``RejectedRow``. Phones written
    without ``+`` are read as numbers of ``default_region``; ``field_schema`` declares the custom
    fields columns may fill; ``derive_time_zone`` fills a missing time zone from the first phone
    that has an unambiguous one (a landline).
    """
    if isinstance(source, str | Path):
        stream: IO[bytes] = open(source, "rb")  # noqa: SIM115 (closed by ContactsCsv.close)
        owned = True
    else:
        stream, owned = source, False
    try:
        return ContactsCsv(
            stream,
            owned=owned,
            default_region=default_region,
            field_schema=field_schema,
            derive_time_zone=derive_time_zone,
        )
    except BaseException:
        if owned:
            stream.close()
        raise
