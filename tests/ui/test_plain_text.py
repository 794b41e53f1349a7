"""Outside text is shown literally everywhere: a contact named ``<img src=x><b>Ivan</b>`` is that string."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.wire.statuses import NotReadyReason, OperatorStatus
from tests.ui.conftest import EVIL, FakeClock
from ui import sample_data
from ui.actions import ActionCollection
from ui.call_controls import CallControls, CallView, WaitingCall
from ui.card.call_card import CallCard, CardData
from ui.dial_pad import DialHistoryEntry, DialPad
from ui.login_dialog import LoginDialog
from ui.plain import button_text, plain_label, tooltip
from ui.ringing_panel import RingingCall, RingingPanel
from ui.status_bar import StatusBar
from ui.status_menu import StatusView


def shown_literally(widget: QWidget, text: str = EVIL) -> bool:
    """Some label shows ``text`` exactly, and every label holding markup-like text is plain."""
    labels = widget.findChildren(QLabel)
    risky = [label for label in labels if "<" in label.text()]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in risky), [
        label.text() for label in risky if label.textFormat() != Qt.TextFormat.PlainText
    ]
    return any(text in label.text() for label in risky)


def test_helpers() -> None:
    assert plain_label(EVIL).textFormat() == Qt.TextFormat.PlainText
    assert button_text("Smith & Co") == "Smith && Co"
    assert "&lt;img" in tooltip(EVIL)


def test_ringing_panel(qtbot: QtBot, actions: ActionCollection) -> None:
    panel = RingingPanel(actions)
    qtbot.addWidget(panel)
    panel.show_ringing(RingingCall("+79131234567", EVIL, queue="<i>sales</i>"))
    assert shown_literally(panel)
    assert shown_literally(panel, "Queue: <i>sales</i>")


def test_call_card_header_fields_and_history(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = CallCard(actions, clock=clock)
    qtbot.addWidget(card)
    history = sample_data.history()
    history[0] = history[0].model_copy(update={"operator": "<b>op</b>"})
    card.show_contact(
        CardData(
            sample_data.contact(EVIL, segment="<u>VIP</u>"), sample_data.SCHEMA, sample_data.CODES, history
        )
    )
    assert card.contact_page.name.text() == EVIL
    assert shown_literally(card)
    assert shown_literally(card, "<u>VIP</u>")
    assert card.contact_page._editors["name"].value() == EVIL
    assert card.contact_page.history.topLevelItem(0).text(1) == "<b>op</b>"  # item views never render markup


def test_call_controls_and_waiting_call(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    controls = CallControls(actions, clock=clock)
    qtbot.addWidget(controls)
    controls.show_call(CallView("+7913", clock.now, name=EVIL, waiting=WaitingCall("+7914", EVIL)))
    assert shown_literally(controls)
    assert shown_literally(controls, f"Second call waiting: {EVIL}")


def test_dial_pad_history(qtbot: QtBot, clock: FakeClock) -> None:
    pad = DialPad()
    qtbot.addWidget(pad)
    pad.show_history([DialHistoryEntry("+79131234567", clock.now - timedelta(hours=1), EVIL)])
    pad.show()  # the pad is built when first shown, with the history given before
    assert EVIL in pad.history.item(0).text()


def test_status_reason_label(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    bar = StatusBar(actions, clock=clock)
    qtbot.addWidget(bar)
    reason = NotReadyReason(code="break", label_en=EVIL, label_ru=EVIL)
    bar.show_reasons([reason])
    bar.show_status(StatusView(OperatorStatus.NOT_READY, clock.now, reason))
    assert shown_literally(bar)
    assert EVIL.replace("&", "&&") in [a.text() for a in bar.menu.actions()]


def test_server_error_in_login_dialog(qtbot: QtBot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show_error(f"user {EVIL} is locked")
    assert shown_literally(dialog, f"user {EVIL} is locked")
