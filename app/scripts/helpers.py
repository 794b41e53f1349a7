"""The helpers templates call: the client's local time, a greeting for it, an age from a birthday, and
the words around values: an option's label, money, dates and plural forms in the script's language.

They read the contact's clock, not the operator's: a Moscow operator calling Vladivostok at 10:00 says
"Добрый вечер". The zone is the contact's ``time_zone``, else the one its first phone's area implies
(landlines only, see :func:`app.phones.time_zone_for`); when neither is known the greeting is the
neutral "Здравствуйте" / "Hello" and the time renders as a placeholder, never a guess.

"Now" comes from the caller's clock function, so a run is reproducible in tests and after a resume.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from app.phones import time_zone_for
from app.scripts.templates import Placeholder

MONTHS = {
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}  # fmt: skip
"""Russian months in the genitive: a date reads "1 марта 2025"."""
CURRENCIES = {"RUB": "₽", "USD": "$", "EUR": "€"}
NBSP = "\u00a0"
"""Between thousands and before the currency sign in Russian: a line never breaks inside an amount."""


class ChoiceValue(str):
    """A choice's stored value (what conditions compare) that also knows its option's label.

    Answers of single and multiple choice fields reach templates as these, so ``answers.x == 'a'`` works
    as for any text and ``label(answers.x)`` reads the words the operator saw. The label is private
    (``_label``): a template reaches it only through :func:`label`.
    """

    __slots__ = ("_label",)
    _label: str

    def __new__(cls, value: str, label: str) -> ChoiceValue:
        made = super().__new__(cls, value)
        made._label = label
        return made


def _keeps_missing(function: Callable[..., Any]) -> Callable[..., Any]:
    """A helper given a missing value (``[city?]``) returns it unchanged, like operators and filters."""

    def helper(value: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, Placeholder):
            return value
        return function(value, *args, **kwargs)

    helper.__name__ = function.__name__
    helper.__doc__ = function.__doc__
    return helper


def label(value: Any) -> Any:
    """The label of a choice answer (of each, for a multiple choice); any other value unchanged."""
    if isinstance(value, ChoiceValue):
        return value._label
    if isinstance(value, list):
        return [v._label if isinstance(v, ChoiceValue) else v for v in value]
    return value


def plural_for(number: Any, forms: tuple[str, ...], language: str) -> str:
    """The word for ``number``: Russian takes three forms (1 звонок, 2 звонка, 5 звонков), English two
    (1 call, 2 calls; of three, the first and the last). A fraction takes the form for 2 (1,5 звонка)."""
    if not forms:
        return ""
    one, few, many = (forms + (forms[-1],) * 3)[:3] if len(forms) >= 3 else (forms[0], forms[-1], forms[-1])
    try:
        value = float(number)
    except (TypeError, ValueError):
        return many
    if language != "ru":
        return one if value == 1 else many
    if not value.is_integer():
        return few
    n = abs(int(value))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def money_text(amount: Any, language: str, currency: str = "RUB") -> Any:
    """``1 234,50 ₽`` (Russian) or ``₽1,234.50`` (English); whole amounts without kopecks."""
    try:
        value = float(str(amount).replace(",", ".").replace(" ", "").replace(NBSP, ""))
    except ValueError:
        return Placeholder(name="money")
    whole = value.is_integer() and abs(value) < 1e15
    text = f"{abs(value):,.0f}" if whole else f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    symbol = CURRENCIES.get(str(currency).upper(), str(currency)[:5])
    if language == "ru":
        grouped = text.replace(",", NBSP).replace(".", ",")
        return f"{sign}{grouped}{NBSP}{symbol}"
    return f"{sign}{symbol}{text}"


def date_text(value: Any, language: str, style: str = "long") -> Any:
    """``1 марта 2025`` / ``1 March 2025`` (``style='short'``: ``01.03.2025`` / ``01/03/2025``)."""
    day = as_date(value)
    if day is None:
        return Placeholder(name="date")
    if style == "short":
        return day.strftime("%d.%m.%Y" if language == "ru" else "%d/%m/%Y")
    months = MONTHS.get(language, MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


GREETINGS = {
    "ru": ("Доброй ночи", "Доброе утро", "Добрый день", "Добрый вечер", "Здравствуйте"),
    "en": ("Good evening", "Good morning", "Good afternoon", "Good evening", "Hello"),
}
"""Night (0-5), morning (5-12), afternoon (12-18), evening (18-24), unknown time. English has no
polite "good night" greeting (it is a farewell), so night says "Good evening"."""


def contact_zone(contact: Mapping[str, Any]) -> zoneinfo.ZoneInfo | None:
    """The contact's time zone: declared, else derived from the first landline, else ``None``."""
    name = contact.get("time_zone")
    if not name:
        phones = contact.get("phones") or ()
        name = time_zone_for(phones[0]) if phones and isinstance(phones[0], str) else None
    if not isinstance(name, str):
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def greeting_for(hour: int | None, language: str) -> str:
    words = GREETINGS.get(language, GREETINGS["en"])
    if hour is None:
        return words[4]
    return words[0 if hour < 5 else 1 if hour < 12 else 2 if hour < 18 else 3]


def age_on(birthday: date, today: date) -> int:
    """Full years (someone born on 29 February turns a year older on 1 March in common years)."""
    return today.year - birthday.year - ((today.month, today.day) < (birthday.month, birthday.day))


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def helpers(
    contact: Mapping[str, Any], language: str, now: Callable[[], datetime]
) -> dict[str, Callable[..., Any]]:
    """The helper functions for one call, bound to its contact, script language and clock."""
    zone = contact_zone(contact)

    def local_now() -> datetime | None:
        return now().astimezone(zone) if zone is not None else None

    def local_time(fmt: str = "%H:%M") -> Any:
        moment = local_now()
        if moment is None:
            return Placeholder(name="local time")
        return moment.strftime(fmt if fmt in ("%H:%M", "%H:%M:%S", "%d.%m.%Y %H:%M") else "%H:%M")

    def greeting() -> str:
        moment = local_now()
        return greeting_for(moment.hour if moment else None, language)

    def age(birthday: Any = None) -> Any:
        born = as_date(contact.get("birthday") if birthday is None else birthday)
        if born is None:
            return Placeholder(name="age")
        moment = local_now() or now()
        return age_on(born, moment.date())

    def plural(number: Any, *forms: str) -> str:
        return plural_for(number, tuple(str(f) for f in forms), language)

    def money(amount: Any, currency: str = "RUB") -> Any:
        return money_text(amount, language, currency)

    def date_(value: Any, style: str = "long") -> Any:
        return date_text(value, language, style)

    return {
        "local_time": local_time,
        "greeting": greeting,
        "age": age,
        "label": _keeps_missing(label),
        "plural": _keeps_missing(plural),
        "money": _keeps_missing(money),
        "date": _keeps_missing(date_),
    }
