"""Where the main window was left (``window.ini`` beside the user's settings), so it reopens there.

Qt's own ``saveGeometry`` blob is kept as it is: it records the screen and the maximised state too, and
``MainWindow.place`` checks it still fits the screens there are now.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

KEY = "window/geometry"


class WindowState:
    """The saved geometry of one window in an INI file; ``None`` keeps nothing (tests, demos)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def _settings(self) -> QSettings | None:
        return QSettings(str(self.path), QSettings.Format.IniFormat) if self.path is not None else None

    def saved(self) -> QByteArray | None:
        """The geometry saved last time, if any."""
        settings = self._settings()
        value = settings.value(KEY) if settings is not None else None
        return value if isinstance(value, QByteArray) else None

    def save(self, window: QWidget) -> None:
        """Keep ``window``'s geometry for the next start."""
        settings = self._settings()
        if settings is not None:
            settings.setValue(KEY, window.saveGeometry())
            settings.sync()
