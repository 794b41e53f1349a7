"""The settings dialog: SIP account, audio devices (with a test tone), ringer, hotkeys, language, theme.

Each page maps widgets to :class:`~ui.preferences.Preferences` fields in ``load``/``collect`` (Picard's
options pages); the dialog never applies anything itself, it emits the new preferences.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.actions import SPECS, ActionCollection, ActionId
from ui.i18n import Language
from ui.plain import plain_label, set_plain, tooltip
from ui.preferences import AudioDevices, Preferences, SipAccount
from ui.theme_names import Theme

FIELD_SETTINGS: dict[str, str] = {
    "sip_user": "sip.account",
    "sip_domain": "sip.domain",
    "transport": "sip.transport",
    "speaker": "audio.headset",
    "ringer": "audio.ringer",
    "buttons": "audio.buttons",
    "fallback": "audio.fallback",
    "language": "language",
    "theme": "theme",
    "start_minimised": "start_minimised",
}
"""The dialog's fields and the machine-wide settings they correspond to (``app/config``)."""


class SettingsDialog(QDialog):
    """Four tabs; OK emits ``save_requested`` with the edited preferences."""

    save_requested = Signal(object)
    """The edited :class:`~ui.preferences.Preferences`."""
    test_tone_requested = Signal(str, object)
    """Play a test tone: ``"headset"`` or ``"ringer"``, on this output device (``None``: the default)."""

    def __init__(self, actions: ActionCollection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions = actions
        self._prefs = Preferences()
        self.locked: dict[str, str] = {}
        """Fields set by IT's policy, with the reason shown to the operator."""
        self.tabs = QTabWidget()
        self.labels: dict[str, QLabel] = {}
        # Account
        self.sip_user, self.sip_domain, self.sip_password = QLineEdit(), QLineEdit(), QLineEdit()
        self.sip_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.transport = QComboBox()
        for transport in ("udp", "tcp", "tls"):
            self.transport.addItem(transport.upper(), transport)
        self.account = self._form(
            ("sip_user", self.sip_user),
            ("sip_domain", self.sip_domain),
            ("sip_password", self.sip_password),
            ("transport", self.transport),
        )
        # Audio
        self.microphone, self.speaker, self.ringer = QComboBox(), QComboBox(), QComboBox()
        self.test_speaker, self.test_ringer = QPushButton(), QPushButton()
        self.test_speaker.clicked.connect(
            lambda: self.test_tone_requested.emit("headset", self.speaker.currentData())
        )
        self.test_ringer.clicked.connect(
            lambda: self.test_tone_requested.emit("ringer", self.ringer.currentData())
        )
        self.buttons = QComboBox()
        """The USB headset whose call buttons and lights are used (issue 17), next to the sound devices."""
        self.buttons_note = plain_label()
        """Says which headsets are ignored because they have no call buttons."""
        self.buttons_note.setWordWrap(True)
        self.buttons_note.hide()
        self._headsets: list[tuple[str, bool]] = []
        self.fallback = QComboBox()
        """Where the call's sound goes while the headset is unplugged (issue 17): silent, the system's
        default devices, or one named."""
        self.audio = self._form(
            ("microphone", self.microphone),
            ("speaker", self._with(self.speaker, self.test_speaker)),
            ("fallback", self.fallback),
            ("ringer", self._with(self.ringer, self.test_ringer)),
            ("buttons", self.buttons),
        )
        audio_form = self.audio.layout()
        assert isinstance(audio_form, QFormLayout)
        audio_form.addRow(self.buttons_note)
        # Hotkeys
        self.hotkeys: dict[ActionId, QKeySequenceEdit] = {a: QKeySequenceEdit() for a in SPECS}
        hotkeys_form = QFormLayout()
        self.hotkey_labels = {a: plain_label() for a in SPECS}
        self.hotkey_problem = plain_label()
        """Why the hotkeys cannot be saved as they are (two actions on one key)."""
        self.hotkey_problem.setWordWrap(True)
        self.hotkey_problem.hide()
        hotkeys_form.addRow(self.hotkey_problem)
        for action_id, edit in self.hotkeys.items():
            edit.setClearButtonEnabled(True)  # an action may have no key at all
            edit.setMaximumSequenceLength(1)  # one key combination, not a chord of several
            edit.keySequenceChanged.connect(lambda _sequence: self.hotkey_problem.hide())
            hotkeys_form.addRow(self.hotkey_labels[action_id], edit)
        inner = QWidget()
        inner.setLayout(hotkeys_form)
        self.hotkeys_page = QScrollArea()
        self.hotkeys_page.setWidgetResizable(True)
        self.hotkeys_page.setWidget(inner)
        # Appearance
        self.language = QComboBox()
        self.language.addItem("Русский", Language.RU)
        self.language.addItem("English", Language.EN)
        self.theme = QComboBox()
        for theme in Theme:
            self.theme.addItem("", theme)
        self.start_minimised = QCheckBox()
        self.appearance = self._form(
            ("language", self.language), ("theme", self.theme), ("start_minimised", self.start_minimised)
        )
        for page in (self.account, self.audio, self.hotkeys_page, self.appearance):
            self.tabs.addTab(page, "")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.retranslate()

    def _form(self, *rows: tuple[str, QWidget]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for key, widget in rows:
            label = plain_label()
            self.labels[key] = label
            form.addRow(label, widget)
        return page

    @staticmethod
    def _with(combo: QComboBox, button: QPushButton) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(combo, 1)
        row.addWidget(button)
        return box

    def load(self, prefs: Preferences, devices: AudioDevices) -> None:
        """Fill the pages from ``prefs``; device lists from ``devices`` (a missing saved device stays
        listed, so the operator sees what was chosen)."""
        self._prefs = prefs
        self.sip_user.setText(prefs.sip.user)
        self.sip_domain.setText(prefs.sip.domain)
        self.sip_password.setText(prefs.sip.password)
        self.transport.setCurrentIndex(max(0, self.transport.findData(prefs.sip.transport)))
        for combo, names, chosen in (
            (self.microphone, devices.inputs, prefs.microphone),
            (self.speaker, devices.outputs, prefs.speaker),
            (self.ringer, devices.outputs, prefs.ringer),
        ):
            combo.clear()
            combo.addItem(self.tr("System default"), None)
            for name in [*names, *([chosen] if chosen and chosen not in names else [])]:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        self._headsets = list(devices.headsets)
        self.buttons.clear()
        self.buttons.addItem("", None)  # automatic: worded in retranslate()
        usable = [name for name, telephony in devices.headsets if telephony]
        for name in [*usable, *([prefs.buttons] if prefs.buttons and prefs.buttons not in usable else [])]:
            self.buttons.addItem(name, name)
        self.buttons.setCurrentIndex(max(0, self.buttons.findData(prefs.buttons)))
        self._word_buttons()
        self.fallback.clear()
        self.fallback.addItem("", "silent")  # worded in retranslate()
        self.fallback.addItem("", "default")
        named = [n for n in devices.outputs if n not in ("silent", "default")]
        if prefs.fallback not in (*named, "silent", "default"):
            named.append(prefs.fallback)  # a device not plugged in now stays listed, as chosen
        for name in named:
            self.fallback.addItem(name, name)
        self.fallback.setCurrentIndex(max(0, self.fallback.findData(prefs.fallback)))
        self._word_fallback()
        shortcuts = {
            **self._actions.default_shortcuts(),
            **{ActionId(k): v for k, v in prefs.hotkeys.items()},
        }
        for action_id, edit in self.hotkeys.items():
            edit.setKeySequence(QKeySequence(shortcuts[action_id]))
        self.language.setCurrentIndex(self.language.findData(prefs.language))
        self.theme.setCurrentIndex(self.theme.findData(prefs.theme))
        self.start_minimised.setChecked(prefs.start_minimised)

    def collect(self) -> Preferences:
        """The preferences as edited; hotkeys only where they differ from the defaults."""
        defaults = self._actions.default_shortcuts()
        hotkeys = {}
        for action_id, edit in self.hotkeys.items():
            sequence = edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
            if sequence != defaults[action_id]:
                hotkeys[action_id.value] = sequence
        return replace(
            self._prefs,
            sip=SipAccount(
                self.sip_user.text().strip(),
                self.sip_domain.text().strip(),
                self.sip_password.text(),
                self.transport.currentData(),
            ),
            microphone=self.microphone.currentData(),
            speaker=self.speaker.currentData(),
            ringer=self.ringer.currentData(),
            buttons=self.buttons.currentData(),
            fallback=self.fallback.currentData() or "silent",
            hotkeys=hotkeys,
            language=Language(self.language.currentData()),  # Qt hands enum data back as str
            theme=Theme(self.theme.currentData()),
            start_minimised=self.start_minimised.isChecked(),
        )

    def _save(self) -> None:
        clash = self.hotkey_clash()
        if clash is not None:
            key, first, second = clash
            text = self.tr("%1 is set for both “%2” and “%3”: choose another key for one of them.")
            self.hotkey_problem.setText(text.replace("%1", key).replace("%2", first).replace("%3", second))
            self.hotkey_problem.show()
            self.tabs.setCurrentWidget(self.hotkeys_page)
            return
        self.save_requested.emit(self.collect())
        self.accept()

    def hotkey_clash(self) -> tuple[str, str, str] | None:
        """A key set for two actions (the key as shown, and the two actions' names), or ``None``. Qt
        would fire neither of them, so the dialog refuses to save it."""
        seen: dict[str, ActionId] = {}
        for action_id, edit in self.hotkeys.items():
            sequence = edit.keySequence()
            key = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            if not key:
                continue
            if key in seen:
                shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
                return shown, self.hotkey_labels[seen[key]].text(), self.hotkey_labels[action_id].text()
            seen[key] = action_id
        return None

    def retranslate(self) -> None:
        """Re-set the texts in the current language."""
        self.setWindowTitle(self.tr("Settings"))
        for index, text in enumerate(
            (self.tr("Account"), self.tr("Audio"), self.tr("Hotkeys"), self.tr("Appearance"))
        ):
            self.tabs.setTabText(index, text)
        texts = {
            "sip_user": self.tr("SIP user"),
            "sip_domain": self.tr("SIP domain"),
            "sip_password": self.tr("SIP password"),
            "transport": self.tr("Transport"),
            "microphone": self.tr("Microphone"),
            "speaker": self.tr("Headset"),
            "ringer": self.tr("Ringer"),
            "buttons": self.tr("Headset buttons"),
            "fallback": self.tr("If the headset is unplugged"),
            "language": self.tr("Language"),
            "theme": self.tr("Theme"),
            "start_minimised": self.tr("Start minimised to the tray"),
        }
        for key, label in self.labels.items():
            label.setText(texts[key] + (" 🔒" if key in self.locked else ""))
        self.test_speaker.setText(self.tr("Test tone"))
        self.test_ringer.setText(self.tr("Test tone"))
        self.theme.setItemText(0, self.tr("Light"))
        self.theme.setItemText(1, self.tr("Dark"))
        self.start_minimised.setText("")
        for action_id, label in self.hotkey_labels.items():
            label.setText(self._actions[action_id].text().replace("&", ""))
        if self.microphone.count():
            for combo in (self.microphone, self.speaker, self.ringer):
                combo.setItemText(0, self.tr("System default"))
        self._word_buttons()
        self._word_fallback()

    def _word_fallback(self) -> None:
        """The two fallbacks that are not a device: words, in the current language."""
        if self.fallback.count() >= 2:
            self.fallback.setItemText(0, self.tr("Keep the call silent until it is plugged back in"))
            self.fallback.setItemText(
                1, self.tr("Play the call on the computer's default speakers and microphone")
            )

    def _word_buttons(self) -> None:
        """The headset buttons' automatic choice and the note naming the headsets ignored."""
        if self.buttons.count():
            self.buttons.setItemText(0, self.tr("Automatic: the headset named like the sound device"))
        ignored = [name for name, telephony in self._headsets if not telephony]
        note = self.tr("Ignored, no call buttons (no USB telephony controls): %1")
        set_plain(self.buttons_note, note.replace("%1", ", ".join(ignored)) if ignored else "")
        self.buttons_note.setVisible(bool(ignored))

    def show_locked(self, reasons: dict[str, str]) -> None:
        """Grey out the fields IT's policy sets, saying why (``reasons``: config key -> reason)."""
        self.locked = {field: reasons[key] for field, key in FIELD_SETTINGS.items() if key in reasons}
        widgets: dict[str, QWidget] = {
            "sip_user": self.sip_user,
            "sip_domain": self.sip_domain,
            "transport": self.transport,
            "speaker": self.speaker,
            "ringer": self.ringer,
            "buttons": self.buttons,
            "fallback": self.fallback,
            "language": self.language,
            "theme": self.theme,
            "start_minimised": self.start_minimised,
        }
        for field, widget in widgets.items():
            reason = self.locked.get(field)
            widget.setEnabled(reason is None)
            widget.setToolTip(tooltip(self.tr("Locked: %1").replace("%1", reason)) if reason else "")
            self.labels[field].setToolTip(widget.toolTip())
        self.test_ringer.setEnabled("ringer" not in self.locked)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
