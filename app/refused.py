"""The one way the core says no: an intent (or a fact) that does not fit the current state.

Both machines raise :class:`Refused` instead of ignoring a request silently. The core cannot use Qt's
translations, so a refusal carries three things: an English sentence for logs (``reason``), a coarse
machine-readable ``code`` for callers that act on the kind of refusal (``approval`` becomes a request to
the team lead), and a stable message ``key`` with its ``params`` (plain strings: codes, numbers,
names) from which the UI builds the sentence in the operator's language (``ui.refusals``), falling back
to ``reason`` for a key it does not know.
"""

from __future__ import annotations


class Refused(Exception):
    """An intent was refused; ``reason`` says why in plain English, ``key``/``params`` for the UI."""

    def __init__(self, reason: str, /, *, code: str = "refused", key: str = "", **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.key = key or code
        self.params: dict[str, str] = {name: _text(value) for name, value in params.items()}


def _text(value: object) -> str:
    """A parameter as a plain string: an enum by its value (a code the UI labels), else ``str``."""
    inner = getattr(value, "value", value)
    return inner if isinstance(inner, str) else str(value if inner is value else inner)
