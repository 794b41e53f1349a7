"""The settings dialog's round trip: machine-wide configuration in, the operator's choices out.

What the dialog shows comes from ``app/config`` (policy > machine > user > defaults), with the fields
IT's policy sets greyed out and the reason given. What the operator saves goes to their own settings
file (never over a policy), the SIP password to the OS keyring (never to a file), and takes effect at
once where it can: language, theme, hotkeys, audio devices. The SIP account itself is used from the
next start of the telephony service.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from app.config import Config, ConfigPaths, load_config
from app.config.user_file import save_user_settings
from app.credentials import SecretKind, SecretStore
from app.telephony import commands as cmd
from app.telephony.config import FALLBACK_SILENT
from app.telephony.process import with_audio_settings
from app.telephony.supervisor import TelephonyService
from ui.actions import ActionCollection, ActionId
from ui.i18n import Language, set_language
from ui.preferences import AudioDevices, Preferences, SipAccount
from ui.theme import apply_theme
from ui.theme_names import Theme

if TYPE_CHECKING:
    from ui.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


def sip_uri(user: str, domain: str) -> str:
    return f"sip:{user}@{domain}" if user and domain else ""


def parse_hotkeys(text: str) -> dict[str, str]:
    """``answer=F12;hang_up=F10`` -> {"answer": "F12", ...}; unknown actions are dropped."""
    known = {a.value for a in ActionId}
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {k.strip(): v.strip() for k, v in pairs if k.strip() in known}


def preferences(config: Config, secrets: SecretStore) -> Preferences:
    """The dialog's values from the resolved configuration and the keyring."""
    user, domain = str(config["sip.account"]), str(config["sip.domain"])
    password = secrets.get(SecretKind.SIP_PASSWORD, sip_uri(user, domain)) if user and domain else None
    theme = str(config["theme"])
    return Preferences(
        sip=SipAccount(user, domain, password or "", str(config["sip.transport"])),
        speaker=str(config["audio.headset"]) or None,
        ringer=str(config["audio.ringer"]) or None,
        buttons=str(config["audio.buttons"]) or None,
        fallback=str(config["audio.fallback"]) or FALLBACK_SILENT,
        hotkeys=parse_hotkeys(str(config["hotkeys"])),
        language=Language(str(config["language"])),
        theme=Theme(theme) if theme in {t.value for t in Theme} else Theme.LIGHT,
        start_minimised=bool(config["start_minimised"]),
    )


class SettingsFlow:
    """Opens the dialog and applies what is saved."""

    def __init__(
        self,
        actions: ActionCollection,
        secrets: SecretStore,
        telephony: Callable[[], TelephonyService | None],
        devices: Callable[[], AudioDevices],
        paths: ConfigPaths | None = None,
        *,
        parent: QWidget | None = None,
    ) -> None:
        self.parent = parent
        """The window the dialog belongs to: it opens over it and is closed with it."""
        self.actions = actions
        self.secrets = secrets
        self.telephony = telephony
        self.devices = devices
        self.paths = paths or ConfigPaths.for_this_os()
        self.dialog: SettingsDialog | None = None
        self._tasks: set[asyncio.Future[object]] = set()

    def _spawn(self, work: Coroutine[object, object, object]) -> None:
        task: asyncio.Future[object] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def config(self) -> Config:
        return load_config(self.paths)

    def apply_startup(self, config: Config) -> None:
        """The operator's hotkeys, from the configuration read at start-up."""
        overrides = parse_hotkeys(str(config["hotkeys"]))
        self.actions.set_shortcuts({ActionId(k): v for k, v in overrides.items()})

    def open(self) -> SettingsDialog:
        """Show the settings dialog over the window: the one already open if there is one (raised),
        never a second copy. It is not modal: a call can be answered while it is open."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        # Imported when first opened: the idle desktop does not need the dialog's module (issue 5).
        from ui.settings_dialog import SettingsDialog

        config = self.config()
        if self.dialog is not None:
            self.dialog.deleteLater()  # closed: the next one shows the settings as they are now
        dialog = SettingsDialog(self.actions, self.parent)
        dialog.load(preferences(config, self.secrets), self.devices())
        policy = QApplication.translate("Settings", "set by your IT department's policy (%1)")
        dialog.show_locked({s.spec.key: policy.replace("%1", s.origin) for s in config if s.locked})
        dialog.test_tone_requested.connect(self._test_tone)
        dialog.save_requested.connect(self.save)
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _test_tone(self, target: str, device: str | None) -> None:
        service = self.telephony()
        if service is None:
            return

        config = self.config()
        headset, ringer = str(config["audio.headset"]), str(config["audio.ringer"])
        if target == "ringer":
            ringer = device or ""
        else:
            headset = device or ""

        async def play() -> None:
            assert service is not None
            await service.send(cmd.SelectAudioDevices(headset=headset, ringer=ringer))
            await service.send(cmd.PlayTestTone(target="ringer" if target == "ringer" else "headset"))

        self._spawn(play())

    def save(self, prefs: Preferences) -> list[str]:
        """Store and apply ``prefs``; the keys refused because policy sets them."""
        config = self.config()
        changes: dict[str, str | bool | int] = {
            "sip.account": prefs.sip.user,
            "sip.domain": prefs.sip.domain,
            "sip.transport": prefs.sip.transport,
            "audio.headset": prefs.speaker or "",
            "audio.ringer": prefs.ringer or "",
            "audio.buttons": prefs.buttons or "",
            "audio.fallback": prefs.fallback,
            "language": prefs.language.value,
            "theme": prefs.theme.value,
            "start_minimised": prefs.start_minimised,
            "hotkeys": ";".join(f"{k}={v}" for k, v in sorted(prefs.hotkeys.items())),
        }
        changes = {k: v for k, v in changes.items() if not config.is_locked(k)}
        refused = save_user_settings(self.paths.user_file, changes, config)
        uri = sip_uri(prefs.sip.user, prefs.sip.domain)
        if uri and prefs.sip.password:
            self.secrets.set(SecretKind.SIP_PASSWORD, uri, prefs.sip.password)
        applied = self.config()
        set_language(Language(str(applied["language"])))
        app = QApplication.instance()
        theme = str(applied["theme"])
        if isinstance(app, QApplication) and theme in {t.value for t in Theme}:
            apply_theme(app, Theme(theme))
        self.actions.set_shortcuts(
            {ActionId(k): v for k, v in parse_hotkeys(str(applied["hotkeys"])).items()}
        )
        service = self.telephony()
        if service is not None:
            devices = cmd.SelectAudioDevices(
                headset=str(applied["audio.headset"]),
                ringer=str(applied["audio.ringer"]),
                fallback=str(applied["audio.fallback"]) or FALLBACK_SILENT,
            )
            self._spawn(service.send(devices))
            buttons = str(applied["audio.buttons"])
            self._spawn(service.send(cmd.SelectHeadset(name=buttons)))
            service.argv = with_audio_settings(service.argv, applied)  # kept when the service restarts
        return refused
