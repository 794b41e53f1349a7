"""Deciding a CSV file's encoding: UTF-8 (with or without BOM) or Windows-1251, and nothing else.

Windows-1251 decodes almost any byte sequence, so "it decoded" proves nothing: the bytes must also
read as Russian in 1251 better than in any other Cyrillic code page (:mod:`app.contacts_csv.russian`).
KOI8-R, DOS 866, Latin-1 or random bytes are refused with advice instead of stored as mojibake.
"""

from __future__ import annotations

import codecs
import re
from typing import IO

from app.contacts_csv.errors import CsvError, FileCode
from app.contacts_csv.russian import judge

CHUNK = 1 << 20
SAMPLE = 64 << 10
"""How many bytes of non-ASCII lines the code-page check reads: some five thousand words, which set
the readings thousands of bits apart (:mod:`app.contacts_csv.russian`; the prior is ten), in a bounded
~0.06 s. It was 256 KB: 0.27 s of every cp1251 import, a tenth of the unchanged re-import's fixed
cost, for a verdict 64 KB already gives (issue 15)."""
_SAVE_AS = "Save it from Excel as 'CSV UTF-8' (or 'CSV (semicolon delimited)') and import it again."


def detect_encoding(stream: IO[bytes]) -> str:
    """``"utf-8-sig"``, ``"utf-8"`` or ``"cp1251"`` for a seekable binary stream; :class:`CsvError` else.

    Reads the whole stream in chunks (a UTF-8 error can sit on the last row) and rewinds it.
    """
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    if not head:
        raise CsvError(FileCode.EMPTY, "The file is empty.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvError(FileCode.UTF16, f"The file is UTF-16 (Excel's 'Unicode text'). {_SAVE_AS}")
    if head.startswith(b"PK\x03\x04"):
        raise CsvError(FileCode.XLSX, f"This is an Excel workbook, not a CSV file. {_SAVE_AS}")
    bom = head.startswith(codecs.BOM_UTF8)
    bad_line = _first_non_utf8_line(stream)
    if bad_line is None:
        return "utf-8-sig" if bom else "utf-8"
    sample, undefined_byte = _cp1251_sample(stream)
    if bom or _mostly_utf8(sample):
        raise CsvError(
            FileCode.UNKNOWN_ENCODING,
            f"The file is UTF-8 except for invalid bytes on line {bad_line}: it may be damaged or "
            f"two files joined. {_SAVE_AS}",
        )
    verdict = judge(sample)
    if undefined_byte or not verdict.cp1251:
        guess = f" (it looks like {verdict.looks_like})" if verdict.looks_like else ""
        raise CsvError(
            FileCode.UNKNOWN_ENCODING, f"The file is neither UTF-8 nor Windows-1251{guess}. {_SAVE_AS}"
        )
    return "cp1251"


def _first_non_utf8_line(stream: IO[bytes]) -> int | None:
    """The line holding the first byte that is not UTF-8, or ``None`` if the whole stream is UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    try:
        while chunk := stream.read(CHUNK):
            _refuse_nul(chunk)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines + chunk[: max(0, exc.start - pending)].count(b"\n")
            lines += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return lines
    finally:
        stream.seek(0)
    return None


def _cp1251_sample(stream: IO[bytes]) -> tuple[bytes, bool]:
    """The file's first lines holding non-ASCII bytes (what tells code pages apart; ASCII lines are
    the same in all of them) up to :data:`SAMPLE` bytes, and whether any byte is one 1251 lacks."""
    sample = bytearray()
    undefined = False
    try:
        while chunk := stream.read(CHUNK):
            _refuse_nul(chunk)
            undefined = undefined or b"\x98" in chunk  # the one byte Windows-1251 leaves undefined
            if len(sample) < SAMPLE:
                sample += b"".join(_NON_ASCII_LINE.findall(chunk))
    finally:
        stream.seek(0)
    return bytes(sample[:SAMPLE]), undefined


_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*\n?")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_HIGH = bytes(range(0x80, 0x100))


def _mostly_utf8(sample: bytes) -> bool:
    """Whether most non-ASCII bytes form UTF-8 sequences (so a few bad bytes broke a UTF-8 file)."""
    high = len(sample) - len(sample.translate(None, _HIGH))
    in_sequences = sum(m.end() - m.start() for m in _UTF8_SEQUENCE.finditer(sample))
    return high > 0 and in_sequences >= 0.8 * high


def _refuse_nul(chunk: bytes) -> None:
    if b"\x00" in chunk:
        raise CsvError(
            FileCode.BINARY, f"The file contains NUL bytes: UTF-16 text or not a CSV file. {_SAVE_AS}"
        )
