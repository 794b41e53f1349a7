"""Operator-facing texts of the panel, translated: validation messages by their stable code.

The core (:mod:`app.scripts.validators`) gives a code and parameters; the words live here so they go
through Qt's translation (``pyside6-lupdate`` finds the ``translate`` calls, context ``ScriptPanel``).
A script's own ``pattern_message`` is shown as written: the script is already in its language.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.scripts.validators import FieldError

CONTEXT = "ScriptPanel"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def field_error(error: FieldError) -> str:
    """The message under an input for ``error``, in the UI language."""
    p = error.params
    texts = {
        "required": tr("Required"),
        "not_text": tr("Enter text"),
        "too_short": tr("At least {min} characters"),
        "too_long": tr("At most {max} characters"),
        "not_a_number": tr("Enter a number"),
        "not_integer": tr("Enter a whole number"),
        "too_small": tr("At least {min}"),
        "too_large": tr("At most {max}"),
        "not_a_date": tr("Enter a date as DD.MM.YYYY"),
        "date_too_early": tr("Not before {min}"),
        "date_too_late": tr("Not after {max}"),
        "bad_phone": tr("Not a valid phone number"),
        "bad_email": tr("Not an e-mail address"),
        "not_yes_no": tr("Choose yes or no"),
        "not_an_option": tr("Choose one of the options"),
        "too_few": tr("Choose at least {min}"),
        "too_many": tr("Choose at most {max}"),
    }
    if error.code == "pattern":
        return error.message  # the script's own words (pattern_message) or the English default
    template = texts.get(error.code)
    if template is None:
        return error.message
    values = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in p.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
