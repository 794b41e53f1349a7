"""English (or raw codes) left on a Russian screen, from the texts the probe read off the running program.

The rule for one text is the project's (``tests.support.untranslated.leaks``, issue 13's i18n work) when
it is there; until it is in main, the minimal rule below stands in. The walk is the probe's: what the
running program shows, read from outside, so it sees exactly what a person sees.

A text is suspect when a Latin word of three letters or more is left after removing what is not
interface language: the product name, key names (F5, Ctrl+Return...), URLs, e-mail addresses, SIP
addresses, logins, and the customer's own data (a line edit's content is CRM data or typed by the
operator; its placeholder is interface and is checked).
"""

from __future__ import annotations

import re

from tests.journey.desktop import Widget

NOT_LANGUAGE = [
    re.compile(p)
    for p in (
        r"https?://\S+",
        r"sip:\S+",
        r"\S+@\S+\.\S+",
        r"\bringdesk\b",
        r"\b(?:Ctrl|Alt|Shift|Enter|Return|Esc|Tab|Del|Backspace|PgUp|PgDown)\b",
        r"\bF\d{1,2}\b",
        r"\boperator\d\b|\blead\b|\badmin\b",
        r"\bA-\d+\b",
        r"\b(?:VIP|SMS|CRM|SIP|AHT|ACW|KPI|OK)\b",
        r"(?i)\be-mail\b",  # as written in Russian too
    )
]
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
DATA_CLASSES = ("QLineEdit", "QPlainTextEdit", "QTextEdit")
DATA_WINDOWS = ("LoginDialog",)  # the server address typed or configured, and the login


def _minimal_suspect(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    cleaned = text.replace("&", "")
    for pattern in NOT_LANGUAGE:
        cleaned = pattern.sub(" ", cleaned)
    return any(word not in allowed for word in LATIN_WORD.findall(cleaned))


def suspect(text: str, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether ``text`` holds something not Russian (``allowed``: the test's own data, e.g. logins)."""
    try:
        from tests.support.untranslated import leaks
    except ImportError:
        return _minimal_suspect(text, allowed)
    return bool(leaks(text, allowed))


def untranslated(widgets: list[Widget], crm_values: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """``path: text`` for every suspect text on the screen (each widget once)."""
    found = []
    for widget in widgets:
        texts = list(widget.texts) if widget.cls in DATA_CLASSES else widget.all_texts()
        if widget.window in DATA_WINDOWS and widget.cls in DATA_CLASSES:
            continue
        for text in texts:
            if text not in crm_values and suspect(text, frozenset(crm_values)):
                found.append(f"{widget.path}: {text!r}")
    return found
