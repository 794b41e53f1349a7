"""Qt objects in reference cycles are freed on the GUI thread, never in the thread that happened to
allocate when the cycle collector's threshold was crossed (``ui/gui_gc.py``).

Without the collector the window below is freed in the worker thread ("QObject::~QObject: Timers
cannot be stopped from another thread", then a segfault at the next timer event: seen in the suite
after the Reports window's test)."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ui import gui_gc


class CycleWindow(QWidget):
    """A window kept alive only by a cycle, with a running timer, as closed windows are."""

    def __init__(self) -> None:
        super().__init__()
        self.ticker = QTimer(self)
        self.ticker.timeout.connect(self.update)
        self.ticker.start(50)
        self.me = self  # the cycle (a lambda given to a signal is held by Qt, out of the GC's sight)


def churn() -> None:
    """Allocate cycles as busy code does, enough to cross every collection threshold."""
    for _ in range(50_000):
        a: list[object] = []
        a.append(a)


@pytest.fixture
def collector(qapp: QApplication) -> gui_gc.GuiThreadCollector:
    """The collector the widget tests install for the session, as the desktop does (conftest)."""
    return gui_gc.install(qapp)


class Cycle:
    def __init__(self) -> None:
        self.me = self


def freed_in(qtbot: QtBot, make: type[object] = CycleWindow) -> list[str]:
    """Drop an object kept only by a cycle, churn in a worker thread, let the GUI loop run: in
    which thread was it freed?"""
    where: list[str] = []
    thing = make()
    ref = weakref.ref(thing, lambda _: where.append(threading.current_thread().name))
    del thing
    worker = threading.Thread(target=churn, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: ref() is None, timeout=5000)
    return where


def test_a_cycle_is_freed_on_the_gui_thread_not_in_the_thread_that_allocated(
    collector: gui_gc.GuiThreadCollector, qtbot: QtBot
) -> None:
    assert not gc.isenabled()
    before = collector.collections
    assert freed_in(qtbot) == [threading.main_thread().name]
    assert collector.collections > before


def test_without_it_the_worker_thread_frees_what_the_gui_dropped(qapp: QApplication, qtbot: QtBot) -> None:
    """The hazard is real: with automatic collection the same steps free a dropped cycle in the
    worker (a plain object here: a window freed there would crash this test process)."""
    gc.collect()
    gc.enable()
    try:
        assert freed_in(qtbot, Cycle) == ["worker"]
    finally:
        gc.disable()


def test_thresholds_decide_the_generation(collector: gui_gc.GuiThreadCollector) -> None:
    gc.collect()
    assert collector.collect() is None  # nothing allocated since: nothing to do
    churn()
    assert collector.collect() in (0, 1, 2)
    assert gc.get_count()[0] <= collector.thresholds[0]


def test_installing_twice_keeps_one_collector(
    collector: gui_gc.GuiThreadCollector, qapp: QApplication
) -> None:
    assert gui_gc.install(qapp) is collector
    assert len(qapp.findChildren(gui_gc.GuiThreadCollector)) == 1
