"""The split of plain lines (``Records``' shortcut past the csv module) gives what the module gives.

Generated files mix the lines a CRM export holds (plain rows, blank lines, ``\\r\\n``, ``\\n`` and
``\\r`` endings, a last line without one) with the ones only the csv module may read (quoted cells,
``""`` inside them, cells over several lines, stray quotes, cells over its size limit), and every
record of both readers is compared: cells, line numbers, rejections and their messages.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator

import pytest

from app.contacts_csv.records import Record, Records

PIECES = (
    "Иванов Иван",
    "+7 (912) 345-67-89",
    "89123456789",
    "Москва",
    "a@b.ru",
    "",
    " ",
    "  пробел ",
    "МегаФон",
    "1,5",
    "\t",
    "x" * 40,
)


def _cell(rng: random.Random) -> str:
    roll = rng.random()
    text = rng.choice(PIECES)
    if roll < 0.75:
        return text
    if roll < 0.85:
        return f'"{text};{rng.choice(PIECES)}"'  # a quoted cell holding the delimiter
    if roll < 0.9:
        return f'"{text}""{rng.choice(PIECES)}"""'  # doubled quotes inside
    if roll < 0.94:
        return f'"{text}\n{rng.choice(PIECES)}"'  # over two lines
    if roll < 0.97:
        return f'"{text}'  # a stray opening quote
    return f'{text}"{rng.choice(PIECES)}'  # a quote inside an unquoted cell


def _file(rng: random.Random, lines: int) -> str:
    out: list[str] = []
    for _ in range(lines):
        roll = rng.random()
        if roll < 0.05:
            out.append("")
        elif roll < 0.08:
            out.append(rng.choice((" ", ";", ";;", "\t")))
        else:
            out.append(";".join(_cell(rng) for _ in range(rng.randrange(1, 7))))
        out.append(rng.choice(("\r\n", "\r\n", "\n", "\r")))
    if rng.random() < 0.5 and out:
        out.pop()  # the last line without a line break
    return "".join(out)


def _records(text: str, *, plain_lines: bool) -> Iterator[tuple[Record, int]]:
    records = Records(io.StringIO(text, newline=""), ";", plain_lines=plain_lines)
    records.set_width(4)
    for record in records:
        yield record, records.lines_read


@pytest.mark.parametrize("seed", range(40))
def test_plain_lines_split_as_the_csv_module_reads_them(seed: int) -> None:
    rng = random.Random(seed)
    text = _file(rng, rng.randrange(1, 200))
    fast = list(_records(text, plain_lines=True))
    slow = list(_records(text, plain_lines=False))
    assert fast == slow, text


def test_a_line_over_the_cell_size_limit_is_still_refused() -> None:
    """The shortcut leaves a line longer than the module's limit to the module, which refuses it."""
    text = "a;b\r\n" + "c;" + "x" * 300 + "\r\nd;e\r\n"
    before = csv.field_size_limit(100)
    try:
        fast = list(_records(text, plain_lines=True))
        slow = list(_records(text, plain_lines=False))
    finally:
        csv.field_size_limit(before)
    assert fast == slow
    assert [record.cells for record, _ in fast] == [["a", "b"], None, ["d", "e"]]
    assert "larger than field limit" in (fast[1][0].problem or "")


def test_the_shortcut_takes_the_plain_lines() -> None:
    """It can fail: with the shortcut the csv module never sees a plain line."""
    text = "a;b\r\nc;d\r\n"
    records = Records(io.StringIO(text, newline=""), ";")
    pulled: list[str] = []
    feed = records._feed  # what the module pulls is the point here
    original = type(feed).__next__

    class Counting(type(feed)):  # type: ignore[misc]
        def __next__(self) -> str:
            line = original(self)
            pulled.append(line)
            return line

    feed.__class__ = Counting
    assert [r.cells for r in records] == [["a", "b"], ["c", "d"]]
    assert pulled == []
