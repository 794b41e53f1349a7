"""Which CSV column holds what: English and Russian header names as CRMs and people write them.

Headers are compared by a key that ignores case, ``ё``/``е``, spaces, punctuation and a trailing
number, so ``E-mail``, ``e mail`` and ``Email 2`` all match ``email`` and ``Телефон 2`` is another phone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.wire.contacts import FieldSchema


class Target(StrEnum):
    """What a column feeds; a custom field is ``custom:<key>``."""

    FULL_NAME = "name"
    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    MIDDLE_NAME = "middle_name"
    PHONE = "phones"
    EMAIL = "email"
    CITY = "city"
    BIRTHDAY = "birthday"
    SEGMENT = "segment"
    CHANNEL = "preferred_channel"
    TIME_ZONE = "time_zone"
    CONSENT_CALL = "consent.call"
    CONSENT_SMS = "consent.sms"
    CONSENT_EMAIL = "consent.email"
    CONSENT_MARKETING = "consent.marketing"


_ALIASES: dict[Target, tuple[str, ...]] = {
    Target.FULL_NAME: (
        "ФИО", "Фамилия Имя Отчество", "Полное имя", "Клиент", "Контакт", "Контактное лицо", "Абонент",
        "Name", "Full name", "Contact", "Contact name", "Customer",
    ),
    Target.LAST_NAME: ("Фамилия", "Last name", "Surname", "Family name"),
    Target.FIRST_NAME: ("Имя", "First name", "Given name"),
    Target.MIDDLE_NAME: ("Отчество", "Middle name", "Patronymic"),
    Target.PHONE: (
        "Телефон", "Тел", "Телефоны", "Номер телефона", "Контактный телефон", "Мобильный",
        "Мобильный телефон", "Моб телефон", "Сотовый", "Сотовый телефон", "Рабочий телефон",
        "Домашний телефон", "Другой телефон",
        "Phone", "Phones", "Phone number", "Telephone", "Tel", "Mobile", "Mobile phone", "Cell", "Cell phone",
        "Work phone", "Home phone", "Other phone",
    ),
    Target.EMAIL: (
        "E-mail", "Email", "Почта", "Эл почта", "Электронная почта", "Адрес электронной почты",
        "Рабочий e-mail", "Частный e-mail", "Mail", "E-mail address", "Work e-mail", "Home e-mail",
    ),
    Target.CITY: ("Город", "Населенный пункт", "City", "Town"),
    Target.BIRTHDAY: (
        "Дата рождения", "День рождения", "ДР", "Birthday", "Birth date", "Date of birth", "DOB",
    ),
    Target.SEGMENT: ("Сегмент", "Сегмент клиента", "Segment", "Customer segment"),
    Target.CHANNEL: (
        "Канал", "Канал связи", "Предпочтительный канал", "Предпочтительный канал связи", "Способ связи",
        "Preferred channel", "Channel", "Contact channel",
    ),
    Target.TIME_ZONE: ("Часовой пояс", "Time zone", "Timezone", "TZ"),
    Target.CONSENT_CALL: ("Согласие на звонки", "Call consent", "Consent call", "Consent to calls"),
    Target.CONSENT_SMS: ("Согласие на СМС", "Согласие на SMS", "SMS consent", "Consent SMS"),
    Target.CONSENT_EMAIL: ("Согласие на e-mail", "Согласие на письма", "E-mail consent", "Consent e-mail"),
    Target.CONSENT_MARKETING: (
        "Согласие на рекламу", "Согласие на рассылку", "Согласие на маркетинг", "Маркетинговое согласие",
        "Marketing consent", "Consent marketing",
    ),
}  # fmt: skip
_NOT_KEY = re.compile(r"[\W_]+")


def header_key(header: str) -> str:
    """The comparison key of a header: ``"E-mail 2"`` -> ``"email"``, ``"Дата рожд."`` -> ``"датарожд"``.

    A trailing number is dropped (``Телефон 2`` is one more phone) unless the header is only a number.
    """
    key = _NOT_KEY.sub("", header.casefold().replace("ё", "е"))
    stripped = key.rstrip("0123456789")
    return stripped or key


_BY_KEY = {header_key(alias): target for target, aliases in _ALIASES.items() for alias in aliases}
_MULTI = frozenset({Target.PHONE, Target.EMAIL})
"""Targets that several columns may feed (Bitrix24 exports work, mobile and home phones)."""
_NAME_PARTS = frozenset({Target.LAST_NAME, Target.FIRST_NAME, Target.MIDDLE_NAME})


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column and what the import does with it.

    ``target`` is a :class:`Target` value or ``custom:<key>``, or ``None`` when the column is not
    imported; ``note`` then says why: ``unknown`` (no such field: declare a custom field to keep it),
    ``duplicate`` (an earlier column already fills that field) or ``superseded`` (name parts next to a
    full-name column, which wins).
    """

    index: int
    header: str
    target: str | None
    note: str = ""


def map_columns(headers: Sequence[str], schema: Sequence[FieldSchema] = ()) -> tuple[Column, ...]:
    """Decide every column's target; built-in fields first, then the declared custom fields."""
    custom: dict[str, str] = {}
    for spec in schema:
        for name in (spec.key, spec.label_en, spec.label_ru):
            custom.setdefault(header_key(name), f"custom:{spec.key}")
    keys = [header_key(h) for h in headers]
    has_full_name = any(_BY_KEY.get(k) == Target.FULL_NAME for k in keys)
    columns: list[Column] = []
    taken: set[str] = set()
    for index, (header, key) in enumerate(zip(headers, keys, strict=True)):
        builtin = _BY_KEY.get(key)
        target = builtin.value if builtin is not None else custom.get(key)
        if target is None:
            columns.append(Column(index, header, None, "unknown" if header.strip() else "unnamed"))
        elif builtin in _NAME_PARTS and has_full_name:
            columns.append(Column(index, header, None, "superseded"))
        elif target in taken and builtin not in _MULTI:
            columns.append(Column(index, header, None, "duplicate"))
        else:
            taken.add(target)
            columns.append(Column(index, header, target))
    return tuple(columns)


def recognised(headers: Sequence[str]) -> int:
    """How many headers name a built-in field: the measure that picks the delimiter."""
    return sum(1 for h in headers if header_key(h) in _BY_KEY)
