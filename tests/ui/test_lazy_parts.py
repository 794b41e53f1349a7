"""The parts the idle window does not show are built on first use (issue 5: idle memory), and nobody can
tell: hotkeys work before, a language or theme chosen before reaches them, Tab goes through them in
the order it always did."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from app.wire.dispositions import DispositionCategory
from tests.ui.conftest import FakeClock
from ui import sample_data
from ui.call_controls import CallView
from ui.card.call_card import CardData
from ui.disposition_form import AcwView, DispositionRequest
from ui.i18n import Language, set_language
from ui.lazy import settle
from ui.main_window import MainWindow
from ui.theme import DARK, Theme, apply_theme


def shown_window(qtbot: QtBot, clock: FakeClock) -> MainWindow:
    window = MainWindow(clock=clock)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def built(window: MainWindow) -> dict[str, bool]:
    return {
        "controls": window.controls._built,
        "contact page": window.card._contact_page is not None,
        "new contact": window.card._new_contact is not None,
        "disposition": window.disposition._built,
        "dial pad": window.dial_pad._built,
    }


def test_the_idle_window_builds_none_of_them_and_its_hotkeys_do_not_either(
    qtbot: QtBot, clock: FakeClock
) -> None:
    window = shown_window(qtbot, clock)
    for key, modifier in (
        (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier),  # save contact: nothing to save
        (Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier),  # a disposition: no after-call work
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier),  # keypad and transfer: no call
        (Qt.Key.Key_F9, Qt.KeyboardModifier.NoModifier),
    ):
        qtbot.keyClick(window, key, modifier)
    assert not any(built(window).values()), built(window)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.dial_pad.number  # the pad's first use, from its hotkey
    assert built(window) == {
        "controls": False,
        "contact page": False,
        "new contact": False,
        "disposition": False,
        "dial pad": True,
    }


def test_a_language_chosen_before_reaches_them(qtbot: QtBot, clock: FakeClock) -> None:
    window = shown_window(qtbot, clock)
    set_language(Language.RU)
    window.controls.show_call(CallView("+7913", clock.now))
    window.card.show_contact(CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES))
    window.disposition.show_form(DispositionRequest(sample_data.CODES, AcwView(clock.now)))
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.controls.blind.text() == "Перевести сразу"
    assert window.card.contact_page.save_button.text() == "Сохранить (Ctrl+S)"
    assert window.card.new_contact.heading.text() == "Новый контакт"
    assert window.disposition.title.text() == "Результат звонка"
    assert window.dial_pad.call_button.text() == "Позвонить"
    set_language(Language.EN)  # and they switch back with the rest
    assert window.controls.blind.text() == "Blind transfer"
    assert window.disposition.title.text() == "Call result"
    assert window.dial_pad.call_button.text() == "Call"


def test_a_theme_chosen_before_reaches_them(qtbot: QtBot, clock: FakeClock, qapp: QApplication) -> None:
    window = shown_window(qtbot, clock)
    apply_theme(qapp, Theme.DARK)
    window.disposition.show_form(DispositionRequest(sample_data.CODES, AcwView(clock.now)))
    sale = window.disposition.codes.item(window.disposition._codes.index(sample_data.CODES[0]))
    assert sample_data.CODES[0].category is DispositionCategory.SUCCESS
    swatch = sale.icon().pixmap(12, 12).toImage()  # the category's colour, beside its name
    assert swatch.pixelColor(swatch.width() // 2, swatch.height() // 2) == QColor(DARK.success)
    assert window.disposition.codes.palette().color(QPalette.ColorRole.Base) == QColor(DARK.base)


def test_tab_goes_through_them_in_the_window_order(qtbot: QtBot, clock: FakeClock) -> None:
    window = shown_window(qtbot, clock)
    window.card.show_contact(CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES))
    window.controls.show_call(CallView("+7913", clock.now - timedelta(seconds=5)))
    qtbot.keyClick(window, Qt.Key.Key_F9)  # the transfer field, built after the card
    assert window.focusWidget() is window.controls.transfer_target
    window.controls.blind.setFocus()
    window.controls.attended.setFocus()
    qtbot.keyClick(window.controls.attended, Qt.Key.Key_Tab)
    # the call controls come before the card in the window: Tab goes on into the card's page
    assert window.card.contact_page.isAncestorOf(window.focusWidget())


def test_settle_puts_a_late_part_back_in_the_tab_order(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    part, after = QFrame(), QLineEdit()
    layout.addWidget(part)
    layout.addWidget(after)
    window.show()
    inner = QVBoxLayout(part)
    first, second = QLineEdit(), QLineEdit()
    inner.addWidget(first)
    inner.addWidget(second)
    assert after.nextInFocusChain() is first  # Qt put the late widgets at the end
    assert settle(part, part) is second
    assert [part.nextInFocusChain(), first.nextInFocusChain(), second.nextInFocusChain()] == [
        first,
        second,
        after,
    ]
    assert first.isVisible()  # at once, not on the next turn of the event loop
    assert part.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_a_part_built_late_looks_like_one_built_with_the_window(qtbot: QtBot, clock: FakeClock) -> None:
    early = MainWindow(clock=clock)
    qtbot.addWidget(early)
    early.controls._build()
    early.card._pages()
    early.disposition._build()
    late = MainWindow(clock=clock)
    shots = []
    for window in (early, late):
        qtbot.addWidget(window)
        window.resize(1366, 740)
        window.show()
        qtbot.waitExposed(window)
        window.controls.show_call(CallView("+7913", clock.now, name="Иванов", held=True))
        window.card.show_contact(CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES))
        window.disposition.show_form(DispositionRequest(sample_data.CODES, AcwView(clock.now)))
        window.card.setFocus()
        shots.append(window.grab().toImage())
        window.close()
    assert shots[0] == shots[1]
