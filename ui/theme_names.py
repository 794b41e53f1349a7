"""The themes' names, apart from their colours (``ui.theme``), so the command line can be read before
the desktop loads its widgets and wire models (``ui.start``, issue 15: the cold start)."""

from __future__ import annotations

from enum import StrEnum


class Theme(StrEnum):
    """A colour scheme the operator can choose."""

    LIGHT = "light"
    DARK = "dark"
