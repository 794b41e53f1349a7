"""Phone numbers as people write them, turned into E.164, the one form ringdesk stores and looks up.

``+7 (912) 345-67-89``, ``8 912 345 67 89``, ``89123456789`` and ``79123456789`` are the same line; only
one canonical string lets a caller ID find its contact and a CSV import upsert instead of duplicating.

Decisions:

- **Extensions** (``доб. 123``, ``ext 12``) are not part of E.164 and a caller ID never carries one, so
  :func:`normalise` drops them; :func:`parse_phone` returns the extension so a caller (the CSV import)
  can report or keep it.
- **Validity** is ``phonenumbers.is_valid_number`` (allocated ranges), not just "possible length": a
  typo in a digit count is caught at import rather than discovered when the operator dials.
- **Letters** are refused: ``phonenumbers`` would read ``8-800-FLOWERS`` as digits, but in a Russian CRM
  export letters in a phone cell mean a note ("нет", "не звонить"), not a vanity number.
- **``phonenumbers`` is imported on first use** (:func:`_ru`, :func:`_lib`), not with this module: the
  desktop loads this module at start through the wire models, and the library (~18 ms of CPU, 62
  modules) is not needed until a number is checked, which an idle window does not do (issue 15: the
  cold start). The desktop's warm-up imports it off the GUI thread right after the window is shown
  (``ui.warmup``), so the first call does not pay for it either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

__all__ = [
    "ParsedPhone",
    "PhoneError",
    "fast_russian",
    "format_for_display",
    "is_valid_e164",
    "lookup_keys",
    "normalise",
    "parse_phone",
    "time_zone_for",
]

MAX_INPUT = 64
"""Longer text is not a phone number (and would waste the parser's time)."""

_SHAPE = re.compile(
    r"^\s*(?P<uri>tel:|sip:)?(?P<number>[+\d\s().\-/\u00a0]+?)"
    r"(?:\s*[,;]?\s*(?:доб(?:авочный)?\.?|ext\.?|extension|x|#)\s*(?P<ext>\d{1,6}))?"
    r"\s*(?(uri)(?:[@;].*)?)$",
    re.IGNORECASE,
)
"""Digits and the usual separators, then maybe an extension; a SIP or tel URI around it is allowed."""

_ZONE_FIXES: dict[str, str] = {
    # phonenumbers names a zone with the same offset at some moment, which is wrong when the rules
    # differ. Applied only where the library gives a single zone: a fix never resolves an ambiguity.
    "+7401": "Europe/Kaliningrad",  # UTC+2 all year; the library says Bucharest, which has summer time
    "+7845": "Europe/Saratov",  # Saratov oblast is UTC+4 since December 2016; the library says Moscow
    "+375": "Europe/Minsk",  # same clock as the library's Europe/Moscow, but the card should say Minsk
}


def _lib() -> ModuleType:
    """The ``phonenumbers`` library, imported on its first use (the module docstring says why)."""
    import phonenumbers

    return phonenumbers


def _type_pattern(*names: str) -> re.Pattern[str]:
    metadata = _lib().PhoneMetadata.metadata_for_region("RU")
    assert metadata is not None
    descs = [getattr(metadata, name) for name in names]
    alternatives = "|".join(f"(?:{d.national_number_pattern})" for d in descs if d is not None)
    return re.compile(alternatives, re.ASCII)  # ASCII digits: the library reads others as their digit


class _Russian(NamedTuple):
    valid: re.Pattern[str]
    """Russian 10-digit national numbers that ``is_valid_number`` accepts, from the library's own metadata."""
    mobile: re.Pattern[str]
    fixed: re.Pattern[str]


@cache
def _ru() -> _Russian:
    """The Russian number ranges, read from the library's metadata on first use."""
    return _Russian(
        _type_pattern("fixed_line", "mobile", "toll_free", "premium_rate", "personal_number"),
        _type_pattern("mobile"),
        _type_pattern("fixed_line"),
    )


_RU_WRITTEN = re.compile(r"(?:\+7|8|7)?([0-9]{10})", re.ASCII)
"""ASCII digits only: ``\\d`` would take full-width or Arabic-Indic digits into the "E.164" as they are."""
_FAST_SEPARATORS = str.maketrans("", "", " ().-\u00a0")
"""What the fast path passes over: what people write between digits (and Excel's non-breaking space).
Anything else (a tab, a thin space) goes to the library, which decides it."""


class PhoneError(ValueError):
    """Text that is not a usable phone number. ``code`` is stable (for translation), ``str()`` is English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    """A valid number in E.164 and the extension that was written after it, if any."""

    e164: str
    extension: str | None


def parse_phone(text: str, default_region: str | None = "RU") -> ParsedPhone:
    """Parse any written form; raise :class:`PhoneError` with a reason for anything that is not valid.

    ``default_region`` (ISO 3166 code) applies to numbers written without ``+``; ``None`` accepts only
    international forms.
    """
    fast = _fast_russian(text, default_region)
    if fast is not None:
        return ParsedPhone(fast, None)
    number, extension = _parse_with_extension(text, default_region)
    pn = _lib()
    return ParsedPhone(str(pn.format_number(number, pn.PhoneNumberFormat.E164)), extension)


def normalise(text: str, default_region: str | None = "RU") -> str:
    """The E.164 form of ``text`` (``+79123456789``), extension dropped; :class:`PhoneError` if invalid."""
    fast = _fast_russian(text, default_region)
    if fast is not None:
        return fast
    pn = _lib()
    return str(pn.format_number(_parse(text, default_region), pn.PhoneNumberFormat.E164))


def _fast_russian(text: str, region: str | None) -> str | None:
    """E.164 for the plain Russian forms without the general parser, or ``None`` to take the slow path.

    A CSV import normalises hundreds of thousands of numbers and ``phonenumbers.parse`` costs ~17 us;
    nearly all of them are ``+7``/``8``/``7`` and ten digits, which the library's own validity patterns
    decide directly (a test checks this path agrees with the library on random numbers).
    """
    if len(text) > MAX_INPUT:
        return None
    compact = text.translate(_FAST_SEPARATORS)
    match = _RU_WRITTEN.fullmatch(compact)
    if match is None:
        return None
    if region != "RU" and not compact.startswith("+7"):
        return None
    national = match.group(1)
    return "+7" + national if _ru().valid.fullmatch(national) else None


fast_russian = _fast_russian
"""The E.164 form of a plainly written Russian number (what :func:`parse_phone` gives it, with no
extension), or ``None`` when only :func:`parse_phone` can tell: parse_phone's first step, for a CSV
import's per-row shortcut that needs no :class:`ParsedPhone`."""


def is_valid_e164(value: str) -> bool:
    """Whether ``value`` is already canonical E.164 of a valid number (wire models call it on every phone
    they parse). A Russian number is decided by its pattern at once (~0.3 us); only the others take the
    general parser (~20 us) and are cached (:func:`_valid_elsewhere`)."""
    if not (value.startswith("+") and value[1:].isdigit() and 8 <= len(value) <= 16):
        return False
    if len(value) == 12 and value.startswith("+7") and _ru().valid.fullmatch(value[2:]):
        return True
    return _valid_elsewhere(value)


VALID_CACHED = 1024
"""Numbers outside the Russian pattern whose validity is kept (~150 B each, so at most ~0.15 MB).

The cache used to hold every number checked, 8,192 of them: a desk checks a new caller's number on every
call, so it grew by one entry per call all shift long (issue 15: memory over a shift), and a CSV import
cycled it without a single hit. Only the slow path's answers are worth keeping, and a desk sees the
same foreign numbers again within its task list (200) and its recent calls."""


@lru_cache(maxsize=VALID_CACHED)
def _valid_elsewhere(value: str) -> bool:
    try:
        return normalise(value, None) == value
    except PhoneError:
        return False


def lookup_keys(text: str, default_region: str | None = "RU") -> tuple[str, ...]:
    """The E.164 strings to query the contacts table with, best first; empty when nothing could match.

    Never raises: it serves a search box and caller-ID matching, where a partial or odd input simply
    finds nothing. Accepts SIP/tel URIs (``sip:+79123456789@pbx``). Digits written without ``+`` that
    are no valid number of ``default_region`` are tried as an international number, because PBXs deliver
    foreign caller IDs as bare digits (``442079460958``). A tuple so that a future rule (a PBX that
    strips a prefix, say) can add candidates without changing callers.
    """
    if not text or len(text) > MAX_INPUT:
        return ()
    try:
        return (normalise(text, default_region),)
    except PhoneError:
        pass
    bare = _digits_only(text)
    if bare and not text.lstrip().startswith("+"):
        try:
            return (normalise("+" + bare, None),)
        except PhoneError:
            pass
    return ()


def time_zone_for(e164: str) -> str | None:
    """The IANA zone of a number when its area says so unambiguously, else ``None``.

    Landlines are geographic (+7 495 is Moscow, +7 383 Novosibirsk). Russian mobile numbers are not:
    a 9xx range says where the SIM was first sold and, with number portability since 2013, not even
    that, while Russia spans eleven zones. Guessing Moscow would put a Vladivostok customer's local time
    seven hours off on the call card (and calling hours are a legal matter), so mobiles, toll-free and
    any number the data maps to several zones give ``None``: the caller should then use the contact's
    city or ask. Corrections for known errors in the library's data are applied.
    """
    russian = len(e164) == 12 and e164.startswith("+7")
    if russian and _ru().mobile.fullmatch(e164[2:]):  # the commonest case, before any import statement
        return None
    from phonenumbers import PhoneNumber
    from phonenumbers import timezone as pn_timezone

    number: PhoneNumber | None = None
    if russian and _ru().fixed.fullmatch(e164[2:]):  # the other common case, without the parser
        number = PhoneNumber(country_code=7, national_number=int(e164[2:]))
        zones = set(pn_timezone.time_zones_for_geographical_number(number))
    if number is None:
        try:
            number = _parse(e164, None)
        except PhoneError:
            return None
        zones = set(pn_timezone.time_zones_for_number(number))
    zones.discard(pn_timezone.UNKNOWN_TIMEZONE)
    if len(zones) != 1:
        return None
    for prefix, zone in _ZONE_FIXES.items():
        if e164.startswith(prefix):
            return zone
    return zones.pop()


def format_for_display(e164: str, locale: str = "ru") -> str:
    """``e164`` the way a reader of ``locale`` writes it; never raises (it only renders).

    A number of the locale's own country is shown nationally (``8 (912) 345-67-89`` for ``ru``/``ru_RU``),
    any other internationally (``+44 20 7946 0958``). A language without a country (``en``) has no home
    country, so everything is international. Text that is not valid E.164 is returned unchanged.
    """
    try:
        number = _parse(e164, None)
    except PhoneError:
        return e164
    pn = _lib()
    home = _locale_region(locale)
    same = home is not None and pn.region_code_for_number(number) == home
    style = pn.PhoneNumberFormat.NATIONAL if same else pn.PhoneNumberFormat.INTERNATIONAL
    return str(pn.format_number(number, style))


def _locale_region(locale: str) -> str | None:
    parts = re.split(r"[_\-.]", locale)
    if len(parts) > 1 and len(parts[1]) == 2 and parts[1].isalpha():
        return parts[1].upper()
    return {"ru": "RU", "uk": "UA", "kk": "KZ", "be": "BY"}.get(parts[0].lower())


def _digits_only(text: str) -> str:
    body = re.sub(r"^\s*(?:tel:|sip:)", "", text, flags=re.IGNORECASE).split("@", 1)[0]
    digits = re.sub(r"[\s().\-/\u00a0]", "", body)
    return digits if digits.isdigit() else ""


def _parse(text: str, region: str | None) -> PhoneNumber:
    return _parse_with_extension(text, region)[0]


def _parse_with_extension(text: str, region: str | None) -> tuple[PhoneNumber, str | None]:
    if not text or not text.strip():
        raise PhoneError("empty", "no phone number given")
    if len(text) > MAX_INPUT:
        raise PhoneError("too_long", f"a phone number is at most {MAX_INPUT} characters")
    shape = _SHAPE.match(text)
    if shape is None:
        raise PhoneError("not_a_number", f"{text!r} is not a phone number (only digits, spaces, + ( ) - . /)")
    body = shape.group("number")
    pn = _lib()
    try:
        number = pn.parse(body, region)
    except pn.NumberParseException as exc:
        codes, texts, _ = _reasons()
        why = texts.get(exc.error_type, "not a phone number")
        raise PhoneError(codes.get(exc.error_type, "invalid"), f"{text!r}: {why}") from None
    if not pn.is_valid_number(number):
        reason = pn.is_possible_number_with_reason(number)
        code, why = _reasons()[2].get(reason, ("invalid", "no such number range in its country"))
        raise PhoneError(code, f"{text!r} is not a valid phone number: {why}")
    return number, shape.group("ext")


@cache
def _reasons() -> tuple[dict[int, str], dict[int, str], dict[int, tuple[str, str]]]:
    """The stable code and the English reason of each parse error and each "not possible" verdict of
    the library (built on first use, as the library is imported then)."""
    pn = _lib()
    fault, verdict = pn.NumberParseException, pn.ValidationResult
    codes = {
        fault.INVALID_COUNTRY_CODE: "unknown_country",
        fault.NOT_A_NUMBER: "not_a_number",
        fault.TOO_SHORT_AFTER_IDD: "too_short",
        fault.TOO_SHORT_NSN: "too_short",
        fault.TOO_LONG: "too_long",
    }
    texts = {
        fault.INVALID_COUNTRY_CODE: "unknown country code (write it with + and the country code)",
        fault.NOT_A_NUMBER: "not a phone number",
        fault.TOO_SHORT_AFTER_IDD: "too short",
        fault.TOO_SHORT_NSN: "too short",
        fault.TOO_LONG: "too long",
    }
    possible = {
        verdict.TOO_SHORT: ("too_short", "too few digits"),
        verdict.TOO_LONG: ("too_long", "too many digits"),
        verdict.INVALID_LENGTH: ("invalid", "wrong number of digits"),
        verdict.INVALID_COUNTRY_CODE: ("unknown_country", "unknown country code"),
    }
    return codes, texts, possible
