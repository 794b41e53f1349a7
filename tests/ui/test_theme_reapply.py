"""Re-applying the theme already shown costs nothing; switching restyles every open widget.

Setting an application style sheet re-polishes every widget: in a long shift (or a suite that keeps
windows) that is seconds. A settings dialog confirmed without a change re-applies the same theme, so
the second call must leave the widgets alone, also once Qt has wrapped Fusion in its style-sheet
style (whose ``name()`` is empty).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ui.theme import Theme, apply_theme, current_theme


class _StyleChanges(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.PaletteChange):
            self.count += 1
        return False


def test_the_same_theme_twice_leaves_open_widgets_alone_and_a_switch_restyles_them(
    qapp: QApplication, qtbot: QtBot
) -> None:
    apply_theme(qapp, Theme.LIGHT)
    field = QLineEdit("Ivan")
    qtbot.addWidget(field)
    field.show()
    changes = _StyleChanges()
    field.installEventFilter(changes)

    apply_theme(qapp, Theme.LIGHT)
    apply_theme(qapp, Theme.LIGHT)
    assert changes.count == 0, "re-applying the shown theme restyled the open widgets"

    apply_theme(qapp, Theme.DARK)
    assert current_theme() is Theme.DARK
    assert changes.count > 0, "switching the theme did not reach an open widget"
    dark_text = field.palette().text().color().name()
    apply_theme(qapp, Theme.LIGHT)
    assert field.palette().text().color().name() != dark_text
