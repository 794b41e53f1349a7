"""The helpers templates call: the client's local time, a greeting for it, and an age from a birthday.

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

    return {"local_time": local_time, "greeting": greeting, "age": age}
