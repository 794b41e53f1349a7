"""Qt widget tests: one QApplication (pytest-qt's), offscreen, the light theme, English unless a test
switches (and a test that switches is switched back)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from datetime import datetime

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from ui import gui_gc, sample_data
from ui.actions import ActionCollection
from ui.i18n import Language, set_language
from ui.theme import Theme, apply_theme

EVIL = "<img src=x><b>Ivan</b>"
"""A contact name that would render as an image and bold text if any widget treated it as markup."""


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_gc(qapp: QApplication) -> None:
    """The desktop's garbage policy (``ui/gui_gc.py``): Qt objects freed on the GUI thread only."""
    gui_gc.install(qapp)


@pytest.fixture(autouse=True)
def _theme_and_language(qapp: QApplication) -> Iterator[None]:
    apply_theme(qapp, Theme.LIGHT)
    yield
    set_language(Language.EN)


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """The desktop's kind of loop: qasync's, on the GUI thread.

    Afterwards the test's garbage is collected here, on the GUI thread: closed windows kept only by
    reference cycles would otherwise be collected by whichever thread next triggers Python's cycle
    collector (a TestClient's portal thread, say), and a QObject destroyed off its thread leaves Qt a
    dangling timer ("Timers cannot be stopped from another thread", then a segfault)."""
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)
    gc.collect()


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
