"""Every desktop setting IT or the operator can set, declared once with its type, default and names.

One table drives everything: the TOML files (dotted keys as nested tables), the Windows registry
(``reg_name`` under ``HKLM\\SOFTWARE\\ringdesk`` and ``HKLM\\SOFTWARE\\Policies\\ringdesk``), the MSI
public properties that write those values, ``ringdesk --show-config``, and the settings dialog. Adding a
setting here is the only change needed for it to be configurable everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["str", "bool", "int", "choice"]
Value = str | bool | int


@dataclass(frozen=True)
class SettingSpec:
    """One setting: ``key`` is dotted (``sip.transport``), ``reg_name`` its registry value name."""

    key: str
    kind: Kind
    default: Value
    reg_name: str
    doc: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 512

    def coerce(self, raw: object) -> Value:
        """Turn a raw value from TOML or the registry into this setting's type, or raise ValueError.

        The registry has no booleans (GPO writes DWORD 0/1, an MSI property writes the string "1") and
        TOML authors write ``true``; both are accepted so IT need not care which layer they use.
        """
        if self.kind == "bool":
            return _to_bool(raw)
        if self.kind == "int":
            return self._to_int(raw)
        if isinstance(raw, bool) or not isinstance(raw, str):
            raise ValueError(f"expected text, got {type(raw).__name__}")
        if len(raw) > self.max_length:
            raise ValueError(f"longer than {self.max_length} characters")
        if self.kind == "choice":
            value = raw.strip().lower()
            if value not in self.choices:
                raise ValueError(f"{raw!r} is not one of {', '.join(self.choices)}")
            return value
        return raw.strip()

    def _to_int(self, raw: object) -> int:
        if isinstance(raw, bool):
            raise ValueError("expected a whole number, got a boolean")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            value = int(raw.strip())
        else:
            raise ValueError(f"expected a whole number, got {raw!r}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{value} is below the minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{value} is above the maximum {self.maximum}")
        return value


def _to_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
    raise ValueError(f"expected true or false, got {raw!r}")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "server_url", "str", "", "ServerUrl", "Central ringdesk server, e.g. https://ringdesk.example"
    ),
    SettingSpec(
        "server_ca_file",
        "str",
        "",
        "ServerCaFile",
        "A PEM file of CA certificates trusted for the server's certificate besides the operating "
        "system's trust store; empty: the OS store alone",
    ),
    SettingSpec("sip.domain", "str", "", "SipDomain", "SIP domain (registrar) of the operators' accounts"),
    SettingSpec(
        "sip.transport", "choice", "udp", "SipTransport", "SIP transport", choices=("udp", "tcp", "tls")
    ),
    SettingSpec("sip.account", "str", "", "SipAccount", "SIP user of this workstation (no password here)"),
    SettingSpec(
        "sip.srtp",
        "choice",
        "optional",
        "SipSrtp",
        "Media encryption",
        choices=("off", "optional", "mandatory"),
    ),
    SettingSpec("audio.headset", "str", "", "AudioHeadset", "Headset device name; empty for the default"),
    SettingSpec("audio.ringer", "str", "", "AudioRinger", "Ring tone device name; empty for the headset"),
    SettingSpec(
        "audio.buttons",
        "str",
        "",
        "AudioButtons",
        "USB headset whose call buttons and lights are used (HID product name); empty: the one named "
        "like the headset device, else the first with call buttons",
    ),
    SettingSpec(
        "audio.fallback",
        "str",
        "silent",
        "AudioFallback",
        "Where a call's sound goes while the headset is unplugged: silent (nowhere until it is plugged "
        "back in), default (the system's default speakers and microphone) or a device name",
    ),
    SettingSpec("language", "choice", "ru", "Language", "Interface language", choices=("ru", "en")),
    SettingSpec("theme", "choice", "system", "Theme", "Colour theme", choices=("system", "light", "dark")),
    SettingSpec("start_minimised", "bool", False, "StartMinimised", "Start in the tray"),
    SettingSpec(
        "acw.mode",
        "choice",
        "mandatory",
        "AcwMode",
        "How after-call work ends: by the operator (optional: may skip; mandatory: needs a result) or by "
        "a timer (time_boxed; time_boxed_no_early_exit)",
        choices=("optional", "mandatory", "time_boxed", "time_boxed_no_early_exit"),
    ),
    SettingSpec(
        "acw.seconds",
        "int",
        120,
        "AcwSeconds",
        "Length of time-boxed after-call work (at most 900 s)",
        minimum=1,
        maximum=900,
    ),
    SettingSpec(
        "calls.caller_ids",
        "str",
        "",
        "CallerIds",
        "Caller ID per queue for outbound calls: queue=number pairs, comma-separated "
        "(sales=+74951234567,support=+74957654321); other queues present the account's own",
    ),
    SettingSpec(
        "hotkeys",
        "str",
        "",
        "Hotkeys",
        "Shortcuts changed from the defaults, as action=keys pairs separated by ';' (answer=F12;hang_up=F10)",
    ),
    SettingSpec("updates.enabled", "bool", True, "UpdatesEnabled", "Offer application updates"),
    SettingSpec(
        "log.level",
        "choice",
        "info",
        "LogLevel",
        "Detail of the desktop log",
        choices=("debug", "info", "warning", "error"),
    ),
)

SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}
BY_REG_NAME: dict[str, SettingSpec] = {spec.reg_name.lower(): spec for spec in SETTINGS}
