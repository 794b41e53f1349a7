"""An opt-in probe that tells a test what the running desktop shows: off unless ``RINGDESK_PROBE`` is set.

Why: the journey tests (``tests/journey/``) start the real ``ringdesk`` program in its own process and
drive it only with key and mouse events through X, like a person. To assert what the person would see
they need the screen read back, not the core's state: which windows are open, each visible widget's
text, whether it is enabled or checked, where it is on the screen (to click it), and which widget has
the keyboard. Screenshots keep the pixels for a person; this keeps the facts for an assertion.

How: with ``RINGDESK_PROBE=/path/to/socket`` in the environment, :func:`install_probe` listens on that
Unix socket (``QLocalServer``, on the GUI thread, so reading widgets is safe). Each request is one JSON
line, each answer one JSON line:

- ``{"query": "windows"}``: the visible top-level windows (title, class, geometry, X window id, active,
  modal), including open pop-up menus and dialogs;
- ``{"query": "widgets"}``: every visible widget of every visible window: ``path`` (the chain of Python
  attribute names from its window, e.g. ``MainWindow.ringing.answer_button``, else object or class
  names), ``cls``, ``text``, ``texts`` (items, placeholders, menu entries), ``enabled``, ``checked``,
  ``focus``, ``role`` (the theme role property) and global ``rect`` [x, y, w, h];
  lists and tables also give ``rows`` (the cells of each row) and ``current_row``;
- ``{"query": "focus"}``: the focused widget's path and class, and the active window's;
- ``{"query": "screen"}``: the primary screen's geometry, available geometry and scale.
- ``{"query": "wire"}``: which engine checks the wire models (``light`` or ``pydantic``), whether pydantic
  is loaded, and what the light engine left to it (``app.wire.light.twin.used``).

Nothing is ever changed through the probe: it only reads, so a test still has to act with real input.
The variable is documented as a test hook (README, docs); an operator's PC never sets it, and without
it nothing listens.
"""

from __future__ import annotations

import json
import os
import sys

from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QTreeView,
    QWidget,
)

from ui.qt_loop import PROBE_ENV

ENV = PROBE_ENV
MAX_ROWS = 200
"""Rows read from one list or table: enough for any screen a person can read, bounded for a big board."""


def install_probe(app: QApplication) -> None:
    """Start answering queries on the socket named by ``RINGDESK_PROBE``; nothing when it is unset.
    The server is the application's child, so it lives as long as the application."""
    path = os.environ.get(ENV, "")
    if path and app.findChild(ProbeServer) is None:
        ProbeServer(path, app)


class ProbeServer(QObject):
    """Answers one JSON line with one JSON line, on the GUI thread."""

    def __init__(self, path: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        QLocalServer.removeServer(path)
        if not self.server.listen(path):
            raise RuntimeError(f"{ENV}: cannot listen on {path}: {self.server.errorString()}")
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data()).decode("utf-8", "replace")
            try:
                request = json.loads(line)
                answer: object = answer_query(str(request.get("query", "")))
            except Exception as exc:
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            socket.write((json.dumps(answer, ensure_ascii=False) + "\n").encode("utf-8"))
            socket.flush()


def answer_query(query: str) -> object:
    """The answer to one query (see the module docstring)."""
    _names.clear()  # ids are only stable while the widgets are: paths are found afresh for each query
    if query == "windows":
        return [_window(w) for w in _windows()]
    if query == "widgets":
        return [item for w in _windows() for item in _widgets(w)]
    if query == "focus":
        focused = QApplication.focusWidget()
        active = QApplication.activeWindow()
        popup = QApplication.activePopupWidget()
        return {
            "widget": _path_of(focused) if focused is not None else None,
            "cls": type(focused).__name__ if focused is not None else None,
            "window": _path_of(active) if active is not None else None,
            "popup": _path_of(popup) if popup is not None else None,
        }
    if query == "screen":
        screen = QGuiApplication.primaryScreen()
        return {
            "geometry": _rect(screen.geometry()),
            "available": _rect(screen.availableGeometry()),
            "scale": screen.devicePixelRatio(),
        }
    if query == "wire":
        return _wire()
    raise ValueError(f"unknown query {query!r}")


def _wire() -> dict[str, object]:
    """Which engine checks the wire models, and what it left to pydantic (``app.wire.light``)."""
    from app.wire import engine

    twin = sys.modules.get("app.wire.light.twin")
    return {
        "engine": "light" if engine.light() else "pydantic",
        "pydantic_loaded": "pydantic" in sys.modules,
        "pydantic_consulted": dict(getattr(twin, "used", {})),
    }


def _windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def _rect(rect: QRect) -> list[int]:
    return [rect.x(), rect.y(), rect.width(), rect.height()]


def _window(window: QWidget) -> dict[str, object]:
    return {
        "path": _path_of(window),
        "cls": type(window).__name__,
        "title": window.windowTitle(),
        "rect": _rect(window.frameGeometry()),
        "xid": int(window.winId()),
        "active": window.isActiveWindow(),
        "modal": window.isModal(),
        "minimised": window.isMinimized(),
    }


_names: dict[int, str] = {}
"""Paths of the widgets seen by the current query (by ``id``; rebuilt on every query)."""


def _walk_attributes(root: QWidget, base: str) -> None:
    """Name every widget reachable through Python attributes from ``root`` by its attribute chain from
    ``base``: the names the code gives them, stable across languages and layouts, without setting
    object names on every widget."""
    queue: list[tuple[object, str]] = [(root, base)]
    while queue:
        obj, path = queue.pop(0)
        try:
            attributes = vars(obj)
        except TypeError:
            continue
        for name, value in attributes.items():
            values: list[tuple[int | str | None, object]]
            if isinstance(value, list | tuple):
                values = [(i, v) for i, v in enumerate(value[:MAX_ROWS])]
            elif isinstance(value, dict):
                values = [(str(k), v) for k, v in list(value.items())[:MAX_ROWS]]
            else:
                values = [(None, value)]
            for index, item in values:
                if not isinstance(item, QWidget) or id(item) in _names:
                    continue
                child = f"{path}.{name.lstrip('_')}" + (f"[{index}]" if index is not None else "")
                _names[id(item)] = child
                queue.append((item, child))


def _path_of(widget: QWidget) -> str:
    """The widget's attribute path from its window; a widget no attribute holds (one put in a layout
    and forgotten) is named ``parent/objectName`` or ``parent/Class``, and its own attributes from
    there."""
    if id(widget) in _names:
        return _names[id(widget)]
    parent = widget.parentWidget()
    if widget.isWindow() or parent is None:
        path = type(widget).__name__
    else:
        path = _path_of(parent)
        if id(widget) in _names:  # naming the parent named its attributes
            return _names[id(widget)]
        path = f"{path}/{widget.objectName() or type(widget).__name__}"
    _names[id(widget)] = path
    _walk_attributes(widget, path)
    return path


def _widgets(window: QWidget) -> list[dict[str, object]]:
    window_path = _path_of(window)
    focused = QApplication.focusWidget()
    found: list[dict[str, object]] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisible() or widget.window() is not window:
            continue
        text, texts = _texts(widget)
        item: dict[str, object] = {
            "path": _path_of(widget),
            "cls": type(widget).__name__,
            "window": window_path,
            "text": text,
            "texts": texts,
            "enabled": widget.isEnabled(),
            "focus": widget is focused,
            "rect": _rect(QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())),
        }
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            item["rows"] = _rows(widget)
            current = widget.currentIndex()
            item["current_row"] = current.row() if current.isValid() else None
        if isinstance(widget, QAbstractButton) and widget.isCheckable():
            item["checked"] = widget.isChecked()
        role = widget.property("role")
        if role:
            item["role"] = str(role)
        found.append(item)
    return found


def _texts(widget: QWidget) -> tuple[str, list[str]]:
    """What a person reads on ``widget``: its main text, and the other texts it shows."""
    if isinstance(widget, QLabel):
        return widget.text(), []
    if isinstance(widget, QAbstractButton):
        return widget.text(), []
    if isinstance(widget, QLineEdit):
        return widget.text(), [widget.placeholderText()] if not widget.text() else []
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        text = widget.toPlainText()
        return text, [widget.placeholderText()] if not text else []
    if isinstance(widget, QComboBox):
        return widget.currentText(), [widget.itemText(i) for i in range(min(widget.count(), MAX_ROWS))]
    if isinstance(widget, QAbstractSpinBox):
        return widget.text(), []
    if isinstance(widget, QGroupBox):
        return widget.title(), []
    if isinstance(widget, QProgressBar):
        return widget.text() if widget.isTextVisible() else "", []
    if isinstance(widget, QTabBar):
        return "", [widget.tabText(i) for i in range(widget.count())]
    if isinstance(widget, QMenu | QMenuBar):
        title = widget.title() if isinstance(widget, QMenu) else ""
        return title, [a.text() for a in widget.actions() if a.isVisible() and not a.isSeparator()]
    if isinstance(widget, QHeaderView):
        return "", []  # its titles are reported with the table or tree it heads
    if isinstance(widget, QAbstractItemView):
        return "", _item_texts(widget)
    if widget.isWindow():
        return widget.windowTitle(), []
    return "", []


def _columns(view: QAbstractItemView) -> list[int]:
    """The model columns the view shows. Counted through the view (the item widgets' models keep
    ``columnCount`` private in PySide6)."""
    model = view.model()
    if isinstance(view, QListView):
        return [view.modelColumn()]
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    header = view.header() if isinstance(view, QTreeView) else header
    if header is None or model is None:
        return [0]
    return [c for c in range(header.count()) if not header.isSectionHidden(c)]


def _item_texts(view: QAbstractItemView) -> list[str]:
    """Headers and cells of a list, table or tree (top level), as shown."""
    model = view.model()
    if model is None:
        return []
    texts: list[str] = []
    header = view.horizontalHeader() if isinstance(view, QTableView) else None
    header = view.header() if isinstance(view, QTreeView) else header
    if header is not None and not header.isHidden():
        for column in _columns(view):
            title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
            if title is not None:
                texts.append(str(title))
    for cells in _rows(view):
        texts.extend(cell for cell in cells if cell)
    return texts


def _rows(view: QAbstractItemView) -> list[list[str]]:
    """The cells of each row (top level) as shown, the hidden columns left out."""
    model = view.model()
    if model is None:
        return []
    columns = _columns(view)
    rows: list[list[str]] = []
    while len(rows) < MAX_ROWS and model.index(len(rows), 0).isValid():
        row = len(rows)
        values = [model.data(model.index(row, c), Qt.ItemDataRole.DisplayRole) for c in columns]
        rows.append(["" if v is None else str(v) for v in values])
    return rows
