"""Which Cyrillic code page a non-UTF-8 file is in: the reading that looks most like Russian text.

Every single-byte Cyrillic code page decodes almost any bytes, so "it decoded" proves nothing. Instead
the same bytes are read in each candidate code page and each reading is scored with a small model of
Russian text, as a log-likelihood in bits:

- **letters**, case-insensitively, by their frequency in Russian (the Russian National Corpus figures):
  a KOI8-R file read as 1251 turns every ``о`` into ``П`` and every ``а`` into ``Б``, which costs
  bits on every letter;
- **the case shape of each word**: ``лес``, ``Лес`` and ``ЛЕС`` are common, ``МегаФон``/``СберБанк``
  (capitalised parts run together) less so but normal in CRM data, anything else (``нЕЗБцПО``, what
  KOI8-R looks like in 1251) is a sign of a misreading;
- **characters Russian text does not contain**: control characters, box drawing, ``‰``, a symbol glued
  to the letters after it (``’ебор`` is Mac Cyrillic read as 1251), Cyrillic letters glued to Latin
  ones (``Mьller`` is Latin-1 read as 1251). Typographic quotes, dashes and ``№`` are ordinary.

The decision (:func:`judge`) compares the readings, with Windows-1251 favoured by a prior (it is what
Russian Windows and 1C write; the others are rare today), then asks whether the winning reading is
text at all: misreading signs must be rare next to the letters. The old approach, fixed rules on one
reading (no capital inside a word, a minimum share of common letters), refused genuine exports with
``МегаФон`` or one long cell in capitals, and still let some DOS 866 files through.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

CODE_PAGES = (
    ("Windows-1251", "cp1251"),
    ("KOI8-R", "koi8-r"),
    ("DOS 866", "cp866"),
    ("ISO 8859-5", "iso8859-5"),
    ("Mac Cyrillic", "mac-cyrillic"),
)
"""Windows-1251 first: the one a file is read in; the others are named when a file is in one of them."""
PRIOR_BITS = 10.0
"""How much better another code page's reading must be before it beats Windows-1251 (about a thousand
to one): a short file says little, and then the code page nearly every such file is in should win."""
SIGNS_PER_LETTER = 0.1
"""At most one sign of misreading per ten Cyrillic letters in a reading that is taken as text."""

_PERCENT = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73, "в": 4.54,
    "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01, "ы": 1.90, "ь": 1.74,
    "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97, "ж": 0.94, "ш": 0.73, "ю": 0.64,
    "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26,
    "ъ": 0.1, "ё": 0.1,  # 0.04 in books; names (Пётр, Артём) and brands make them commoner in a CRM
}  # fmt: skip
_OTHER_CYRILLIC = {"іїєґў": 0.002, "ђѓѕјљњћќџ": 0.0002}
"""Letters of 1251 that Russian does not use (Ukrainian and Belarusian; Serbian and Macedonian, rarer
still in a Russian CRM): a file may hold a few names with them, so they are rare letters rather than
signs of a misreading."""
_TYPOGRAPHY = "«»—–№…“”„‘’\u00a0°•©®™§±·"
_BITS: dict[str, float] = {}
for _letter, _percent in _PERCENT.items():
    _BITS[_letter] = _BITS[_letter.upper()] = math.log2(_percent / 100)
for _letters, _share in _OTHER_CYRILLIC.items():
    for _letter in _letters:
        _BITS[_letter] = _BITS[_letter.upper()] = math.log2(_share)
_BITS.update(dict.fromkeys(_TYPOGRAPHY, math.log2(0.01)))
_SIGN_BITS = math.log2(1e-5)
"""What one sign of misreading costs: a character that Russian text holds about once in 100,000."""

_L = "[а-яёА-ЯЁ]"
_WORD = re.compile(f"{_L}+")
_SHAPES = (
    (re.compile(f"(?<!{_L})[а-яё]+(?!{_L})"), 0.4),
    (re.compile(f"(?<!{_L})[А-ЯЁ][а-яё]+(?!{_L})"), 0.25),
    (re.compile(f"(?<!{_L})[А-ЯЁ]+(?!{_L})"), 0.25),  # as likely as lower case: either may fill a file
    (re.compile(f"(?<!{_L})(?:[А-ЯЁ][а-яё]+){{2,}}(?!{_L})"), 0.03),  # МегаФон, СберБанк
)
_ODD_SHAPE_BITS = math.log2(0.002)
_GLUED_TO_LATIN = re.compile(f"[A-Za-z]{_L}|{_L}[A-Za-z]")
_GLUED_SYMBOL = re.compile("[‚…‘’”•–—™›‹‰†‡€][а-яё]")
"""A symbol glued to the lower-case letters after it: Mac Cyrillic capitals read as 1251 (``‘ебор``).
Opening quotes (``«``, ``„``, ``“``) are left out: ``«лес»`` is ordinary."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Reading:
    """One code page's reading of the sample: its score (bits), Cyrillic letters and misreading signs."""

    name: str
    codec: str
    bits: float
    letters: int
    signs: int

    @property
    def is_text(self) -> bool:
        """Few enough signs of misreading for the letters there are (none needed with no letters)."""
        return self.signs <= SIGNS_PER_LETTER * self.letters


def read_as(sample: bytes, name: str, codec: str) -> Reading:
    """Score ``sample`` read in ``codec`` (see the module docstring)."""
    text = sample.decode(codec, errors="replace")
    bits, letters, signs = 0.0, 0, 0
    for char, count in Counter(text).items():  # a few hundred distinct characters, counted in C
        if char < "\x80":
            continue
        weight = _BITS.get(char)
        if weight is None:
            bits += count * _SIGN_BITS
            signs += count
        else:
            bits += count * weight
            letters += count if char.isalpha() else 0
    words = len(_WORD.findall(text))
    for shape, probability in _SHAPES:
        matching = len(shape.findall(text))
        bits += matching * math.log2(probability)
        words -= matching
    glued = len(_GLUED_TO_LATIN.findall(text)) + len(_GLUED_SYMBOL.findall(text))
    control = len(_CONTROL.findall(text))
    bits += words * _ODD_SHAPE_BITS + (glued + control) * _SIGN_BITS
    return Reading(name, codec, bits, letters, signs + words + glued + control)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the sample is Windows-1251 text and, if it is not, the code page it looks like (if any)."""

    cp1251: bool
    looks_like: str | None = None


def judge(sample: bytes) -> Verdict:
    """Windows-1251 if its reading is text and no other code page reads the sample much better."""
    readings = [read_as(sample, name, codec) for name, codec in CODE_PAGES]
    windows, others = readings[0], readings[1:]
    rival = max(others, key=lambda r: r.bits)
    if windows.is_text and windows.bits + PRIOR_BITS >= rival.bits:
        return Verdict(cp1251=True)
    plausible = [r for r in others if r.is_text and r.letters >= 10 and r.bits > windows.bits]
    best = max(plausible, key=lambda r: r.bits, default=None)
    return Verdict(cp1251=False, looks_like=best.name if best is not None else None)


def reads_as_russian(text: str) -> bool:
    """Whether ``text`` (as decoded from Windows-1251) reads as Russian: the verdict on its bytes."""
    return judge(text.encode("cp1251", errors="replace")).cp1251
