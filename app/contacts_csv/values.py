"""Cell values as Russian spreadsheets write them, turned into wire values (or a reason they cannot be).

Each parser returns the value or raises ``ValueError`` with an English message; the row builder turns
that into a :class:`~app.contacts_csv.errors.RowIssue` with the column's code.
"""

from __future__ import annotations

import math
import re
import zoneinfo
from datetime import date
from functools import cache

from app.wire.common import is_time_zone
from app.wire.contacts import CustomValue, FieldSchema, FieldType, PreferredChannel

EMPTY = frozenset({"", "-", "—", "–"})
"""Cells that mean "nothing": Russian Excel users put a dash in an empty cell."""

_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")

_CHANNELS: dict[str, PreferredChannel] = {
    **dict.fromkeys(
        ("call", "phone", "voice", "звонок", "звонки", "телефон", "по телефону"), PreferredChannel.CALL
    ),
    **dict.fromkeys(("sms", "смс", "sms-сообщение", "смс-сообщение"), PreferredChannel.SMS),
    **dict.fromkeys(
        ("email", "e-mail", "mail", "почта", "письмо", "электронная почта", "эл. почта"),
        PreferredChannel.EMAIL,
    ),
}
_YES = frozenset({"да", "д", "yes", "y", "true", "1", "+", "есть", "согласен", "согласна", "v", "✓", "x"})
_NO = frozenset({"нет", "н", "no", "n", "false", "0", "отказ", "не согласен", "не согласна"})


def blank(cell: str) -> bool:
    """Whether a cell holds nothing (whitespace or a lone dash)."""
    return cell.strip() in EMPTY


def one_line(cell: str) -> str:
    """Whitespace runs (line breaks in a quoted cell, double spaces) collapsed: a name is one line."""
    return " ".join(cell.split())


def parse_date(cell: str) -> str:
    """``dd.mm.yyyy`` (also with ``/``, one-digit parts or Excel's ``0:00:00`` time) or ISO -> ISO date.

    Two-digit years are refused: ``01.02.03`` could be 1903 or 2003, and a guessed birthday is worse
    than none.
    """
    text = cell.strip()
    if m := _DOTTED.match(text):
        day, month, year = m.groups()
        if len(year) == 2:
            raise ValueError(f"{text!r} has a two-digit year; write it as dd.mm.yyyy")
    elif m := _ISO.match(text):
        year, month, day = m.groups()
    else:
        raise ValueError(f"{text!r} is not a date; write it as dd.mm.yyyy or yyyy-mm-dd")
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def parse_channel(cell: str) -> PreferredChannel:
    """A preferred channel in English or Russian words: call, SMS or e-mail."""
    channel = _CHANNELS.get(one_line(cell).casefold())
    if channel is None:
        raise ValueError(f"{cell.strip()!r} is not a channel; use call, SMS or e-mail (звонок, СМС, почта)")
    return channel


def parse_flag(cell: str) -> bool:
    """A yes/no cell: да/нет, yes/no, 1/0, +/-, true/false."""
    word = one_line(cell).casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f"{cell.strip()!r} is not yes or no (да/нет, 1/0)")


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in zoneinfo.available_timezones()}


def parse_time_zone(cell: str) -> str:
    """An IANA zone name, any letter case (``europe/moscow`` is understood as ``Europe/Moscow``)."""
    text = cell.strip()
    zone = _zones_by_folded_name().get(text.casefold(), text)
    if not is_time_zone(zone):
        raise ValueError(f"{text!r} is not an IANA time zone such as Europe/Moscow or Asia/Novosibirsk")
    return zone


def parse_custom(spec: FieldSchema, cell: str) -> CustomValue:
    """A custom field's cell as its declared type: numbers with a decimal comma, dates, yes/no, choices."""
    text = cell.strip()
    if spec.type is FieldType.TEXT:
        return cell
    if spec.type is FieldType.DATE:
        return parse_date(text)
    if spec.type is FieldType.BOOL:
        return parse_flag(text)
    if spec.type is FieldType.CHOICE:
        for choice in spec.choices:
            if choice.casefold() == text.casefold():
                return choice
        raise ValueError(f"{text!r} is not one of {', '.join(spec.choices)}")
    number = re.sub(r"[\s\u00a0]", "", text)
    if "," in number and "." not in number:
        number = number.replace(",", ".")
    if re.fullmatch(r"[+-]?\d{1,18}", number):
        return int(number)
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", number, re.IGNORECASE):
        value = float(number)
        if math.isfinite(value):
            return value
    raise ValueError(f"{text!r} is not a number")
