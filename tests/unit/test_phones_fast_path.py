"""The fast path of :func:`app.phones.parse_phone` (plain Russian forms decided without the general
parser) gives exactly the library's answer, on numbers written the ways people write them and on
garbage: any text it decides, it decides as ``phonenumbers`` does; anything else it leaves to it."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from app import phones
from app.phones import ParsedPhone, PhoneError

REGIONS = ("RU", None, "KZ", "UA")
SPACES = (" ", "\u00a0", "\t", "\u2009", "\u2007", "\u202f", "\u3000", "  ", "")
"""Between digit groups: a space, Excel's non-breaking space, and the spaces a word processor pastes."""
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def library(text: str, region: str | None) -> ParsedPhone | None:
    """The answer of the general parser alone (the path the fast one must agree with)."""
    try:
        number, extension = phones._parse_with_extension(text, region)
    except PhoneError:
        return None
    return ParsedPhone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), extension)


def parsed(text: str, region: str | None) -> ParsedPhone | None:
    try:
        return phones.parse_phone(text, region)
    except PhoneError:
        return None


def written(national: str, rng: random.Random) -> list[str]:
    """``national`` (ten digits or a few more or less) written as people write it, and mistyped."""
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    sp = rng.choice(SPACES)
    forms = [
        f"+7{national}",
        f"8{national}",
        f"7{national}",
        national,
        f"+7 ({a}) {b}-{c}-{d}",
        f"8 ({a}) {b}-{c}-{d}",
        f"8{sp}{a}{sp}{b}{sp}{c}{sp}{d}",
        f"+7{sp}{a}{sp}{b}{sp}{c}{sp}{d}",
        f"7-{a}-{b}-{c}-{d}",
        f"+7.{a}.{b}.{c}.{d}",
        f"8({a}){b}{c}{d}",
        f" +7 {national} ",
        f"+ 7 {a} {b} {c} {d}",
        f"+7 ){a}( {b}-{c}-{d}",  # brackets the wrong way round
        f"8 (({a})) {b}--{c}--{d}",
        f"-8{national}-",
        f".+7{national}",
        f"++7{national}",
        f"+8{national}",
        f"88{national}",
        f"+78{national}",
        f"+7 {a} {b} {c} {d} доб. 12",
        f"8{national} ext 5",
        f"8{national}#3",
        f"+7{national}".translate(FULL_WIDTH),
        f"8{national}".translate(ARABIC_INDIC),
        f"+7 {a}".translate(FULL_WIDTH) + f" {b} {c} {d}",
        f"+7{national}a",
        f"8-{a}-БЕЗ-{d}",
        f"+7/{national}",
        f"8\n{national}",
        f"8 {a} {b} {c} {d}\u200b",  # a zero-width space at the end
    ]
    return [*forms, *(f.replace(" ", sp) for f in forms[:8])]


def national_numbers(rng: random.Random, count: int) -> list[str]:
    """Ten digits starting with every digit (valid and unallocated ranges), and a few of 9 or 11."""
    numbers = [str(rng.randrange(10)) + "".join(rng.choices("0123456789", k=9)) for _ in range(count)]
    numbers += ["9123456789", "4951234567", "8001234567", "3422000004", "7012345678", "9000000000"]
    numbers += ["".join(rng.choices("0123456789", k=rng.choice((9, 11)))) for _ in range(count // 10)]
    return numbers


@pytest.mark.parametrize("region", REGIONS)
def test_the_fast_path_gives_the_librarys_answer_for_numbers_as_people_write_them(region: str | None) -> None:
    rng = random.Random(f"fast-path-{region}")
    checked = fast = 0
    for national in national_numbers(rng, 200):
        for text in written(national, rng):
            expected = library(text, region)
            assert parsed(text, region) == expected, (text, region)
            checked += 1
            fast += phones._fast_russian(text, region) is not None
    assert checked > 8_000
    assert fast > checked // 50  # the fast path does decide the common forms


@pytest.mark.parametrize(
    "text",
    [
        "+7912３４５６７８９",  # full-width digits: the library reads them as digits
        "８９１２３４５６７８９",
        "8 912 345\u200967 89",  # a thin space: the library refuses it
        "+7\u2007912 345 67 89",
        "8\t912\t345\t67\t89",
    ],
)
def test_digits_and_spaces_beyond_ascii_get_the_librarys_answer(text: str) -> None:
    assert parsed(text, "RU") == library(text, "RU")
    got = parsed(text, "RU")
    assert got is None or got.e164.isascii()


def test_is_valid_e164_takes_only_ascii_digits() -> None:
    assert phones.is_valid_e164("+79123456789")
    assert not phones.is_valid_e164("+7912３４５６７８９")
    assert not phones.is_valid_e164("+7912٣٤٥٦٧٨٩")
