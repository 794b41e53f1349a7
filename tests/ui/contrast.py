"""WCAG 2.x contrast: the ratio of two colours' relative luminances, and the theme's text/background
pairs read from what the application really applies (its palette and its stylesheet), so that a style
role added to ``ui/theme.py`` is checked without being listed here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QColor

TEXT = 4.5
"""WCAG AA for normal text (1.4.3)."""
NON_TEXT = 3.0
"""WCAG AA for borders of controls and for icons (1.4.11)."""

_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b")
_VALUE = re.compile(r'="[^"]*"')


def luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = colour.redF(), colour.greenF(), colour.blueF()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def ratio(a: QColor | str, b: QColor | str) -> float:
    """The contrast ratio of ``a`` and ``b``, 1 to 21."""
    la, lb = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Rule:
    """One stylesheet rule's colours."""

    selector: str
    colour: str | None
    background: str | None
    borders: tuple[str, ...]

    @property
    def general(self) -> str:
        """The selector without attribute values: ``QLabel[badge="info"]`` -> ``QLabel[badge]``, the
        rule a role's colours come from when it sets only some of them."""
        return _VALUE.sub("", self.selector)


def rules(sheet: str) -> list[Rule]:
    """Every rule of ``sheet`` with its text colour, background and border colours (``None``: unset)."""
    found: list[Rule] = []
    for selector, body in _RULE.findall(sheet):
        declarations: dict[str, str] = {}
        for part in body.split(";"):
            if ":" in part:
                key, value = part.split(":", 1)
                declarations[key.strip().lower()] = value.strip()

        def colour_of(*keys: str, found_in: dict[str, str] = declarations) -> str | None:
            for key in keys:
                match = _COLOUR.search(found_in.get(key, ""))
                if match:
                    return match.group(0)
            return None

        borders = tuple(
            match.group(0)
            for key, value in declarations.items()
            if key.startswith("border") and "radius" not in key and "width" not in key and "style" not in key
            for match in [_COLOUR.search(value)]
            if match
        )
        found.append(
            Rule(
                " ".join(selector.split()),
                colour_of("color"),
                colour_of("background", "background-color"),
                borders,
            )
        )
    return found
