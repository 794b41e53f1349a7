"""Deciding a CSV file's encoding: UTF-8 (with or without BOM) or Windows-1251, and nothing else.

Windows-1251 decodes almost any byte sequence, so "it decoded" proves nothing: the decoded text must
also read as Russian. KOI8-R and Latin-1 files decoded as 1251 produce tell-tale letter soup (capitals
inside words, Cyrillic glued to Latin, rare letters everywhere) and are refused with advice instead.
"""

from __future__ import annotations

import codecs
import re
from typing import IO

from app.contacts_csv.errors import CsvError, FileCode

CHUNK = 1 << 20
SAMPLE = CHUNK
"""How much Windows-1251 text the plausibility check reads: plenty of letters, bounded time."""
_SAVE_AS = "Save it from Excel as 'CSV UTF-8' (or 'CSV (semicolon delimited)') and import it again."
_OTHERS = (
    ("KOI8-R", "koi8-r"),
    ("DOS 866", "cp866"),
    ("ISO 8859-5", "iso8859-5"),
    ("Mac Cyrillic", "mac-cyrillic"),
)
"""Other Cyrillic encodings, named in the error when the file reads as Russian in one of them."""
_COMMON = frozenset("оеаинтсрвл")
"""The ten most frequent Russian letters: about two thirds of the letters in any Russian text."""


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
    if undefined_byte or not reads_as_russian(sample.decode("cp1251", errors="replace")):
        other = next((name for name, codec in _OTHERS if reads_as_russian(sample.decode(codec))), None)
        guess = f" (it looks like {other})" if other else ""
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
    """The start of the file (for the plausibility check) and whether any byte is one 1251 lacks."""
    sample = bytearray()
    undefined = False
    try:
        while chunk := stream.read(CHUNK):
            _refuse_nul(chunk)
            undefined = undefined or b"\x98" in chunk  # the one byte Windows-1251 leaves undefined
            if len(sample) < SAMPLE:
                sample += chunk
    finally:
        stream.seek(0)
    return bytes(sample[:SAMPLE]), undefined


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


_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_WORD = re.compile(r"[а-яёА-ЯЁ]+")
_CAPITAL_INSIDE = re.compile(r"[а-яё][А-ЯЁ]")
_MIXED = re.compile(r"[A-Za-z][а-яёА-ЯЁ]|[а-яёА-ЯЁ][A-Za-z]")
_STRAY_BEFORE_LOWER = re.compile(r"[€‚„…†‡‰‹‘’“”•™›ЂЃѓЉЊЌЋЏђљњќћџ][а-яё]")
_LONE_LETTER = re.compile(r"(?<![а-яёА-ЯЁ])[а-яёА-ЯЁ](?![а-яёА-ЯЁ])")


def reads_as_russian(text: str) -> bool:
    """Whether Cyrillic in ``text`` looks like Russian rather than another encoding's letters misread.

    Cheap signs: capitals inside words (``рЕФТПЧБ`` is KOI8-R read as 1251), Cyrillic letters glued
    to Latin ones (``Mьller`` is Latin-1), mostly one-letter "words" (``Р˜РІР°Р½`` is UTF-8 read as 1251),
    symbols where capitals belong (``€ванов`` is Mac Cyrillic) and, given enough letters, too few of the
    common ones (all-capitals KOI8-R). Text with no Cyrillic at all passes: there is nothing to misread.
    """
    letters = len(text) - len(_CYRILLIC.sub("", text))  # counted without a list of a million 1-char strings
    if not letters:
        return True
    words = sum(1 for _ in _WORD.finditer(text))
    if sum(1 for _ in _CAPITAL_INSIDE.finditer(text)) * 5 > words:
        return False
    if sum(1 for _ in _MIXED.finditer(text)) * 10 > letters:
        return False
    if words >= 10 and sum(1 for _ in _LONE_LETTER.finditer(text)) * 2 > words:
        return False
    if sum(1 for _ in _STRAY_BEFORE_LOWER.finditer(text)) * 5 > words:
        return False
    if letters >= 20:
        lower = text.lower()
        return sum(lower.count(c) for c in _COMMON) >= 0.4 * letters
    return True
