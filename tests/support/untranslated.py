"""Find text on screen that is not Russian: the guard of issue 13's defect 11 ("Russian leaks").

Usage (in any test, in-process or driving the running program's own windows)::

    from tests.support.untranslated import untranslated_texts, on_screen

    leaks = untranslated_texts(on_screen(), allowed={"operator1"})
    assert not leaks, "\\n".join(leaks)

:func:`untranslated_texts` walks every *visible* widget under the objects it is given (labels, buttons,
window titles, tooltips, tab titles, group boxes, table and tree headers and cells, list items, combo
items, placeholders, read-only text, status bar messages), every menu in reach (menu bars, menus of
tool buttons, context menus, open pop-ups) with its actions and their tooltips, and a tray icon's
tooltip and menu. It returns one line per leak: where it is and the text, e.g.
``"QLabel#status: 'not_ready (training)' [not_ready, training]"``.

A text leaks when it contains a Latin word (two or more Latin letters) that is not an allowed name
(:data:`ALLOWED`, plus ``allowed`` for a test's own data such as logins), a hotkey (``Ctrl+S``, ``F5``,
``Esc``), an e-mail address, a URL or SIP address, or when it holds an ISO date (``2026-12-06``): the
Russian UI writes dates as ``06.12.2026``. Digits, phone numbers and punctuation never leak.

What an operator typed (an editable line or text box) is their data, not the UI's, and is not checked;
its placeholder is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QStatusBar,
    QSystemTrayIcon,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

ALLOWED: frozenset[str] = frozenset(
    {
        # the product and the technologies an operator names by their Latin acronyms in Russian too
        "ringdesk",
        "SIP",
        "SMS",
        "VIP",
        "AHT",
        "ACW",
        "CRM",
        "PBX",
        "URL",
        "HTTP",
        "HTTPS",
        "TLS",
        "SRTP",
        "UDP",
        "TCP",
        "ID",
        "UTC",
        "E-mail",
    }
)
"""Latin words that are proper names or abbreviations kept as they are in the Russian UI."""

_KEYS = (
    r"Ctrl|Alt|Shift|Meta|Esc|Escape|Enter|Return|Tab|Space|Backspace|Del|Delete|Ins|Insert|Home|End"
    r"|PgUp|PgDown|PageUp|PageDown|Up|Down|Left|Right|F\d{1,2}"
)
_HOTKEY = re.compile(rf"\b(?:(?:{_KEYS})\+)+[^\s,;)]+|\b(?:{_KEYS})\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URI = re.compile(r"\b(?:https?|sips?|tel|wss?)://?[^\s]+|\b(?:sips?|tel):[^\s]+")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_'’.\-/]*[A-Za-z0-9_]|[A-Za-z]")
_LATIN = re.compile(r"[A-Za-z]")


def leaks(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The parts of ``text`` that are not Russian (empty when it reads as Russian)."""
    names = {w.casefold() for w in (*ALLOWED, *allowed)}
    found = [m.group(0) for m in _ISO_DATE.finditer(text)]
    rest = text.replace("&&", "&").replace("&", "")
    for pattern in (_EMAIL, _URI, _HOTKEY):
        rest = pattern.sub(" ", rest)
    for word in _WORD.findall(rest):
        if word.casefold() in names:
            continue
        parts = [p for p in re.split(r"[/.\-]", word) if p]
        if all(p.casefold() in names or len(_LATIN.findall(p)) < 2 for p in parts):
            continue
        found.append(word)
    return found


@dataclass(frozen=True)
class ShownText:
    """A text on screen and where: the widget's class and object name, and what part of it."""

    where: str
    text: str


def untranslated_texts(objects: Iterable[QObject], allowed: Iterable[str] = ()) -> list[str]:
    """Every visible text under ``objects`` (widgets, windows, menus, tray icons) that is not Russian,
    one line each: ``"where: 'text' [the offending words]"``. ``allowed``: extra names (logins,
    CRM values in Latin) the test's data puts on screen."""
    allowed = tuple(allowed)
    lines: list[str] = []
    seen: set[tuple[str, str]] = set()
    for shown in visible_texts(objects):
        bad = leaks(shown.text, allowed)
        key = (shown.where, shown.text)
        if bad and key not in seen:
            seen.add(key)
            lines.append(f"{shown.where}: {shown.text!r} {bad}")
    return lines


def on_screen() -> list[QObject]:
    """Every visible top-level window of the application and every open pop-up menu (a tray icon is
    not a widget: pass it too)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return [w for w in app.topLevelWidgets() if w.isVisible()]


def visible_texts(objects: Iterable[QObject]) -> Iterator[ShownText]:
    """Every text a person can read under ``objects`` (see the module notes)."""
    menus: list[QMenu] = []
    for obj in objects:
        if isinstance(obj, QSystemTrayIcon):
            yield ShownText("tray icon tooltip", obj.toolTip())
            if (menu := obj.contextMenu()) is not None:
                menus.append(menu)
            continue
        if isinstance(obj, QMenu):
            menus.append(obj)
            continue
        if not isinstance(obj, QWidget) or not obj.isVisible():
            continue
        for widget in [obj, *obj.findChildren(QWidget)]:
            if not widget.isVisible():
                continue
            yield from _widget_texts(widget)
            menus.extend(_menus_of(widget))
    done: set[int] = set()
    while menus:
        menu = menus.pop()
        if id(menu) in done:
            continue
        done.add(id(menu))
        where = _name(menu)
        if menu.title():
            yield ShownText(f"{where} title", menu.title())
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            yield from _action_texts(action, where)
            if (sub := action.menu()) is not None and isinstance(sub, QMenu):
                menus.append(sub)


def _name(obj: QObject) -> str:
    name = obj.objectName()
    return f"{type(obj).__name__}#{name}" if name else type(obj).__name__


def _action_texts(action: QAction, where: str) -> Iterator[ShownText]:
    label = f"{where} > action {action.text()!r}"
    if action.text():
        yield ShownText(label, action.text())
    if action.toolTip() and action.toolTip() != action.text().replace("&", ""):
        yield ShownText(f"{label} tooltip", action.toolTip())


def _menus_of(widget: QWidget) -> list[QMenu]:
    found: list[QMenu] = []
    if isinstance(widget, QMenuBar):
        found += [m for a in widget.actions() if (m := a.menu()) is not None and isinstance(m, QMenu)]
    if isinstance(widget, QToolButton | QAbstractButton) and hasattr(widget, "menu"):
        menu = widget.menu()  # type: ignore[attr-defined]
        if isinstance(menu, QMenu):
            found.append(menu)
    return found


def _plain(text: str, fmt: Qt.TextFormat) -> str:
    if fmt is Qt.TextFormat.RichText or (fmt is Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def _widget_texts(widget: QWidget) -> Iterator[ShownText]:
    where = _name(widget)
    if widget.isWindow() and widget.windowTitle():
        yield ShownText(f"{where} window title", widget.windowTitle())
    if widget.toolTip():
        yield ShownText(f"{where} tooltip", _plain(widget.toolTip(), Qt.TextFormat.AutoText))
    if isinstance(widget, QLabel):
        if widget.text():
            yield ShownText(where, _plain(widget.text(), widget.textFormat()))
    elif isinstance(widget, QAbstractButton):
        if widget.text():
            yield ShownText(where, widget.text())
    elif isinstance(widget, QGroupBox):
        yield ShownText(f"{where} title", widget.title())
    elif isinstance(widget, QDockWidget):
        yield ShownText(f"{where} title", widget.windowTitle())
    elif isinstance(widget, QStatusBar):
        if widget.currentMessage():
            yield ShownText(f"{where} message", widget.currentMessage())
    elif isinstance(widget, QComboBox):
        for index in range(widget.count()):
            yield ShownText(f"{where} item {index}", widget.itemText(index))
        if widget.isEditable() and widget.lineEdit() is not None:
            yield ShownText(f"{where} placeholder", widget.lineEdit().placeholderText())
    elif isinstance(widget, QLineEdit):
        yield ShownText(f"{where} placeholder", widget.placeholderText())
        if widget.isReadOnly():
            yield ShownText(where, widget.text())
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        yield ShownText(f"{where} placeholder", widget.placeholderText())
        if widget.isReadOnly():
            yield ShownText(where, widget.toPlainText())
    elif isinstance(widget, QAbstractSpinBox):
        yield ShownText(where, widget.text())
    elif isinstance(widget, QTabBar):
        for index in range(widget.count()):
            if widget.isTabVisible(index):
                yield ShownText(f"{where} tab {index}", widget.tabText(index))
                yield ShownText(f"{where} tab {index} tooltip", widget.tabToolTip(index))
    elif isinstance(widget, QHeaderView):
        yield from _header_texts(widget, where)
    elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
        yield from _cell_texts(widget, where)


def _header_texts(header: QHeaderView, where: str) -> Iterator[ShownText]:
    model = header.model()
    if model is None:
        return
    horizontal = header.orientation() is Qt.Orientation.Horizontal
    count = model.columnCount() if horizontal else model.rowCount()
    for section in range(count):
        if header.isSectionHidden(section):
            continue
        value = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if isinstance(value, str):
            yield ShownText(f"{where} section {section}", value)


def _cell_texts(view: QAbstractItemView, where: str, limit: int = 500) -> Iterator[ShownText]:
    model = view.model()
    shown = 0
    pending: list[QModelIndex] = [QModelIndex()]
    while pending and shown < limit:
        parent = pending.pop()
        for row in range(model.rowCount(parent)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                shown += 1
                yield from _cell(model, index, f"{where} cell {row},{column}")
                if column == 0 and _has_children(model, index):
                    pending.append(index)


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return int(model.columnCount(parent))
    except TypeError:  # a list model's columnCount is private in PySide6: one column
        return 1


def _has_children(model: QAbstractItemModel, index: QModelIndex) -> bool:
    try:
        return bool(model.hasChildren(index))
    except TypeError:  # private in a list or table model: they have none
        return False


def _cell(model: QAbstractItemModel, index: QModelIndex, where: str) -> Iterator[ShownText]:
    for role, what in ((Qt.ItemDataRole.DisplayRole, ""), (Qt.ItemDataRole.ToolTipRole, " tooltip")):
        value = model.data(index, role)
        if isinstance(value, str) and value:
            yield ShownText(where + what, value)
