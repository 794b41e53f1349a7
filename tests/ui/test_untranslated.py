"""The untranslated-text checker (``tests.support.untranslated``) finds English wherever a person reads
it, and lets Russian, numbers, hotkeys, addresses and allowed names through."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.untranslated import leaks, untranslated_texts


def test_russian_numbers_hotkeys_and_addresses_pass() -> None:
    for text in (
        "Ответить (F5)",
        "Сохранить (Ctrl+S)",
        "Сегодня: звонков 3 · AHT 4:10 · ACW 0:30",
        "+7 913 123-45-67",
        "ivanov@example.ru",
        "sip:1001@pbx.example",
        "Екатеринбург (UTC+5)",
        "06.12.2026 14:05",
        "A-123456",
        "&Звонок",
    ):
        assert leaks(text) == [], text


def test_english_codes_zones_and_iso_dates_leak() -> None:
    assert leaks("Очередь: shop") == ["shop"]
    assert leaks("not_ready (training)") == ["not_ready", "training"]
    assert leaks("Часовой пояс: Asia/Yekaterinburg") == ["Asia/Yekaterinburg"]
    assert leaks("Дата: 2026-12-06") == ["2026-12-06"]
    assert leaks("Оператор operator1", allowed={"operator1"}) == []


def test_every_kind_of_visible_text_is_walked(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.setWindowTitle("Team")
    layout = QVBoxLayout(window)
    label = QLabel("Звонок")
    label.setToolTip("Hold the call")
    button = QPushButton("Ответить")
    menu = QMenu("Меню", button)
    menu.addAction("Quit")
    button.setMenu(menu)
    combo = QComboBox()
    combo.addItems(["Готов", "monthly"])
    line = QLineEdit()
    line.setPlaceholderText("YYYY-MM-DD")
    typed = QLineEdit("typed by the operator")  # their data, not the UI's
    table = QTableWidget(1, 1)
    table.setHorizontalHeaderLabels(["Reason"])
    table.setItem(0, 0, QTableWidgetItem("training"))
    hidden = QLabel("Not shown")
    for widget in (label, button, combo, line, typed, table, hidden):
        layout.addWidget(widget)
    window.show()
    hidden.hide()
    found = "\n".join(untranslated_texts([window]))
    for text in (
        "'Team'",
        "'Hold the call'",
        "'Quit'",
        "'monthly'",
        "'YYYY-MM-DD'",
        "'Reason'",
        "'training'",
    ):
        assert text in found, (text, found)
    assert "typed by" not in found and "Not shown" not in found and "Ответить" not in found
