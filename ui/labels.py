"""Every value the core and the server hand over as a code, in words of the UI's language.

The core speaks in codes (``not_ready``/``training``, queue ``shop``, disposition ``sale``, zone
``Asia/Yekaterinburg``, ISO dates); a person reads "Обучение", the queue's name, "Продажа",
"Екатеринбург (UTC+5)", "06.12.2026". Widgets never format such a value themselves: they call a
function here, at the moment they set their text, so a language switch (each widget's
``retranslate``) re-labels everything.

Catalogue data (reasons, disposition codes, queue names) carries both languages and comes from the
server: :func:`use_catalogue` is given the function that returns the desktop's current catalogue, so
a catalogue fetched again re-labels at once. Queues are named by ``ui.card.glance.queue_label``,
which asks :func:`catalogue_queue_name` first. A code missing from the catalogue is shown as it is:
that is a configuration error (a script suggesting a code nobody declared, a reason dropped from the
server's list) to be seen and fixed, not hidden behind a generic word.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from app.wire.dispositions import Catalogue, DispositionCode
from app.wire.statuses import NotReadyReason, OperatorStatus
from ui.i18n import Language, language, pick

_EMPTY = Catalogue()
_source: list[Callable[[], Catalogue]] = [lambda: _EMPTY]
_extra_reasons: dict[str, NotReadyReason] = {}


def use_catalogue(catalogue: Catalogue | Callable[[], Catalogue]) -> None:
    """Where labels come from: a catalogue, or (the composition root) the function that returns the
    current one, so a catalogue fetched again during the shift re-labels at once."""
    _source[0] = catalogue if callable(catalogue) else (lambda: catalogue)
    _extra_reasons.clear()


def know_reasons(reasons: list[NotReadyReason]) -> None:
    """Not-ready reasons fetched on their own (the Team window's), for the codes the catalogue lacks."""
    _extra_reasons.update({r.code: r for r in reasons})


def catalogue() -> Catalogue:
    """The catalogue labels come from now."""
    return _source[0]()


# ----- statuses and reasons --------------------------------------------------------------------------


def status_label(status: OperatorStatus | str) -> str:
    """An operator status in words (without its reason)."""
    value = status.value if isinstance(status, OperatorStatus) else status
    words = {
        "offline": lambda: QCoreApplication.translate("Labels", "Offline"),
        "ready": lambda: QCoreApplication.translate("Labels", "Ready"),
        "not_ready": lambda: QCoreApplication.translate("Labels", "Not ready"),
        "on_call": lambda: QCoreApplication.translate("Labels", "On call"),
        "acw": lambda: QCoreApplication.translate("Labels", "After-call work"),
    }
    return words[value]() if value in words else QCoreApplication.translate("Labels", "Unknown status")


def find_reason(code: str | None) -> NotReadyReason | None:
    """The catalogue entry of a not-ready reason code."""
    if not code:
        return None
    return next((r for r in catalogue().reasons if r.code == code), None) or _extra_reasons.get(code)


def reason_label(code: str | None) -> str:
    """A not-ready reason in words ("" for none; a code missing from the catalogue as it is)."""
    if not code:
        return ""
    reason = find_reason(code)
    return pick(reason.label_en, reason.label_ru) if reason else code


def choice_label(status: OperatorStatus | str, reason: str | None = None) -> str:
    """A status as a person names it: a not-ready status by its reason ("Обучение"), others by the
    status ("Готов"); never ``not_ready (training)``."""
    value = status.value if isinstance(status, OperatorStatus) else status
    if value == OperatorStatus.NOT_READY.value and reason:
        return reason_label(reason)
    if value == OperatorStatus.OFFLINE.value:
        return QCoreApplication.translate("Labels", "End of shift")
    return status_label(status)


# ----- dispositions and queues -----------------------------------------------------------------------


def find_code(code: str | None, queue: str | None = None) -> DispositionCode | None:
    """The catalogue entry of a disposition code (the queue's own entry first)."""
    if not code:
        return None
    matches = [c for c in catalogue().dispositions if c.code == code]
    return next((c for c in matches if c.queue == queue), None) or next(iter(matches), None)


def disposition_label(code: str | None, queue: str | None = None) -> str:
    """A disposition code in words ("" for none; a code missing from the catalogue as it is)."""
    if not code:
        return ""
    entry = find_code(code, queue)
    return pick(entry.label_en, entry.label_ru) if entry else code


def catalogue_queue_name(code: str) -> str | None:
    """A queue's display name from the catalogue, ``None`` when the catalogue does not name it
    (``ui.card.glance.queue_label`` is what widgets call: it falls back to the demo's names, then
    the code)."""
    entry = next((q for q in catalogue().queues if q.code == code), None)
    return pick(entry.label_en, entry.label_ru) if entry else None


# ----- time zones ------------------------------------------------------------------------------------


def _cities() -> dict[str, str]:
    """Russian (and neighbouring) zones by the city a person knows them by."""
    return {
        "Europe/Kaliningrad": QCoreApplication.translate("Labels", "Kaliningrad"),
        "Europe/Moscow": QCoreApplication.translate("Labels", "Moscow"),
        "Europe/Simferopol": QCoreApplication.translate("Labels", "Simferopol"),
        "Europe/Kirov": QCoreApplication.translate("Labels", "Kirov"),
        "Europe/Volgograd": QCoreApplication.translate("Labels", "Volgograd"),
        "Europe/Astrakhan": QCoreApplication.translate("Labels", "Astrakhan"),
        "Europe/Saratov": QCoreApplication.translate("Labels", "Saratov"),
        "Europe/Ulyanovsk": QCoreApplication.translate("Labels", "Ulyanovsk"),
        "Europe/Samara": QCoreApplication.translate("Labels", "Samara"),
        "Asia/Yekaterinburg": QCoreApplication.translate("Labels", "Yekaterinburg"),
        "Asia/Omsk": QCoreApplication.translate("Labels", "Omsk"),
        "Asia/Novosibirsk": QCoreApplication.translate("Labels", "Novosibirsk"),
        "Asia/Barnaul": QCoreApplication.translate("Labels", "Barnaul"),
        "Asia/Tomsk": QCoreApplication.translate("Labels", "Tomsk"),
        "Asia/Novokuznetsk": QCoreApplication.translate("Labels", "Novokuznetsk"),
        "Asia/Krasnoyarsk": QCoreApplication.translate("Labels", "Krasnoyarsk"),
        "Asia/Irkutsk": QCoreApplication.translate("Labels", "Irkutsk"),
        "Asia/Chita": QCoreApplication.translate("Labels", "Chita"),
        "Asia/Yakutsk": QCoreApplication.translate("Labels", "Yakutsk"),
        "Asia/Khandyga": QCoreApplication.translate("Labels", "Khandyga"),
        "Asia/Vladivostok": QCoreApplication.translate("Labels", "Vladivostok"),
        "Asia/Ust-Nera": QCoreApplication.translate("Labels", "Ust-Nera"),
        "Asia/Magadan": QCoreApplication.translate("Labels", "Magadan"),
        "Asia/Sakhalin": QCoreApplication.translate("Labels", "Sakhalin"),
        "Asia/Srednekolymsk": QCoreApplication.translate("Labels", "Srednekolymsk"),
        "Asia/Kamchatka": QCoreApplication.translate("Labels", "Kamchatka"),
        "Asia/Anadyr": QCoreApplication.translate("Labels", "Anadyr"),
        "Europe/Minsk": QCoreApplication.translate("Labels", "Minsk"),
        "Europe/Kyiv": QCoreApplication.translate("Labels", "Kyiv"),
        "Asia/Almaty": QCoreApplication.translate("Labels", "Almaty"),
        "Asia/Tashkent": QCoreApplication.translate("Labels", "Tashkent"),
        "Asia/Tbilisi": QCoreApplication.translate("Labels", "Tbilisi"),
        "Asia/Yerevan": QCoreApplication.translate("Labels", "Yerevan"),
        "Asia/Baku": QCoreApplication.translate("Labels", "Baku"),
        "Asia/Bishkek": QCoreApplication.translate("Labels", "Bishkek"),
        "UTC": QCoreApplication.translate("Labels", "UTC"),
    }


RUSSIAN_ZONES: tuple[str, ...] = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)
"""One zone per Russian UTC offset, west to east: what a time-zone box offers."""


def utc_offset(zone: str, at: datetime | None = None) -> str:
    """``UTC+5``, ``UTC+5:30``, ``UTC``: the zone's offset at ``at`` (now by default)."""
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    offset = (at or datetime.now(tz)).astimezone(tz).utcoffset()
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str | None, at: datetime | None = None) -> str:
    """A time zone as a person knows it: "Екатеринбург (UTC+5)"; a zone without a city name here by
    its offset alone ("UTC+4"); "" for none or an unknown zone."""
    if not zone:
        return ""
    offset = utc_offset(zone, at)
    city = _cities().get(zone)
    if city and offset and city != offset:
        return f"{city} ({offset})"
    return offset or ""


# ----- dates and times -------------------------------------------------------------------------------


def date_pattern() -> str:
    """How dates are written in the current language, for a placeholder ("ДД.ММ.ГГГГ")."""
    return QCoreApplication.translate("Labels", "DD.MM.YYYY") if language() is Language.RU else "YYYY-MM-DD"


def format_date(day: date | str | None) -> str:
    """A date in the current language's form: 06.12.2026 in Russian, 2026-12-06 in English. An ISO
    string is accepted (JSON-shaped values of the card); anything else is returned as it is."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            return day
    else:
        parsed = day
    return f"{parsed:%d.%m.%Y}" if language() is Language.RU else parsed.isoformat()


def parse_date(text: str) -> str | None:
    """What was typed as a date, as an ISO date (``None`` when it is not a date): 06.12.2026,
    6.12.2026 and 2026-12-06 are all accepted whatever the language."""
    text = text.strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def format_datetime(moment: datetime) -> str:
    """A moment in local time: "06.12.2026 14:05" in Russian, "2026-12-06 14:05" in English."""
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{format_date(local.date())} {local:%H:%M}"


__all__ = [
    "RUSSIAN_ZONES",
    "catalogue",
    "catalogue_queue_name",
    "choice_label",
    "date_pattern",
    "disposition_label",
    "find_code",
    "find_reason",
    "format_date",
    "format_datetime",
    "parse_date",
    "reason_label",
    "status_label",
    "use_catalogue",
    "utc_offset",
    "zone_label",
]
