"""English (or raw codes) left on a Russian screen, from the texts the probe read off the running program.

The rule for one text is the project's (``tests.support.untranslated.leaks``); the walk is the probe's:
what the running program shows, read from outside, so it sees exactly what a person sees. A line edit's
content is CRM data or typed by the operator (not checked); its placeholder is interface and is checked.
"""

from __future__ import annotations

from tests.journey.desktop import Widget
from tests.support.untranslated import leaks

DATA_CLASSES = ("QLineEdit", "QPlainTextEdit", "QTextEdit")
DATA_WINDOWS = ("LoginDialog",)  # the server address typed or configured, and the login


def untranslated(widgets: list[Widget], crm_values: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """``path: text`` for every suspect text on the screen (each widget once)."""
    found = []
    for widget in widgets:
        texts = list(widget.texts) if widget.cls in DATA_CLASSES else widget.all_texts()
        if widget.window in DATA_WINDOWS and widget.cls in DATA_CLASSES:
            continue
        for text in texts:
            if text not in crm_values and leaks(text, frozenset(crm_values)):
                found.append(f"{widget.path}: {text!r}")
    return found
