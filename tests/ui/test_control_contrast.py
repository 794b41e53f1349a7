"""The colours of the states an operator must not miss (microphone off, the ACW countdown running out)
meet WCAG AA (4.5:1) in both themes, computed from the theme itself."""

from __future__ import annotations

import pytest

from ui.theme import Theme, colours, control_colours


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", list(Theme))
def test_filled_states_and_warning_text_meet_aa(theme: Theme) -> None:
    k, c = control_colours(theme), colours(theme)
    assert contrast(k.warning_background, k.warning_text) >= 4.5
    assert contrast(k.danger_background, k.danger_text) >= 4.5
    for background in (c.base, c.window, c.alt_base):
        assert contrast(k.warning_on_window, background) >= 4.5


def test_contrast_is_computed_right() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
