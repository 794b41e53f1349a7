"""Physical lines to CSV records, numbering every line, so that no line can vanish into a cell unseen.

A quoted cell may span lines (an address, a comment, two phones), so one record is one or more lines.
But one stray opening quote (``"Тула`` in a cell typed by hand) would make the csv module swallow the
following lines into that cell until some later quote, and a good-looking row would be imported with
the next rows inside its last cell. So a cell that goes on past its line must look like a cell that
goes on: the record is taken as a stray quote on its first line instead when

- a following line, up to where the cell closes, holds a row's worth of delimiters (it is a row of its
  own, not text inside a cell),
- the cell closes in the middle of a cell (``"Тула`` ... ``Сидоров;"8912...``: a quote closes the
  cell and letters follow, which a CSV writer never produces),
- the cell is still open at the end of the file, or after :data:`MAX_CELL_LINES` lines.

The stray line becomes a rejected record of its own, and reading starts again at the line after it,
so the rows that follow are read as they are written. Looking ahead stops at the first line that shows
the quote is stray, so a file full of stray quotes is still read in linear time. A record the csv
module cannot read at all (a cell beyond its size limit) is rejected the same way, line by line.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from app.contacts_csv.errors import RowCode

MAX_CELL_LINES = 100
"""Lines one quoted cell may span: far more than any address or comment, and a bound on look-ahead."""

Line = tuple[int, str]
"""A physical line: its number in the file (from 1) and its text with its line break."""


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs a microsecond per row
class Record:
    """The cells of lines ``first``..``last``, or, when ``cells`` is ``None``, one line that could not
    be read as a record: ``code`` and ``problem`` say why, ``text`` is the line, ``cell`` the index of
    the cell the stray quote opens."""

    first: int
    last: int
    cells: list[str] | None
    code: RowCode | None = None
    problem: str = ""
    text: str = ""
    cell: int | None = None


class _Stray(Exception):
    """Raised from inside the csv module's pull of the next line: the open cell is a stray quote."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class _Feed:
    """The lines the csv reader pulls: from the file, or pushed back after a stray quote.

    Every line the reader asks for while a record is under way is a continuation of a quoted cell
    (with ``newline=""`` the reader asks for more only inside quotes, or at the very end of a file
    without a final line break), and is checked before it is handed over.
    """

    def __init__(self, text: IO[str], delimiter: str) -> None:
        self._text = text
        self._delimiter = delimiter
        self.pending: deque[Line] = deque()
        self.current: list[Line] = []
        """The lines of the record being read."""
        self.lines_read = 0
        self.width = 0
        """Cells in the header, once known: how many delimiters make a line look like a row."""

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        if self.pending:
            line: Line | None = self.pending.popleft()
        elif text := self._text.readline():  # the common case, inline: this runs once per line
            self.lines_read += 1
            line = (self.lines_read, text)
        else:
            line = None
        if line is None:
            if self.current and _ends_inside_quotes("".join(t for _, t in self.current), self._delimiter):
                raise _Stray(f"the quote that opens a cell on line {self.current[0][0]} is never closed")
            raise StopIteration
        if self.current:
            self._check_continuation(line)
        self.current.append(line)
        return line[1]

    def take(self) -> Line | None:
        """The next line, pushed back or from the file; ``None`` at the end."""
        if self.pending:
            return self.pending.popleft()
        text = self._text.readline()
        if not text:
            return None
        self.lines_read += 1
        return self.lines_read, text

    def _check_continuation(self, line: Line) -> None:
        number, text = line
        first = self.current[0][0]
        inside, after = _until_closing_quote(text)
        if inside.count(self._delimiter) >= max(1, self.width - 1):
            self.current.append(line)
            raise _Stray(
                f"the quote that opens a cell on line {first} is not closed on that line, and line "
                f"{number} reads as a row of its own"
            )
        if after is not None and after not in ("", "\r", "\n", self._delimiter):
            self.current.append(line)
            raise _Stray(
                f"the quote that opens a cell on line {first} is closed on line {number} in the middle "
                "of a cell"
            )
        if len(self.current) >= MAX_CELL_LINES:
            self.current.append(line)
            raise _Stray(
                f"the quote that opens a cell on line {first} is not closed within {MAX_CELL_LINES} lines"
            )


class Records:
    """Records of a text stream with a known delimiter, each with the lines it came from.

    A line without a quote that the csv module would read as a record of its own (every line, once
    the record before is complete) is split here instead of going through the module's pull of a
    Python iterator: a CRM export is nearly all such lines, and this is one of the few costs an
    unchanged re-import pays per row (issue 15). It gives the module's cells exactly
    (``tests/unit/test_contacts_csv_records.py`` compares both on generated files): the module treats
    only the quote, the delimiter and the line break specially, and a line longer than its cell size
    limit still goes to it, to be refused as before. ``plain_lines=False`` sends every line to it.
    """

    def __init__(self, text: IO[str], delimiter: str, *, plain_lines: bool = True) -> None:
        self._delimiter = delimiter
        self._feed = _Feed(text, delimiter)
        self._reader = csv.reader(self._feed, delimiter=delimiter)
        self._text = text
        self._plain_lines = plain_lines

    @property
    def lines_read(self) -> int:
        """Physical lines read from the file so far."""
        return self._feed.lines_read

    def set_width(self, width: int) -> None:
        """The header's number of cells: continuation lines with a row's worth of delimiters are rows."""
        self._feed.width = width

    def skip_line(self) -> None:
        """Pass over one line (Excel's ``sep=;`` hint), counting it."""
        self._feed.take()

    def __iter__(self) -> Iterator[Record]:
        feed, reader, delimiter, readline = self._feed, self._reader, self._delimiter, self._text.readline
        limit = csv.field_size_limit() if self._plain_lines else -1
        while True:
            feed.current = []
            if not feed.pending:
                text = readline()
                if not text:
                    return
                feed.lines_read += 1
                if '"' not in text and len(text) <= limit:  # the common case, inline
                    number = feed.lines_read
                    content = text.rstrip("\r\n")
                    yield Record(number, number, content.split(delimiter) if content else [])
                    continue
                feed.pending.append((feed.lines_read, text))
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _Stray as stray:
                yield self._reject(RowCode.UNBALANCED_QUOTE, stray.why)
                continue
            except csv.Error as exc:
                line = feed.current[0][0] if feed.current else feed.lines_read
                yield self._reject(RowCode.UNREADABLE, f"line {line} cannot be read as CSV ({exc})")
                continue
            current = feed.current
            yield Record(current[0][0], current[-1][0], cells)

    def _reject(self, code: RowCode, why: str) -> Record:
        """The record's first line as a rejected record; its other lines are read again as records."""
        feed = self._feed
        (number, text), *rest = feed.current or [(feed.lines_read, "")]
        feed.pending.extendleft(reversed(rest))
        feed.current = []
        advice = ': delete the quote, or double it as "" inside a quoted cell'
        message = f"{why}{advice}" if code is RowCode.UNBALANCED_QUOTE else why
        cell = None
        if code is RowCode.UNBALANCED_QUOTE:  # the open cell is the line's last one
            try:
                cell = len(next(csv.reader([text], delimiter=self._delimiter), [""])) - 1
            except csv.Error:
                cell = None
        return Record(number, number, None, code, message, text.rstrip("\r\n"), cell)


def _until_closing_quote(text: str) -> tuple[str, str | None]:
    """A continuation line split at the quote that closes the open cell: the text inside the cell, and
    the character after the closing quote (``""`` at the end of the line), or ``None`` if the cell
    stays open. ``""`` inside a quoted cell is an escaped quote, not a closing one."""
    start = 0
    while (quote := text.find('"', start)) >= 0:
        if text.startswith('"', quote + 1):
            start = quote + 2
            continue
        return text[:quote], text[quote + 1 : quote + 2]
    return text, None


def _ends_inside_quotes(text: str, delimiter: str) -> bool:
    """Whether a record's text ends inside a quoted cell, by the csv module's (non-strict) rules."""
    inside = previous_quote = False
    at_cell_start = True
    for char in text:
        if inside:
            if char == '"':
                if previous_quote:
                    previous_quote = False  # "" inside quotes
                    continue
                previous_quote = True
                continue
            if previous_quote:  # the quote before closed the cell
                inside = previous_quote = False
                at_cell_start = char in (delimiter, "\r", "\n")
            continue
        if at_cell_start and char == '"':
            inside, at_cell_start = True, False
        else:
            at_cell_start = char in (delimiter, "\r", "\n")
    return inside and not previous_quote
