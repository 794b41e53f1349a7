"""The call card: edit in place, save only what changed, resolve a 412 field by field, create an
unknown caller in two keystrokes, and show the client's local time."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from app.wire.contacts import ContactIn
from tests.ui.conftest import FakeClock
from ui import sample_data
from ui.actions import ActionCollection, ActionId
from ui.card.call_card import CallCard, CardData, ContactEdit
from ui.card.editors import FieldEditor


def make_card(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> CallCard:
    card = CallCard(actions, clock=clock)
    card.addActions(list(actions))
    qtbot.addWidget(card)
    card.show()
    qtbot.waitExposed(card)
    card.activateWindow()
    qtbot.waitUntil(card.isActiveWindow)
    card.show_contact(
        CardData(sample_data.contact(), sample_data.SCHEMA, sample_data.CODES, sample_data.history())
    )
    return card


def edit(card: CallCard, qtbot: QtBot, path: str, text: str) -> None:
    line = card.findChild(QLineEdit, path)
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, text)


def test_shows_channel_consent_segment_and_history(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    page = card.contact_page
    assert page.name.text() == "Иванов Иван Петрович"
    assert page.channel.text() == "Prefers: SMS"
    assert [b.text() for b in page.consent.values()] == ["Calls ✓", "SMS ✓", "E-mail ?", "Marketing ✗"]
    assert page.consent["marketing"].property("badge") == "danger"
    assert page.segment.text() == "VIP"
    history = page.history.topLevelItem(0)
    assert history.text(3) == "Call back"
    assert history.foreground(3).color() != page.history.topLevelItem(1).foreground(3).color()


def test_fields_rebuilt_for_a_new_schema_leave_no_editor_behind(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    """The server's field schema changes during a shift: the card's editors are rebuilt, and the old ones
    (their widgets and the objects behind them) are gone, however often it happens."""
    card = make_card(qtbot, actions, clock)
    page = card.contact_page
    shorter = sample_data.SCHEMA[:-1]
    for schema in (shorter, sample_data.SCHEMA) * 5:
        card.show_contact(CardData(sample_data.contact(), schema, sample_data.CODES, sample_data.history()))
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    paths = {spec.path for spec in page._specs}
    assert len(page.findChildren(FieldEditor)) == len(paths)
    inputs = [
        w for w in page.findChildren(QLineEdit) + page.findChildren(QComboBox) if w.objectName() in paths
    ]
    assert len(inputs) == len(paths)
    edit(card, qtbot, "city", "Omsk")
    assert card.contact_page.save_button.isEnabled()


def test_client_local_time_and_business_hours(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    page = card.contact_page
    assert page.local_time.text() == "Client's time 16:30"  # Novosibirsk is UTC+7
    assert page.light.property("badge") == "success"
    clock.now += timedelta(hours=6)  # 22:30 there
    page._show_local_time()
    assert page.light.text() == "outside business hours"
    assert page.light.property("badge") == "danger"


def test_save_sends_only_the_changed_fields(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    assert not card.contact_page.save_button.isEnabled()
    edit(card, qtbot, "city", "Omsk")
    edit(card, qtbot, "custom.balance", "99")
    assert card.contact_page.save_button.isEnabled()
    assert card.findChild(QLineEdit, "city").property("dirty") == "true"  # type: ignore[union-attr]
    with qtbot.waitSignal(card.save_requested) as sent:
        qtbot.keyClick(card, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved: ContactEdit = sent.args[0]
    assert (saved.contact_id, saved.version) == (42, 3)
    body = saved.patch.model_dump(mode="json")
    assert body == {
        "city": "Omsk",
        "custom": {"tariff": "Plus", "contract": "Д-2024/117", "balance": 99, "vip": True},
    }


def test_invalid_value_is_named_and_not_sent(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    edit(card, qtbot, "email", "not-an-email")
    with qtbot.assertNotEmitted(card.save_requested):
        card.save()
    assert card.contact_page.error.text() == "Check these fields: E-mail"  # named in the UI's words
    assert card.findChild(QLineEdit, "email").property("invalid") == "true"  # type: ignore[union-attr]


def test_412_keeps_mine_or_theirs_per_field(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    edit(card, qtbot, "city", "Omsk")
    edit(card, qtbot, "email", "mine@example.ru")
    edit(card, qtbot, "name", "Ivanov I.")
    channel = card.findChild(QComboBox, "preferred_channel")
    assert channel is not None
    channel.setCurrentIndex(channel.findData("call"))
    channel.activated.emit(channel.currentIndex())
    # Meanwhile someone saved version 4: another city and e-mail, the same name as mine, a new segment.
    theirs = sample_data.contact(
        "Ivanov I.", version=4, city="Tomsk", email="theirs@example.ru", segment="Retail"
    )
    card.show_conflict(theirs)
    dialog = card.contact_page.dialog
    assert dialog is not None and dialog.isVisible()
    assert set(dialog.choices()) == {"city", "email"}  # name: same value; channel: only mine changed
    assert dialog.choices() == {"city": "mine", "email": "mine"}  # mine preselected
    dialog.theirs_buttons["email"].click()
    with qtbot.waitSignal(card.save_requested) as sent:
        dialog.accept()
    resent: ContactEdit = sent.args[0]
    assert resent.version == 4
    assert resent.patch.model_dump(mode="json") == {"city": "Omsk", "preferred_channel": "call"}
    assert card.findChild(QLineEdit, "email").text() == "theirs@example.ru"  # type: ignore[union-attr]
    assert card.findChild(QLineEdit, "segment").text() == "Retail"  # type: ignore[union-attr]


def test_412_cancelled_keeps_the_edits(qtbot: QtBot, actions: ActionCollection, clock: FakeClock) -> None:
    card = make_card(qtbot, actions, clock)
    edit(card, qtbot, "city", "Omsk")
    card.show_conflict(sample_data.contact(version=4, city="Tomsk"))
    assert card.contact_page.dialog is not None
    with qtbot.assertNotEmitted(card.save_requested):
        card.contact_page.dialog.reject()
    assert card.contact_page.dialog.result() == QDialog.DialogCode.Rejected
    assert card.changes() == {"city": "Omsk"}


def test_unknown_caller_saved_in_two_keystrokes(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    card.show_unknown("+79139876543")
    assert card.new_contact.phone.text() == "+79139876543"
    with qtbot.waitSignal(card.create_requested) as sent:
        qtbot.keyClick(card, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl, S
    assert sent.args == [ContactIn(phones=["+79139876543"])]


def test_unknown_caller_with_a_name_saved_by_return(
    qtbot: QtBot, actions: ActionCollection, clock: FakeClock
) -> None:
    card = make_card(qtbot, actions, clock)
    card.show_unknown("+79139876543")
    card.new_contact.name.setFocus()
    qtbot.keyClicks(card.new_contact.name, "Petrov")
    with qtbot.waitSignal(card.create_requested) as sent:
        qtbot.keyClick(card.new_contact.name, Qt.Key.Key_Return)
    assert sent.args[0].name == "Petrov"
    card.show_error("phone already belongs to <b>someone</b>")
    assert card.new_contact.error.text() == "phone already belongs to <b>someone</b>"
    assert actions[ActionId.SAVE_CONTACT].isEnabled()
