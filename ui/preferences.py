"""The desktop's settings as one typed value: what the settings dialog edits and the core stores."""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.i18n import Language
from ui.theme_names import Theme


@dataclass(frozen=True)
class SipAccount:
    """The operator's SIP account (the password goes to the keyring, never to the settings file)."""

    user: str = ""
    domain: str = ""
    password: str = field(default="", repr=False)
    transport: str = "udp"


@dataclass(frozen=True)
class AudioDevices:
    """Device names the telephony service reports, for the dialog's lists."""

    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    headsets: list[tuple[str, bool]] = field(default_factory=list)
    """USB headsets seen on the HID bus: (name, whether it has call buttons)."""


@dataclass(frozen=True)
class Preferences:
    """Everything the settings dialog edits. ``None`` devices mean the system default."""

    sip: SipAccount = field(default_factory=SipAccount)
    microphone: str | None = None
    speaker: str | None = None
    ringer: str | None = None
    buttons: str | None = None
    """The USB headset whose call buttons and lights are used (``None``: automatic)."""
    fallback: str = "silent"
    """Where the call's sound goes while the headset is unplugged: "silent" (nowhere until it is back),
    "default" (the system's default devices) or a device name (``audio.fallback``)."""
    hotkeys: dict[str, str] = field(default_factory=dict)
    """Action id to shortcut, only where the operator changed the default."""
    language: Language = Language.RU
    theme: Theme = Theme.LIGHT
    start_minimised: bool = False
