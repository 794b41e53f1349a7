"""Field checks: every type, ``required``, bounds, patterns, phones (RU by default) and e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.scripts.model import Field, FieldType, Option
from app.scripts.validators import check

TODAY = date(2025, 3, 1)


def spec(type_: str, **extra: Any) -> Field:
    if type_ in ("single", "multi") and "options" not in extra:
        extra["options"] = (Option("a", "Apple"), Option("b", "Banana"), Option("c", "Cherry"))
    return Field("f", FieldType(type_), "F", **extra)


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        (spec("text"), "  Привет  ", "Привет"),
        (spec("text", pattern=r"\d{3}"), "123", "123"),
        (spec("number"), "12,5", 12.5),
        (spec("number"), "1 000", 1000),
        (spec("number"), 7, 7),
        (spec("number", integer=True, min=0, max=10), "10", 10),
        (spec("date"), "31.12.1990", "1990-12-31"),
        (spec("date"), "1990-12-31", "1990-12-31"),
        (spec("date", max="today"), "01.03.2025", "2025-03-01"),
        (spec("phone"), "8 (912) 345-67-89", "+79123456789"),
        (spec("phone"), "+44 20 7946 0958", "+442079460958"),
        (spec("email"), " ivan@пример.рф ", "ivan@пример.рф"),
        (spec("yesno"), "да", True),
        (spec("yesno"), "No", False),
        (spec("yesno"), False, False),
        (spec("single"), "b", "b"),
        (spec("single"), "banana", "b"),  # the label works too
        (spec("multi"), ["c", "a"], ["a", "c"]),  # script order
        (spec("multi"), "a, Banana", ["a", "b"]),
        (spec("text"), "", None),  # optional and empty: seen, not answered
        (spec("multi"), [], None),
    ],
)
def test_accepted(field: Field, raw: Any, value: Any) -> None:
    assert check(field, raw, TODAY) == (value, None)


@pytest.mark.parametrize(
    ("field", "raw", "code"),
    [
        (spec("text", required=True), "   ", "required"),
        (spec("number", required=True), None, "required"),
        (spec("multi", required=True), [], "required"),
        (spec("text", min_length=3), "ab", "too_short"),
        (spec("text", max_length=3), "abcd", "too_long"),
        (spec("text", pattern=r"\d{3}", pattern_message="three digits"), "12a", "pattern"),
        (spec("text"), 5, "not_text"),
        (spec("text"), "a\x00b", "not_text"),
        (spec("number"), "twelve", "not_a_number"),
        (spec("number"), "nan", "not_a_number"),
        (spec("number"), True, "not_a_number"),
        (spec("number", integer=True), "1.5", "not_integer"),
        (spec("number", min=1), "0", "too_small"),
        (spec("number", max=10), "11", "too_large"),
        (spec("date"), "31.02.2020", "not_a_date"),
        (spec("date"), "tomorrow", "not_a_date"),
        (spec("date", max="today"), "2025-03-02", "date_too_late"),
        (spec("date", min="2025-01-01"), "2024-12-31", "date_too_early"),
        (spec("phone"), "12345", "bad_phone"),
        (spec("phone"), "не звонить", "bad_phone"),
        (spec("email"), "ivan@", "bad_email"),
        (spec("yesno"), "maybe", "not_yes_no"),
        (spec("single"), "d", "not_an_option"),
        (spec("single"), ["a"], "not_an_option"),
        (spec("multi"), ["a", "zzz"], "not_an_option"),
        (spec("multi", min=2), ["a"], "too_few"),
        (spec("multi", max=1), ["a", "b"], "too_many"),
    ],
)
def test_refused(field: Field, raw: Any, code: str) -> None:
    value, error = check(field, raw, TODAY)
    assert value is None and error is not None
    assert (error.field, error.code) == ("f", code)
    assert error.message


def test_pattern_message_is_what_the_operator_reads() -> None:
    _, error = check(spec("text", pattern=r"\d+", pattern_message="digits only"), "x", TODAY)
    assert error is not None and error.message == "digits only"


def test_phone_region_applies_to_numbers_without_a_plus() -> None:
    assert check(spec("phone", region="GB"), "020 7946 0958", TODAY) == ("+442079460958", None)
    _, error = check(spec("phone"), "020 7946 0958", TODAY)
    assert error is not None and error.params["reason"]


def test_a_catastrophic_pattern_answers_in_linear_time() -> None:
    """``(a+)+b`` on 30 ``a``: seconds with a backtracking engine (doubling per character); RE2 is linear."""
    import time

    field = spec("text", pattern="(a+)+b")
    started = time.monotonic()
    for length in (30, 1000, 4000):
        _, error = check(field, "a" * length, TODAY)
        assert error is not None and error.code == "pattern"
    assert time.monotonic() - started < 0.5
    assert check(field, "aaab", TODAY) == ("aaab", None)


@pytest.mark.parametrize(
    ("pattern", "raw", "ok"),
    [
        (r"\w+", "Жук_1", True),  # \w is Unicode, as in Python, not RE2's ASCII
        (r"\d{3}", "١٢٣", True),
        (r"[\w-]+", "Анна-Мария", True),
        (r"[^\d]+", "abc", True),
        (r"(?i)привет", "ПРИВЕТ", True),
        (r"[A-Za-zА-Яа-я]{0,3}-?\d{5,10}", "АБ-12345", True),
        (r"[A-Za-zА-Яа-я]{0,3}-?\d{5,10}", "АБВГ-12345", False),
    ],
)
def test_patterns_mean_what_they_mean_in_python(pattern: str, raw: str, ok: bool) -> None:
    assert (check(spec("text", pattern=pattern), raw, TODAY)[1] is None) is ok
