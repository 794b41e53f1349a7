"""Phone numbers: every way a Russian number is written, garbage, foreign numbers, zones, display."""

from __future__ import annotations

import gc
import random
import tracemalloc

import phonenumbers
import pytest

from app import phones
from app.phones import PhoneError

MOBILE = "+79123456789"


@pytest.mark.parametrize(
    "written",
    [
        "+7 (912) 345-67-89",
        "89123456789",
        "8 912 345 67 89",
        "79123456789",
        "+7 912 345 67 89",
        "+79123456789",
        "8 (912) 345-67-89",
        "8-912-345-67-89",
        "+7-912-345-67-89",
        "8(912)3456789",
        "9123456789",
        "+7.912.345.67.89",
        "+7\u00a0912\u00a0345\u00a067\u00a089",  # non-breaking spaces, as Excel pastes them
        "  +7 912 345 67 89  ",
        "tel:+7-912-345-67-89",
        "sip:+79123456789@pbx.example;user=phone",
    ],
)
def test_every_written_form_of_a_russian_mobile_is_one_e164(written: str) -> None:
    assert phones.normalise(written) == MOBILE
    assert phones.parse_phone(written) == phones.ParsedPhone(MOBILE, None)


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("+7 (495) 123-45-67", "+74951234567"),
        ("8 (495) 123-45-67", "+74951234567"),
        ("8 383 212 34 56", "+73832123456"),
        ("+7 (4012) 12-34-56", "+74012123456"),
        ("8-800-555-35-35", "+78005553535"),
    ],
)
def test_landlines_and_toll_free(written: str, e164: str) -> None:
    assert phones.normalise(written) == e164


@pytest.mark.parametrize(
    ("written", "extension"),
    [
        ("+7 495 123-45-67 доб. 123", "123"),
        ("8 (495) 123-45-67, доб. 12", "12"),
        ("8 (495) 123-45-67 добавочный 4", "4"),
        ("+7 495 123 45 67 ext. 12", "12"),
        ("+7 495 123 45 67 x 7", "7"),
    ],
)
def test_extensions_are_returned_by_parse_and_dropped_by_normalise(written: str, extension: str) -> None:
    assert phones.parse_phone(written) == phones.ParsedPhone("+74951234567", extension)
    assert phones.normalise(written) == "+74951234567"


@pytest.mark.parametrize(
    ("garbage", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not_a_number"),
        ("нет", "not_a_number"),
        ("не звонить", "not_a_number"),
        ("8-800-FLOWERS", "not_a_number"),
        ('=HYPERLINK("http://x")', "not_a_number"),
        ("'; DROP TABLE contacts;--", "not_a_number"),
        ("123", "too_short"),
        ("8 (912) 12-34", "too_short"),
        ("+7 000 000 00 00", "invalid"),
        ("+7 912 345 67 89 12 34", "invalid"),
        ("+999 123 456 789", "unknown_country"),
        ("1" * 100, "too_long"),
    ],
)
def test_garbage_is_a_clear_phone_error(garbage: str, code: str) -> None:
    with pytest.raises(PhoneError) as caught:
        phones.normalise(garbage)
    assert caught.value.code == code
    assert str(caught.value)  # an English sentence for the log and the import report
    assert phones.lookup_keys(garbage) == ()


@pytest.mark.parametrize(
    ("written", "region", "e164"),
    [
        ("+44 20 7946 0958", "RU", "+442079460958"),
        ("+1 650 253 0000", "RU", "+16502530000"),
        ("8 10 44 20 7946 0958", "RU", "+442079460958"),  # the Russian international prefix
        ("+375 29 123-45-67", "RU", "+375291234567"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("8 029 123-45-67", "BY", "+375291234567"),
        ("8 701 123 45 67", "KZ", "+77011234567"),
        ("+7 912 345 67 89", None, MOBILE),
    ],
)
def test_foreign_numbers_and_the_default_region(written: str, region: str | None, e164: str) -> None:
    assert phones.normalise(written, region) == e164


def test_without_a_default_region_only_international_forms_parse() -> None:
    with pytest.raises(PhoneError):
        phones.normalise("89123456789", None)


def test_the_fast_path_agrees_with_the_library_on_random_numbers() -> None:
    rng = random.Random(20240501)
    for _ in range(4000):
        digits = rng.choice("3489") + "".join(rng.choice("0123456789") for _ in range(9))
        for written in (f"+7{digits}", f"8{digits}", f"7{digits}", digits, f"8 ({digits[:3]}) {digits[3:]}"):
            for region in ("RU", None, "KZ"):
                try:
                    number = phonenumbers.parse(written, region)
                    valid = phonenumbers.is_valid_number(number)
                    expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                except phonenumbers.NumberParseException:
                    valid = False
                try:
                    got: str | None = phones.normalise(written, region)
                except PhoneError:
                    got = None
                assert got == (expected if valid else None), (written, region)


def test_is_valid_e164_accepts_only_the_canonical_form() -> None:
    assert phones.is_valid_e164(MOBILE)
    assert phones.is_valid_e164("+442079460958")
    for not_canonical in ("+7 912 345 67 89", "89123456789", "+70000000000", "+7912345678", "", "+", "+7abc"):
        assert not phones.is_valid_e164(not_canonical), not_canonical


def test_checking_a_shift_of_callers_numbers_keeps_nothing_per_caller() -> None:
    """A desk checks each new caller's number (issue 15: a shift's memory stays flat): 2,000 callers'
    numbers, each dropped once checked, leave nothing behind (a cache of every number kept 286 KB)."""
    assert phones.is_valid_e164("+79160000000")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for i in range(2000):
            assert phones.is_valid_e164(f"+7916{i * 4999 % 10_000_000:07d}")
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 20_000, kept


def test_foreign_numbers_validity_is_kept_within_its_bound() -> None:
    """Numbers outside the Russian pattern take the general parser; their answers are cached, never more
    than :data:`~app.phones.VALID_CACHED` of them."""
    for i in range(phones.VALID_CACHED + 100):
        assert phones.is_valid_e164(f"+44207{i:06d}") is phonenumbers.is_valid_number(
            phonenumbers.parse(f"+44207{i:06d}")
        )
    assert phones.is_valid_e164("+442079460958")
    assert phones._valid_elsewhere.cache_info().currsize <= phones.VALID_CACHED


def test_lookup_keys_from_caller_ids_and_search_boxes() -> None:
    assert phones.lookup_keys("8 (912) 345-67-89") == (MOBILE,)
    assert phones.lookup_keys("sip:79123456789@pbx.example") == (MOBILE,)
    assert phones.lookup_keys("442079460958") == ("+442079460958",)  # a PBX's bare international digits
    assert phones.lookup_keys("4951234567") == ("+74951234567",)  # national first, no German reading
    assert phones.lookup_keys("1001") == ()  # an internal extension finds no contact
    assert phones.lookup_keys("") == ()


@pytest.mark.parametrize(
    ("e164", "zone"),
    [
        ("+74951234567", "Europe/Moscow"),  # Moscow landline
        ("+74991234567", "Europe/Moscow"),
        ("+78121234567", "Europe/Moscow"),  # St Petersburg
        ("+73832123456", "Asia/Novosibirsk"),  # Novosibirsk landline
        ("+73431234567", "Asia/Yekaterinburg"),
        ("+74232223344", "Asia/Vladivostok"),
        ("+74012123456", "Europe/Kaliningrad"),  # the library says Bucharest, which has summer time
        ("+78452234567", "Europe/Saratov"),  # UTC+4 since 2016; the library says Moscow
        ("+375291234567", "Europe/Minsk"),
        ("+442079460958", "Europe/London"),
        ("+16502530000", "America/Los_Angeles"),
        (MOBILE, None),  # a Russian mobile says nothing reliable about where its owner is
        ("+79991234567", None),
        ("+78005553535", None),  # toll-free
        ("not a number", None),
    ],
)
def test_time_zone_only_when_the_number_says_so_unambiguously(e164: str, zone: str | None) -> None:
    assert phones.time_zone_for(e164) == zone


@pytest.mark.parametrize(
    ("e164", "locale", "shown"),
    [
        (MOBILE, "ru", "8 (912) 345-67-89"),
        (MOBILE, "ru_RU", "8 (912) 345-67-89"),
        (MOBILE, "en", "+7 912 345-67-89"),
        (MOBILE, "en_US", "+7 912 345-67-89"),
        ("+442079460958", "ru", "+44 20 7946 0958"),
        ("+442079460958", "en-GB", "020 7946 0958"),
        ("garbage", "ru", "garbage"),
    ],
)
def test_display_is_national_at_home_and_international_abroad(e164: str, locale: str, shown: str) -> None:
    assert phones.format_for_display(e164, locale) == shown
