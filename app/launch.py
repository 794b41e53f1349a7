"""How to start another ``ringdesk`` process (the telephony service) from this one.

From a checkout ``sys.executable`` is Python and the command is ``python -m ui.cli``; in the PyInstaller
bundle ``sys.executable`` is the ``ringdesk`` executable itself and ``-m`` means nothing to it. Every
place that spawns ``ringdesk phone`` asks here so the installed app and the development tree behave alike.
"""

from __future__ import annotations

import sys


def ringdesk_argv() -> list[str]:
    """The argv prefix that runs the ``ringdesk`` command (append ``phone ...`` and so on)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "ui.cli"]
