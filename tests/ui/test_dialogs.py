"""The login and settings dialogs emit what was typed and chosen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from ui.actions import ActionCollection, ActionId
from ui.i18n import Language
from ui.login_dialog import LoginDialog, LoginForm
from ui.preferences import AudioDevices, Preferences
from ui.settings_dialog import SettingsDialog
from ui.theme import Theme


def test_login_by_keyboard_and_server_error(qtbot: QtBot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_defaults("https://rd.example.ru", "petrova")
    qtbot.keyClicks(dialog.password, "secret")
    with qtbot.waitSignal(dialog.login_requested) as asked:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert asked.args == [LoginForm("https://rd.example.ru", "petrova", "secret")]
    dialog.show_error("invalid credentials")
    assert dialog.error.text() == "invalid credentials"
    assert dialog.password.text() == ""


def test_settings_locked_by_policy_are_greyed_out_with_the_reason(
    qtbot: QtBot, actions: ActionCollection
) -> None:
    dialog = SettingsDialog(actions)
    qtbot.addWidget(dialog)
    dialog.load(Preferences(), AudioDevices([], ["Speakers"]))
    reason = "set by your IT department's policy (/etc/ringdesk/policy.d/10-it.toml)"
    dialog.show_locked({"sip.transport": reason, "language": reason})
    assert not dialog.transport.isEnabled() and not dialog.language.isEnabled()
    assert dialog.theme.isEnabled() and dialog.sip_user.isEnabled()
    assert "policy.d/10-it.toml" in dialog.transport.toolTip()  # shown as plain (escaped) text
    assert dialog.labels["transport"].text().endswith("🔒")


def test_settings_round_trip_and_test_tone(qtbot: QtBot, actions: ActionCollection) -> None:
    dialog = SettingsDialog(actions)
    qtbot.addWidget(dialog)
    prefs = Preferences(microphone="USB headset", hotkeys={"answer": "F12"}, language=Language.EN)
    dialog.load(prefs, AudioDevices(["Built-in mic"], ["Speakers", "USB headset"]))
    assert dialog.collect() == prefs
    assert dialog.microphone.currentText() == "USB headset"  # kept although unplugged
    dialog.speaker.setCurrentIndex(dialog.speaker.findData("USB headset"))
    with qtbot.waitSignal(dialog.test_tone_requested) as asked:
        dialog.test_speaker.click()
    assert asked.args == ["headset", "USB headset"]
    dialog.hotkeys[ActionId.ANSWER].setKeySequence(QKeySequence("F5"))
    dialog.theme.setCurrentIndex(dialog.theme.findData(Theme.DARK))
    with qtbot.waitSignal(dialog.save_requested) as saved:
        dialog._save()
    assert saved.args[0].hotkeys == {}
    assert saved.args[0].theme is Theme.DARK
    assert saved.args[0].speaker == "USB headset"


def test_a_hotkey_can_be_cleared_and_one_key_cannot_serve_two_actions(
    qtbot: QtBot, actions: ActionCollection
) -> None:
    dialog = SettingsDialog(actions)
    qtbot.addWidget(dialog)
    dialog.load(Preferences(language=Language.EN), AudioDevices())
    dialog.show()
    answer, hang_up = dialog.hotkeys[ActionId.ANSWER], dialog.hotkeys[ActionId.HANG_UP]
    assert answer.isClearButtonEnabled()
    answer.clear()  # what the edit's clear button does
    hang_up.setKeySequence(QKeySequence("F5"))
    dialog.hotkeys[ActionId.MUTE].setKeySequence(QKeySequence("F5"))
    with qtbot.assertNotEmitted(dialog.save_requested):
        dialog._save()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is dialog.hotkeys_page
    assert dialog.hotkey_problem.isVisible()
    assert (
        dialog.hotkey_problem.text()
        == "F5 is set for both “Hang up” and “Mute”: choose another key for one of them."
    )
    dialog.hotkeys[ActionId.MUTE].setKeySequence(QKeySequence("Ctrl+M"))
    assert not dialog.hotkey_problem.isVisible()
    with qtbot.waitSignal(dialog.save_requested) as saved:
        dialog._save()
    assert saved.args[0].hotkeys == {"answer": "", "hang_up": "F5", "mute": "Ctrl+M"}
    actions.set_shortcuts({ActionId(k): v for k, v in saved.args[0].hotkeys.items()})
    assert actions[ActionId.ANSWER].shortcut().isEmpty()
    assert actions[ActionId.HANG_UP].shortcut().toString() == "F5"


def test_the_headset_buttons_are_chosen_next_to_the_sound_devices_and_a_headset_without_is_noted(
    qtbot: QtBot, actions: ActionCollection
) -> None:
    dialog = SettingsDialog(actions)
    qtbot.addWidget(dialog)
    headsets = [("Jabra Link 380", True), ("Volume Only Headset", False), ("Poly BT700", True)]
    dialog.load(Preferences(language=Language.EN), AudioDevices([], ["Speakers"], headsets))
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.audio)  # the operator opens the Audio page
    items = [dialog.buttons.itemText(i) for i in range(dialog.buttons.count())]
    assert items == ["Automatic: the headset named like the sound device", "Jabra Link 380", "Poly BT700"]
    assert dialog.buttons_note.isVisible()
    assert dialog.buttons_note.text() == (
        "Ignored, no call buttons (no USB telephony controls): Volume Only Headset"
    )
    dialog.buttons.setCurrentIndex(dialog.buttons.findData("Poly BT700"))
    assert dialog.collect().buttons == "Poly BT700"
    dialog.load(Preferences(language=Language.EN), AudioDevices([], ["Speakers"], headsets[:1]))
    assert not dialog.buttons_note.isVisible() and dialog.collect().buttons is None
