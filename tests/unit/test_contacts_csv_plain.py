"""``plain_contact`` gives exactly what ``ContactIn.model_validate`` gives, or leaves it to the model.

The import's shortcut for a plain row (:mod:`app.contacts_csv.plain`) builds the model without
validating it. Proof that this never changes what is stored: thousands of generated inputs, half
plausible (as the cheap read gathers them), half with one value turned hostile (spaces at an edge,
control characters, lengths at and past the limits, odd dates and numbers, unknown keys, values of
another type); for each the shortcut either declines or builds a model equal to the validated one in
every field, field type, fields set and dump.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from app.contacts_csv.plain import plain_contact
from app.wire.common import EMAIL_MAX, LABEL_MAX, NAME_MAX
from app.wire.contacts import ContactIn
from app.wire.schema import ValidationError

ROWS = 6000
_TEXT_EDGES = (
    "", " ", "\u00a0", "\u3000", "\x1c", "\x1f", "\t", "\n",
    "\x00", "\x85", "\u2028", "\u200b", "\ufeff", "\x7f",
)  # fmt: skip
_WORDS = ("Иванов", "Иван", "Петрович", "Ёлкина", "O'Neil", "Москва", "Санкт-Петербург", "Dr.", "李")


def _text(rng: random.Random, limit: int) -> str:
    words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4)))
    roll = rng.random()
    if roll < 0.03:
        return "x" * (limit + rng.choice((-1, 0, 1)))
    if roll < 0.1:
        return words[: rng.randint(0, len(words))]
    return words


def _email(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return f"client{rng.randint(1, 10**6)}@example.ru"
    return rng.choice(
        (
            f"client{rng.randint(1, 10**6)}@example.ru",
            "Ivan@Example.RU",
            "почта@пример.рф",
            "no-at-sign.example.ru",
            "a@b",
            "a b@example.ru",
            "a@b.c\n",
            "x" * (EMAIL_MAX - 11) + "@example.ru",
            "x" * (EMAIL_MAX - 10) + "@example.ru",
        )
    )


def _birthday(rng: random.Random) -> Any:
    today = date.today()
    day = rng.choice(
        (
            date(rng.randint(1900, 2020), rng.randint(1, 12), rng.randint(1, 28)),
            date(1899, 12, 31),
            date(1900, 1, 1),
            today,
            today + timedelta(days=1),
            today + timedelta(days=2),
            date(1, 1, 1),
        )
    )
    iso = day.isoformat()
    if rng.random() < 0.8:
        return date(rng.randint(1930, 2010), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
    odd = (iso.replace("-", ""), iso[:5] + iso[6:], "1985-02-30", "1985-13-01", "٢٠٠٠-٠١-٠١", day)
    return rng.choice((iso, iso, iso, *odd))


def _phones(rng: random.Random) -> Any:
    good = [f"+79{rng.randint(10**8, 10**9 - 1)}" for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.8:
        return good
    return rng.choice(
        (
            good,
            good,
            good + good[:1],
            [f"+7912{n:07d}" for n in range(11)],
            [f"+7912{n:07d}" for n in range(10)],
            ["+442079460958"],
            ["+70000000000"],
            ["89123456789"],
            [],
            ["+79123456789", 79123456789],
            tuple(good),
            "+79123456789",
        )
    )


def _plausible(rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {"name": _text(rng, NAME_MAX), "phones": _phones(rng), "consent": {}, "custom": {}}
    if rng.random() < 0.7:
        data["city"] = _text(rng, LABEL_MAX)
    if rng.random() < 0.7:
        data["email"] = _email(rng)
    if rng.random() < 0.7:
        data["birthday"] = _birthday(rng)
    if rng.random() < 0.2:
        zones = ("Europe/Moscow", "Asia/Novosibirsk", "europe/moscow", "Mars/Base", "UTC")
        data["time_zone"] = rng.choice(zones)
    return data


def _hostile(rng: random.Random) -> dict[str, Any]:
    data = _plausible(rng)
    keys = ("name", "city", "email", "time_zone", "birthday", "phones", "consent", "custom", "extra")
    key = rng.choice(keys)
    if key in ("name", "city", "email", "time_zone"):
        value = str(data.get(key) or "Москва")
        edge = rng.choice(_TEXT_EDGES)
        data[key] = rng.choice((edge + value, value + edge, value[:1] + edge + value[1:], None, 12, b"x"))
    elif key == "consent":
        data[key] = rng.choice(({"sms": True}, {"call": None}, None, []))
    elif key == "custom":
        data[key] = rng.choice(({"vip": "yes"}, None, []))
    elif key == "extra":
        data[rng.choice(("segment", "preferred_channel", "unknown"))] = "call"
    else:
        data[key] = rng.choice((None, 1985, "", [None]))
    return data


def _same(built: ContactIn, validated: ContactIn) -> None:
    assert built == validated
    assert built.model_fields_set == validated.model_fields_set
    assert built.consent.model_fields_set == validated.consent.model_fields_set
    assert built.model_dump() == validated.model_dump()
    assert built.model_dump_json() == validated.model_dump_json()
    for name in ContactIn.model_fields:
        assert type(getattr(built, name)) is type(getattr(validated, name)), name
        assert list(vars(built)) == list(vars(validated))


@pytest.mark.parametrize("seed", [1, 2])
def test_plain_contact_is_the_validated_contact_or_declines(seed: int) -> None:
    rng = random.Random(seed)
    built_count = declined_valid = 0
    for index in range(ROWS):
        data = _plausible(rng) if index % 2 else _hostile(rng)
        built = plain_contact(data)
        try:
            validated = ContactIn.model_validate(data)
        except ValidationError:
            assert built is None, data
            continue
        if built is None:
            declined_valid += 1
            continue
        built_count += 1
        _same(built, validated)
    # The shortcut must be worth having: it builds most valid plain rows itself.
    assert built_count > ROWS // 4, (built_count, declined_valid)


def test_the_built_contact_is_a_fresh_object() -> None:
    data: dict[str, Any] = {"name": "Иванов Иван", "phones": ["+79123456789"], "consent": {}, "custom": {}}
    first, second = plain_contact(data), plain_contact(data)
    assert first is not None and second is not None
    assert first.phones is not data["phones"] and first.phones is not second.phones
    assert first.custom is not second.custom and first.consent is not second.consent
    assert first.model_fields_set == {"name", "phones", "consent", "custom"}
