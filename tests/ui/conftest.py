"""Qt widget tests: one QApplication (pytest-qt's), offscreen, the light theme, English unless a test
switches (and a test that switches is switched back)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtWidgets import QApplication

from ui import sample_data
from ui.actions import ActionCollection
from ui.i18n import Language, set_language
from ui.theme import Theme, apply_theme

EVIL = "<img src=x><b>Ivan</b>"
"""A contact name that would render as an image and bold text if any widget treated it as markup."""


@pytest.fixture(autouse=True)
def _theme_and_language(qapp: QApplication) -> Iterator[None]:
    apply_theme(qapp, Theme.LIGHT)
    yield
    set_language(Language.EN)


@pytest.fixture
def actions(qapp: QApplication) -> ActionCollection:
    """A fresh action collection (widgets enable and connect its actions)."""
    return ActionCollection()


class FakeClock:
    """A clock a test moves by hand."""

    def __init__(self, now: datetime = sample_data.NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """Starts at :data:`ui.sample_data.NOW`."""
    return FakeClock()
