"""Operator-facing texts of the panel, translated: validation messages by their stable code.

The core (:mod:`app.scripts.validators`) gives a code and parameters; the words live here so they go
through Qt's translation (``pyside6-lupdate`` finds the ``translate`` calls, context ``ScriptPanel``).
A script's own ``pattern_message`` is shown as written: the script is already in its language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.scripts.validators import FieldError
from ui.labels import format_date


def field_error(error: FieldError) -> str:
    """The message under an input for ``error``, in the UI language."""
    p = error.params
    texts = {
        "required": QCoreApplication.translate("ScriptPanel", "Required"),
        "not_text": QCoreApplication.translate("ScriptPanel", "Enter text"),
        "too_short": QCoreApplication.translate("ScriptPanel", "At least {min} characters"),
        "too_long": QCoreApplication.translate("ScriptPanel", "At most {max} characters"),
        "not_a_number": QCoreApplication.translate("ScriptPanel", "Enter a number"),
        "not_integer": QCoreApplication.translate("ScriptPanel", "Enter a whole number"),
        "too_small": QCoreApplication.translate("ScriptPanel", "At least {min}"),
        "too_large": QCoreApplication.translate("ScriptPanel", "At most {max}"),
        "not_a_date": QCoreApplication.translate("ScriptPanel", "Enter a date as DD.MM.YYYY"),
        "date_too_early": QCoreApplication.translate("ScriptPanel", "Not before {min}"),
        "date_too_late": QCoreApplication.translate("ScriptPanel", "Not after {max}"),
        "bad_phone": QCoreApplication.translate("ScriptPanel", "Not a valid phone number"),
        "bad_email": QCoreApplication.translate("ScriptPanel", "Not an e-mail address"),
        "not_yes_no": QCoreApplication.translate("ScriptPanel", "Choose yes or no"),
        "not_an_option": QCoreApplication.translate("ScriptPanel", "Choose one of the options"),
        "too_few": QCoreApplication.translate("ScriptPanel", "Choose at least {min}"),
        "too_many": QCoreApplication.translate("ScriptPanel", "Choose at most {max}"),
    }
    if error.code == "pattern":
        return error.message  # the script's own words (pattern_message) or the English default
    template = texts.get(error.code)
    if template is None:
        return error.message
    values = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in p.items()}
    if error.code in ("date_too_early", "date_too_late"):
        values = {k: format_date(v) if isinstance(v, str) else v for k, v in values.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
