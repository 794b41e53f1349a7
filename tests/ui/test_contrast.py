"""Every text/background pair of both themes meets WCAG AA (4.5:1 for text, 3:1 for borders and icons),
computed from what ``apply_theme`` really puts on the application: its palette, every rule of its
stylesheet (so roles added later are checked too), the disposition categories' colours, and the colours
inside every icon (issue 13, defect 12). ``tests/e2e/test_contrast_rendered.py`` checks the same on the
real window's rendered widgets."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.wire.dispositions import DispositionCategory
from tests.ui.contrast import NON_TEXT, TEXT, ratio, rules
from ui.actions import SPECS, ActionId
from ui.theme import ICONS, Theme, apply_theme, category_colour

THEMES = list(Theme)
_SVG_COLOUR = re.compile(r'(?:fill|stroke)="(#[0-9a-fA-F]{3,6})"')


def surfaces(app: QApplication) -> dict[str, str]:
    """The backgrounds text and icons sit on when a rule does not give its own."""
    p = app.palette()
    role = QPalette.ColorRole
    return {
        name: p.color(r).name()
        for name, r in (
            ("window", role.Window),
            ("base", role.Base),
            ("alternate base", role.AlternateBase),
            ("button", role.Button),
        )
    }


@pytest.mark.parametrize("theme", THEMES)
def test_palette_text_pairs(qapp: QApplication, theme: Theme) -> None:
    apply_theme(qapp, theme)
    p = qapp.palette()
    role = QPalette.ColorRole
    pairs = [
        (role.WindowText, role.Window),
        (role.Text, role.Base),
        (role.Text, role.AlternateBase),
        (role.ButtonText, role.Button),
        (role.HighlightedText, role.Highlight),
        (role.ToolTipText, role.ToolTipBase),
        (role.PlaceholderText, role.Base),
        (role.Link, role.Base),
        (role.Link, role.Window),
        (role.BrightText, role.Base),
    ]
    low = [
        f"{fg.name}/{bg.name}: {ratio(p.color(fg), p.color(bg)):.2f}"
        for fg, bg in pairs
        if ratio(p.color(fg), p.color(bg)) < TEXT
    ]
    assert not low, low


@pytest.mark.parametrize("theme", THEMES)
def test_every_stylesheet_rule(qapp: QApplication, theme: Theme) -> None:
    apply_theme(qapp, theme)
    found = rules(qapp.styleSheet())
    assert len(found) > 10  # the parser read the sheet
    by_selector = {r.selector: r for r in found}
    generals = {r.general for r in found if r.general != r.selector}
    text = qapp.palette().color(QPalette.ColorRole.WindowText).name()
    around = surfaces(qapp)
    low: list[str] = []
    for rule in found:
        if ":disabled" in rule.selector:
            continue  # WCAG exempts inactive controls
        general = by_selector.get(rule.general)
        colour = rule.colour or (general.colour if general is not None else None)
        if rule.background is not None:
            fg, bg = colour or text, rule.background
            if ratio(fg, bg) < TEXT:
                low.append(f"{rule.selector}: text {fg} on {bg}: {ratio(fg, bg):.2f}")
        elif rule.colour is not None and rule.selector not in generals:
            # (a rule that only gives its roles' text colour, as ``QLabel[badge]``, is checked with them)
            for name, bg in around.items():
                if ratio(rule.colour, bg) < TEXT:
                    low.append(f"{rule.selector}: text {rule.colour} on {name}: {ratio(rule.colour, bg):.2f}")
        for border in rule.borders:
            against = {"window": around["window"], "base": around["base"]}
            if rule.background is not None:
                against["its background"] = rule.background
            for name, bg in against.items():
                if ratio(border, bg) < NON_TEXT:
                    low.append(f"{rule.selector}: border {border} on {name}: {ratio(border, bg):.2f}")
    assert not low, "\n".join(low)


@pytest.mark.parametrize("theme", THEMES)
def test_input_fields_have_visible_borders(qapp: QApplication, theme: Theme) -> None:
    """The after-call comment box and the other fields show where to type (their border is 3:1)."""
    apply_theme(qapp, theme)
    found = rules(qapp.styleSheet())
    for widget in ("QLineEdit", "QPlainTextEdit", "QComboBox"):
        bordered = [r for r in found if widget in r.selector.split(", ") and r.borders]
        assert bordered, f"no border is set for {widget}"


@pytest.mark.parametrize("theme", THEMES)
def test_category_colours_as_text(qapp: QApplication, theme: Theme) -> None:
    apply_theme(qapp, theme)
    around = surfaces(qapp)
    low = [
        f"{category}: {category_colour(category).name()} on {name}"
        for category in DispositionCategory
        for name in ("base", "alternate base")
        if ratio(category_colour(category), around[name]) < TEXT
    ]
    assert not low, low


def icon_colours(name: str) -> list[str]:
    return _SVG_COLOUR.findall((ICONS / f"{name}.svg").read_text(encoding="utf-8"))


@pytest.mark.parametrize("theme", THEMES)
def test_every_icon_stands_out_from_where_it_is_shown(qapp: QApplication, theme: Theme) -> None:
    """An icon is seen if some part of it (its glyph, its ring) is 3:1 against what is behind it: the
    window, a field, a button, and for the call buttons their own colour (no red icon on red)."""
    apply_theme(qapp, theme)
    behind = surfaces(qapp)
    on_buttons: dict[str, dict[str, str]] = {}
    icons_by_object = {a.value.replace("_", ""): SPECS[a].icon for a in ActionId if SPECS[a].icon}
    for rule in rules(qapp.styleSheet()):
        for selector in rule.selector.split(", "):
            if "#" in selector and rule.background is not None:
                name = icons_by_object.get(selector.split("#", 1)[1])
                if name:
                    on_buttons.setdefault(name, {})[selector] = rule.background
    assert "answer" in on_buttons and "hangup" in on_buttons
    low: list[str] = []
    for path in sorted(ICONS.glob("*.svg")):
        colours = icon_colours(path.stem)
        assert colours, path
        for where, bg in {**behind, **on_buttons.get(path.stem, {})}.items():
            best = max(ratio(c, bg) for c in colours)
            if best < NON_TEXT:
                low.append(f"{path.name} on {where} ({bg}): {best:.2f}")
    assert not low, "\n".join(low)
