"""The settings round trip: policy-locked fields greyed out, the operator's choices saved to their own
file (the SIP password to the keyring only), and language, theme and hotkeys applied at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app.config import ConfigPaths, load_config
from app.credentials import SecretKind, SecretStore
from tests.sync.conftest import MemoryKeyring, memory_keyring  # noqa: F401 - fixture
from ui.actions import ActionCollection, ActionId
from ui.i18n import Language, language
from ui.preferences import AudioDevices
from ui.settings_flow import SettingsFlow


def test_settings_are_saved_applied_and_policy_wins(
    qtbot: QtBot,
    actions: ActionCollection,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    paths = ConfigPaths(
        user_file=tmp_path / "user" / "ringdesk.toml",
        machine_file=tmp_path / "etc" / "ringdesk.toml",
        policy_dir=tmp_path / "etc" / "policy.d",
    )
    paths.policy_dir.mkdir(parents=True)
    (paths.policy_dir / "10-it.toml").write_text('[sip]\ndomain = "pbx.example.ru"\n', encoding="utf-8")
    flow = SettingsFlow(actions, SecretStore(), lambda: None, lambda: AudioDevices([], ["Speakers"]), paths)
    dialog = flow.open()
    qtbot.addWidget(dialog)
    assert not dialog.sip_domain.isEnabled() and dialog.sip_domain.text() == "pbx.example.ru"
    assert "10-it.toml" in dialog.sip_domain.toolTip()

    prefs = dialog.collect()
    prefs = replace(
        prefs,
        sip=replace(prefs.sip, user="1001", password="s3cret-pass"),
        language=Language.EN,
        hotkeys={"answer": "F12"},
    )
    assert flow.save(prefs) == []
    config = load_config(paths)
    assert config["sip.account"] == "1001" and config["language"] == "en"
    assert config["sip.domain"] == "pbx.example.ru"  # still the policy's
    assert "s3cret-pass" not in paths.user_file.read_text(encoding="utf-8")
    assert SecretStore().get(SecretKind.SIP_PASSWORD, "sip:1001@pbx.example.ru") == "s3cret-pass"
    assert language() is Language.EN
    assert actions[ActionId.ANSWER].shortcut() == QKeySequence("F12")


def test_a_broken_policy_locks_every_field_and_says_why(
    qtbot: QtBot,
    actions: ActionCollection,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    """A policy file with a syntax error fails closed: the operator sees every field locked, and the
    reason names the file and the error (issue 14)."""
    paths = ConfigPaths(
        user_file=tmp_path / "user" / "ringdesk.toml",
        machine_file=tmp_path / "etc" / "ringdesk.toml",
        policy_dir=tmp_path / "etc" / "policy.d",
    )
    paths.policy_dir.mkdir(parents=True)
    (paths.policy_dir / "10-it.toml").write_text('[sip]\ndomain = "pbx.example.ru\n', encoding="utf-8")
    flow = SettingsFlow(actions, SecretStore(), lambda: None, lambda: AudioDevices([], ["Speakers"]), paths)
    dialog = flow.open()
    qtbot.addWidget(dialog)
    assert not dialog.sip_domain.isEnabled()
    assert "10-it.toml cannot be read" in dialog.sip_domain.toolTip()
    prefs = dialog.collect()
    flow.save(replace(prefs, language=Language.EN))
    assert load_config(paths)["language"] == "ru"  # the operator cannot change a setting meanwhile


def test_the_headset_chosen_for_its_buttons_is_passed_to_the_phone_and_replaced_when_changed() -> None:
    from app.telephony.process import with_hid_headset

    argv = ["ringdesk", "phone", "--ipc"]
    chosen = with_hid_headset(argv, "Jabra Link 380")
    assert chosen == ["ringdesk", "phone", "--ipc", "--hid-headset", "Jabra Link 380"]
    assert with_hid_headset(chosen, "Poly BT700")[-2:] == ["--hid-headset", "Poly BT700"]
    assert with_hid_headset(chosen, "") == argv  # automatic again


def test_the_audio_fallback_set_by_it_reaches_the_phone_at_start_and_the_operator_can_change_it(
    qtbot: QtBot,
    actions: ActionCollection,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,  # noqa: F811
) -> None:
    """Issue 17: where the sound goes while the headset is unplugged, from IT's machine file to the
    service's command line (with the devices), then the operator's choice in the dialog."""
    from app.telephony.process import with_audio_settings

    paths = ConfigPaths(
        user_file=tmp_path / "user" / "ringdesk.toml",
        machine_file=tmp_path / "etc" / "ringdesk.toml",
        policy_dir=tmp_path / "etc" / "policy.d",
    )
    paths.machine_file.parent.mkdir(parents=True)
    paths.machine_file.write_text('audio.headset = "Jabra"\naudio.fallback = "default"\n', encoding="utf-8")
    argv = with_audio_settings(["ringdesk", "phone", "--ipc"], load_config(paths))
    assert argv == ["ringdesk", "phone", "--ipc", "--headset", "Jabra", "--audio-fallback", "default"]

    # The machine file wins over the operator's own (policy > machine > user): without it, the operator
    # chooses in the dialog, next to the headset.
    paths.machine_file.write_text('audio.headset = "Jabra"\n', encoding="utf-8")
    flow = SettingsFlow(
        actions, SecretStore(), lambda: None, lambda: AudioDevices([], ["Speakers", "Jabra"]), paths
    )
    dialog = flow.open()
    qtbot.addWidget(dialog)
    assert dialog.fallback.isEnabled()
    assert dialog.fallback.currentText() == "Keep the call silent until it is plugged back in"  # default
    assert dialog.fallback.itemText(1) == "Play the call on the computer's default speakers and microphone"
    assert [dialog.fallback.itemText(i) for i in range(2, dialog.fallback.count())] == ["Speakers", "Jabra"]
    dialog.fallback.setCurrentIndex(dialog.fallback.findData("Speakers"))
    flow.save(dialog.collect())
    config = load_config(paths)
    assert config["audio.fallback"] == "Speakers"
    assert with_audio_settings(["ringdesk", "phone"], config)[-2:] == ["--audio-fallback", "Speakers"]

    paths.policy_dir.mkdir(parents=True)
    (paths.policy_dir / "10-it.toml").write_text('audio.fallback = "silent"\n', encoding="utf-8")
    dialog.close()
    dialog = flow.open()
    assert not dialog.fallback.isEnabled() and "10-it.toml" in dialog.fallback.toolTip()
    assert dialog.fallback.currentData() == "silent"
    assert "--audio-fallback" not in with_audio_settings(["ringdesk", "phone"], load_config(paths))
