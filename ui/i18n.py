"""Russian and English, switchable while the window is open.

The Russian strings live in ``resources/translations/ringdesk_ru.ts`` (edited by people, extracted from
the sources by ``pyside6-lupdate``) and are compiled into ``ringdesk_ru.qm``, which is committed so a
clean clone runs without Qt's tools; ``tools/translations.py`` refreshes both, and a test fails when
the ``.qm`` is stale or a string has no translation. English is the source language: no file.

Installing or removing a translator makes Qt send ``QEvent.LanguageChange`` to every widget; each
widget re-sets its texts in ``retranslate()``. Catalogue data (disposition codes, not-ready reasons,
custom field labels) comes with both languages from the server and is chosen with :func:`pick`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QTranslator

TRANSLATIONS = Path(__file__).resolve().parents[1] / "resources" / "translations"
"""Where ``ringdesk_<lang>.ts`` and ``.qm`` live."""


class Language(StrEnum):
    """A UI language; the value is the suffix of its translation file."""

    EN = "en"
    RU = "ru"


_state: dict[str, Language] = {"language": Language.EN}
_installed: list[QTranslator] = []


def language() -> Language:
    """The language the UI is shown in now."""
    return _state["language"]


def pick(label_en: str, label_ru: str) -> str:
    """The label of catalogue data (which carries both languages) for the current language."""
    return label_ru if language() is Language.RU and label_ru else label_en


def qm_path(lang: Language) -> Path:
    """The compiled translation of ``lang``."""
    return TRANSLATIONS / f"ringdesk_{lang.value}.qm"


def set_language(lang: Language) -> None:
    """Switch the UI to ``lang``; every widget retranslates on the ``LanguageChange`` Qt sends.

    Qt's own strings (the buttons of standard dialogs, context menus of text fields) come from Qt's
    ``qtbase_<lang>.qm`` shipped with PySide6.
    """
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("set_language needs a QApplication")
    if lang is _state["language"] and bool(_installed) == (lang is not Language.EN):
        return  # already so: a LanguageChange to every widget (and a collection first) for nothing
    for translator in _installed:
        QCoreApplication.removeTranslator(translator)
    _installed.clear()
    _state["language"] = lang
    QLocale.setDefault(QLocale(QLocale.Language.Russian if lang is Language.RU else QLocale.Language.English))
    if lang is not Language.EN:
        _install(app, lang)
    # Qt posts LanguageChange to the application, which posts it on to every window: deliver both
    # now, so the whole UI has switched when this returns.
    with _no_collection_midway():
        QCoreApplication.sendPostedEvents(app, QEvent.Type.LanguageChange)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
    _tell_listeners()


@contextmanager
def _no_collection_midway() -> Iterator[None]:
    """Qt hands LanguageChange down a window's children from a copy of its child list, running our
    ``changeEvent`` overrides on the way. A closed window that only a reference cycle keeps (its
    wrapper waiting for Python's cycle collector) would, if the collector ran inside one of those
    overrides, be deleted with its children while Qt still walks them: a segfault (seen in the suite;
    ``tests/ui/test_language_switch_gc.py``). So garbage goes first, and none is collected meanwhile.

    With no window at all there is nothing for Qt to walk, and nothing is collected first: the desktop
    sets its language at start before it builds a window, and a collection then goes over everything
    the start has just imported (~20 ms of the start's CPU, issue 15: the cold start)."""
    if _any_window():
        gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _any_window() -> bool:
    """Whether a widget exists (each one is, or is inside, a top-level widget: a window, shown or not,
    closed or not, until deleted); a QCoreApplication without widgets is answered ``True``, as
    nothing is known of it."""
    widgets = getattr(QCoreApplication.instance(), "topLevelWidgets", None)
    return widgets is None or bool(widgets())


def _install(app: QCoreApplication, lang: Language) -> None:
    ours = QTranslator(app)
    if not ours.load(str(qm_path(lang))):
        raise FileNotFoundError(f"no compiled translation at {qm_path(lang)} (run tools/translations.py)")
    qt_own = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for translator, loaded in ((ours, True), (qt_own, qt_own.load(f"qtbase_{lang.value}", qt_dir))):
        if loaded:
            QCoreApplication.installTranslator(translator)
            _installed.append(translator)


_listeners: dict[int, Callable[[], None]] = {}


def on_language_change(owner: QObject, callback: Callable[[], None]) -> None:
    """Call ``callback`` after every language switch (:func:`set_language`), until ``owner`` is
    destroyed.

    Widgets get ``LanguageChange`` themselves (their ``changeEvent``); plain objects that own texts do
    not: a tray icon and its menu actions, an action added to a window's menu by a presenter, the
    texts a presenter fills in. They use this (a registry rather than an event filter on the
    application, which would run Python for every event of every object).
    """
    key = id(owner)
    _listeners[key] = callback
    owner.destroyed.connect(lambda *_: _listeners.pop(key, None))


def _tell_listeners() -> None:
    for callback in list(_listeners.values()):
        callback()
