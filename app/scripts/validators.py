"""Checking what an operator typed into an ``ask`` field, and turning it into the answer stored.

Each check returns a value or a :class:`FieldError` with a stable ``code`` and ``params``: the panel
translates by code (Russian or English UI), the command line prints the English ``message``.

Stored values are JSON and fit the wire's ``AnswerValue``: text, single choice, e-mail and phone are
strings (a phone in E.164, via :mod:`app.phones` with the field's region, RU by default), a date is an
ISO ``YYYY-MM-DD`` string, a number an ``int`` or ``float``, yes/no a ``bool``, multiple choice a list of
option values in the script's order. An empty optional field stores ``None``: seen, not answered.

Input is forgiving where operators type fast: ``12,5`` (Russian decimal comma), ``31.12.1990``,
``8 912 345-67-89``, ``да``/``нет``, an option's label instead of its value.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import phones
from app.scripts import patterns
from app.scripts.model import Field, FieldType
from app.wire.common import Email
from app.wire.schema import TypeAdapter, ValidationError

AnswerValue = str | int | float | bool | list[str] | None
TEXT_MAX = 4000
"""The wire's limit on one answer (``COMMENT_MAX``)."""
YES = frozenset({"yes", "y", "true", "1", "да", "д", "+"})
NO = frozenset({"no", "n", "false", "0", "нет", "н", "-"})
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


@dataclass(frozen=True)
class FieldError:
    """Why a value was not accepted. ``code`` is for translation; ``message`` is English."""

    field: str
    code: str
    message: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.params = code, message, params


def check(spec: Field, raw: Any, today: date) -> tuple[AnswerValue, FieldError | None]:
    """The value to store for ``raw`` typed into ``spec``, or the error to show under the input."""
    if _empty(raw):
        if spec.required:
            return None, FieldError(spec.id, "required", "this field is required")
        return None, None
    try:
        return _CHECKS[spec.type](spec, raw, today), None
    except _Refused as refused:
        return None, FieldError(spec.id, refused.code, refused.message, refused.params)


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def _text(spec: Field, raw: Any, _today: date) -> str:
    if not isinstance(raw, str):
        raise _Refused("not_text", "expected text")
    value = raw.strip()
    if "\x00" in value:
        raise _Refused("not_text", "text must not contain NUL characters")
    low, high = spec.min_length or 0, min(spec.max_length or TEXT_MAX, TEXT_MAX)
    if len(value) < low:
        raise _Refused("too_short", f"at least {low} characters", min=low)
    if len(value) > high:
        raise _Refused("too_long", f"at most {high} characters", max=high)
    if spec.pattern and not _matches(spec.pattern, value):
        raise _Refused("pattern", spec.pattern_message or "not in the expected format")
    return value


def _matches(source: str, value: str) -> bool:
    """Whether ``value`` fully matches the field's pattern, in time linear in ``value`` (RE2, see
    :mod:`app.scripts.patterns`). A pattern RE2 cannot run (the linter refuses those) accepts the
    answer: an admin's mistake must not stop the operator."""
    try:
        return patterns.full_match(source, value)
    except patterns.PatternError:
        return True


def _number(spec: Field, raw: Any, _today: date) -> int | float:
    if isinstance(raw, bool):
        raise _Refused("not_a_number", "expected a number")
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        compact = re.sub(r"[\s\u00a0\u202f']", "", raw).replace(",", ".")
        try:
            number = float(compact)
        except ValueError:
            raise _Refused("not_a_number", "expected a number") from None
    else:
        raise _Refused("not_a_number", "expected a number")
    if not math.isfinite(number):
        raise _Refused("not_a_number", "expected a number")
    if spec.integer and not number.is_integer():
        raise _Refused("not_integer", "expected a whole number")
    low, high = _bound(spec.min), _bound(spec.max)
    if low is not None and number < low:
        raise _Refused("too_small", f"at least {low:g}", min=low)
    if high is not None and number > high:
        raise _Refused("too_large", f"at most {high:g}", max=high)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _bound(value: float | str | None) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_date(raw: Any) -> date | None:
    """A date written ISO (``1990-12-31``) or the Russian way (``31.12.1990``); ``None`` if neither."""
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        dotted = _DOTTED.match(text)
        if dotted:
            return date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
    except ValueError:
        return None
    return None


_RELATIVE = re.compile(r"^today(?: ?([+-]) ?(\d{1,4}))?$")


def date_bound(value: float | str | None, today: date) -> date | None:
    """A date field's ``min``/``max``: an ISO date, ``today``, or ``today + 14`` / ``today - 30`` (days,
    counted from the client's date)."""
    if not isinstance(value, str):
        return None
    relative = _RELATIVE.match(value.strip())
    if relative:
        days = int(relative[2] or 0) * (-1 if relative[1] == "-" else 1)
        try:
            return today + timedelta(days=days)
        except OverflowError:
            return None
    return parse_date(value)


def _date(spec: Field, raw: Any, today: date) -> str:
    value = parse_date(raw)
    if value is None:
        raise _Refused("not_a_date", "expected a date such as 31.12.1990 or 1990-12-31")
    low, high = date_bound(spec.min, today), date_bound(spec.max, today)
    if low is not None and value < low:
        raise _Refused("date_too_early", f"not before {low.isoformat()}", min=low.isoformat())
    if high is not None and value > high:
        raise _Refused("date_too_late", f"not after {high.isoformat()}", max=high.isoformat())
    return value.isoformat()


def _phone(spec: Field, raw: Any, _today: date) -> str:
    if not isinstance(raw, str):
        raise _Refused("bad_phone", "expected a phone number")
    try:
        return phones.normalise(raw, spec.region)
    except phones.PhoneError as exc:
        raise _Refused("bad_phone", str(exc), reason=exc.code) from None


def _email(_spec: Field, raw: Any, _today: date) -> str:
    try:
        return _EMAIL.validate_python(raw)
    except ValidationError:
        raise _Refused("bad_email", "expected an e-mail address such as name@example.ru") from None


def _yesno(_spec: Field, raw: Any, _today: date) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise _Refused("not_yes_no", "expected yes or no")


def _option(spec: Field, raw: Any) -> str:
    text = str(raw).strip()
    for option in spec.options:
        if text == option.value:
            return option.value
    folded = text.casefold()
    for option in spec.options:
        if folded == option.label.casefold():
            return option.value
    raise _Refused("not_an_option", f"{text[:40]!r} is not one of the choices", value=text[:40])


def _single(spec: Field, raw: Any, _today: date) -> str:
    if isinstance(raw, list | dict):
        raise _Refused("not_an_option", "choose one option")
    return _option(spec, raw)


def _multi(spec: Field, raw: Any, _today: date) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else [raw]
    chosen = {_option(spec, item) for item in items if str(item).strip()}
    values = [o.value for o in spec.options if o.value in chosen]
    low, high = _bound(spec.min), _bound(spec.max)
    if low is not None and len(values) < low:
        raise _Refused("too_few", f"choose at least {low:g}", min=low)
    if high is not None and len(values) > high:
        raise _Refused("too_many", f"choose at most {high:g}", max=high)
    if spec.required and not values:
        raise _Refused("required", "this field is required")
    return values


_CHECKS = {
    FieldType.TEXT: _text,
    FieldType.NUMBER: _number,
    FieldType.DATE: _date,
    FieldType.PHONE: _phone,
    FieldType.EMAIL: _email,
    FieldType.YESNO: _yesno,
    FieldType.SINGLE: _single,
    FieldType.MULTI: _multi,
}
