"""The one way the core says no: an intent (or a fact) that does not fit the current state.

Both machines raise :class:`Refused` instead of ignoring a request silently, with a sentence the UI
can show as it is ("the call is not ringing") and a machine-readable ``code`` for tests and logs.
"""

from __future__ import annotations


class Refused(Exception):
    """An intent was refused; ``reason`` says why in plain English."""

    def __init__(self, reason: str, *, code: str = "refused") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
