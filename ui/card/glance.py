"""What the card says at a glance, above the contact: whose call it is and why they call (the queue's
name, the line they dialled, an open callback). Pure functions over view values, so the words are
tested without widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from app.wire.contacts import HistoryCall, HistoryItem
from ui.labels import catalogue_queue_name


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for ``pyside6-lupdate`` (which looks for this name); translated when shown."""
    return text


_QUEUES: dict[str, str] = {
    "lens": QT_TRANSLATE_NOOP("Queues", "Contact lenses"),
    "shop": QT_TRANSLATE_NOOP("Queues", "Online shop"),
    "finance": QT_TRANSLATE_NOOP("Queues", "Finance"),
    "survey": QT_TRANSLATE_NOOP("Queues", "Survey"),
    "sales": QT_TRANSLATE_NOOP("Queues", "Sales"),
    "support": QT_TRANSLATE_NOOP("Queues", "Support"),
}
"""Display names of the queues the demo and the sample scripts use; any other queue shows its code
(a site's own queue codes are its own words)."""


def queue_label(code: str | None) -> str | None:
    """The queue's name in the current language (the server's catalogue names a site's queues; the
    demo's are named here too); ``None`` for no queue."""
    if not code:
        return None
    if (named := catalogue_queue_name(code)) is not None:
        return named
    name = _QUEUES.get(code)
    return QCoreApplication.translate("Queues", name) if name else code


@dataclass(frozen=True)
class CardCall:
    """The call the card is bound to, as its header shows it."""

    call_id: str
    phase: str
    """A session phase's value: ``ringing``, ``dialing``, ``talking``, ``held``, ``ended``, ``acw``."""
    number: str
    who: str | None = None
    """The CRM name when known, else the SIP display name, else ``None``."""
    queue: str | None = None
    """The queue's code (shown by its name in the language of the moment)."""
    line: str | None = None
    """The number the customer dialled (DNIS), when the PBX said it."""


def whose_text(call: CardCall | None) -> str:
    """The card's header: whose call this is and where it stands."""
    if call is None:
        return ""
    who = call.who or call.number or QCoreApplication.translate("Card", "unknown caller")
    phrase: dict[str, Callable[[], str]] = {
        "ringing": lambda: QCoreApplication.translate("Card", "Ringing: %1"),
        "dialing": lambda: QCoreApplication.translate("Card", "Dialling: %1"),
        "held": lambda: QCoreApplication.translate("Card", "On hold: %1"),
        "ended": lambda: QCoreApplication.translate("Card", "After-call work: %1"),
        "acw": lambda: QCoreApplication.translate("Card", "After-call work: %1"),
    }
    return phrase.get(call.phase, lambda: QCoreApplication.translate("Card", "On the line: %1"))().replace(
        "%1", who
    )


def why_text(call: CardCall | None) -> str:
    """Why they call: the queue and the line dialled, when known."""
    if call is None:
        return ""
    parts = []
    if call.queue:
        parts.append(
            QCoreApplication.translate("Card", "Queue: %1").replace("%1", queue_label(call.queue) or "")
        )
    if call.line:
        parts.append(QCoreApplication.translate("Card", "Line dialled: %1").replace("%1", call.line))
    return " · ".join(parts)


def open_callback(history: list[HistoryItem]) -> datetime | None:
    """The callback promised on the contact's latest call, if that call asked for one (a later call
    settles it: its own disposition says what happens next)."""
    latest = next((item for item in history if isinstance(item, HistoryCall)), None)  # messages aside
    disposition = latest.disposition if latest is not None else None
    return disposition.callback_at if disposition is not None else None
