"""A ``ContactIn`` for a row of the plain shape, built without running the wire model's validation.

The re-import reads rows of the plain shape CRM exports have (numbers, full name, city, e-mail,
birthday) cheaply (``server.contacts_as_stored``); a row that is not exactly as stored is then judged
from those values (:meth:`~app.contacts_csv.rows.RowJudge.judge_read`). ``ContactIn.model_validate``
on them was the largest per-row cost left of a changed re-import (25-45 us a row, 220,000 rows).

Its values are already in their final form: the numbers are E.164 from ``app.phones``, the texts
collapsed (``one_line``) or stripped, the birthday an ISO date. So :func:`plain_contact` checks each
value with the model's own checks (the same Python validators the model runs after pydantic-core's
``strip_whitespace`` and ``max_length``) and builds the model with ``model_construct``, the fields set
being exactly the keys given, as validation would record them. Anything it is not certain of (a text
with spaces at an edge, which pydantic would strip, a value a check refuses, a key it does not know,
a type it does not expect) returns ``None``: the caller validates as before, so a refusal is worded
by the model. ``tests/unit/test_contacts_csv_plain.py`` compares the two on many generated rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from app import phones
from app.wire.common import CODE_MAX, E164_MAX, EMAIL_MAX, LABEL_MAX, NAME_MAX
from app.wire.common import _email as email_check
from app.wire.common import _single_line as single_line_check
from app.wire.common import _zone as zone_check
from app.wire.contacts import PHONES_MAX, Consent, ContactIn
from app.wire.contacts import _check_birthday as birthday_check

_TEXTS: dict[str, tuple[int, Callable[[str], str]]] = {
    "name": (NAME_MAX, single_line_check),
    "city": (LABEL_MAX, single_line_check),
    "email": (EMAIL_MAX, email_check),
    "time_zone": (CODE_MAX, zone_check),
}
"""Text fields: the longest value the model takes, and its check after the strip."""
_KEYS = frozenset({*_TEXTS, "birthday", "phones", "consent", "custom"})


def plain_contact(data: Mapping[str, Any]) -> ContactIn | None:
    """``ContactIn.model_validate(data)`` without a context, when that is sure to succeed and give
    this; ``None`` when only the model can tell. ``data`` as ``RowJudge.judge_read`` gathers it:
    ``birthday`` as ISO text, ``consent`` and ``custom`` empty."""
    if not _KEYS.issuperset(data):
        return None
    values: dict[str, Any] = {}
    for key, value in data.items():
        text = _TEXTS.get(key)
        if text is not None:
            limit, check = text
            # exact str; strip() removes every character pydantic-core's trim does, and more
            if type(value) is not str or len(value) > limit or value != value.strip():
                return None
            try:
                check(value)
            except ValueError:
                return None
            values[key] = value
        elif key == "birthday":
            day = _birthday(value)
            if day is None:
                return None
            values[key] = day
        elif key == "phones":
            numbers = _phones(value)
            if numbers is None:
                return None
            values[key] = numbers
        elif value != {} or type(value) is not dict:  # consent, custom: only empty ones here
            return None
    if "phones" not in values:
        return None
    values["consent"] = _construct(Consent, set(), {})
    values["custom"] = {}
    return _construct(ContactIn, set(data), values)


_Model = TypeVar("_Model", bound=BaseModel)


def _construct(cls: type[_Model], fields_set: set[str], values: dict[str, Any]) -> _Model:
    """``cls.model_construct(_fields_set=fields_set, **values)``: the same object, at a fifth of its
    cost (pydantic's walks every field's alias settings in Python) for the plain models here: every
    field named by its own name, no private attributes, no post-init, extras forbidden, defaults
    that are constants (``consent`` and ``custom``, the two with factories, are always given)."""
    if cls not in _PLAIN:
        return cls.model_construct(_fields_set=fields_set, **values)
    made = cls.__new__(cls)
    fields = _PLAIN[cls].copy()  # every field in order, with its default; then the values given
    fields.update(values)
    _set(made, "__dict__", fields)
    _set(made, "__pydantic_fields_set__", fields_set)
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


def _plain_defaults(cls: type[BaseModel]) -> dict[str, Any] | None:
    """``cls``'s fields in order with their constant defaults, or ``None`` when :func:`_construct`
    must leave the building to ``model_construct`` (another engine, aliases, factories not given...)."""
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or not hasattr(cls, "__pydantic_fields__"):
        return None
    if cls.__pydantic_post_init__ or cls.__private_attributes__ or cls.model_config.get("extra") == "allow":
        return None
    if cls.__pydantic_root_model__:
        return None
    fields: list[tuple[str, Any]] = []
    for name, info in cls.model_fields.items():
        if info.alias not in (None, name) or info.validation_alias not in (None, name):
            return None
        if info.default_factory is not None and name not in ("consent", "custom"):
            return None
        fields.append((name, None if info.default is PydanticUndefined else info.default))
    return dict(fields)


_set = object.__setattr__
_PLAIN: dict[type[BaseModel], dict[str, Any]] = {
    cls: fields for cls in (ContactIn, Consent) if (fields := _plain_defaults(cls)) is not None
}
_DAYS: dict[str, date] = {}
"""Birthdays checked so far, by their ISO text: a CRM's repeat (a few tens of thousands of days), and
the model's check asks the clock for today each time. Only days it took are kept: a day before
tomorrow stays so (the clock does not go back days)."""
_DAYS_MAX = 60_000
"""More than every day since 1900."""


def _birthday(value: Any) -> date | None:
    """An ISO ``YYYY-MM-DD`` text as the date pydantic reads from it, checked as the model checks it."""
    if type(value) is not str:
        return None
    day = _DAYS.get(value)
    if day is not None:
        return day
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or not value.isascii():
        return None
    if not (value[:4].isdigit() and value[5:7].isdigit() and value[8:].isdigit()):
        return None
    try:
        day = birthday_check(date.fromisoformat(value))
    except ValueError:
        return None
    if len(_DAYS) < _DAYS_MAX:
        _DAYS[value] = day
    return day


def _phones(value: Any) -> list[str] | None:
    """A copy of the list of E.164 numbers when the model takes it as it is."""
    if type(value) is not list or not 1 <= len(value) <= PHONES_MAX:
        return None
    for e164 in value:
        if type(e164) is not str or len(e164) > E164_MAX or not phones.is_valid_e164(e164):
            return None
    return list(value) if len(set(value)) == len(value) else None
