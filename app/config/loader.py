"""Resolve the desktop's settings: policy > machine > user > defaults, the same rule on every OS.

On Linux (and any non-Windows OS) the layers are files: ``/etc/ringdesk/policy.d/*.toml`` (policy),
``/etc/ringdesk/ringdesk.toml`` (machine, a dpkg conffile) and the platformdirs user config file. On
Windows, policy is ``HKLM\\SOFTWARE\\Policies\\ringdesk`` (Group Policy, Intune), machine is
``HKLM\\SOFTWARE\\ringdesk`` (written by the MSI) and the user layer is the same TOML file as elsewhere.
A value set by policy is locked: the operator sees it but cannot change it, and :meth:`Config.is_locked`
says why so the settings dialog can show the reason.

A policy that cannot be used (unreadable, or writable by others) fails closed: every setting is locked
at the value of the layers IT controls (other policy files, machine, defaults; never the operator's own
file), :attr:`Config.errors` says which file and why, and the lock reason shown in the settings dialog
names it too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from app.config.schema import SETTINGS, SPECS, SettingSpec, Value
from app.config.sources import (
    REGISTRY_MACHINE_KEY,
    REGISTRY_POLICY_KEY,
    Layer,
    LayerData,
    RegistrySource,
    WinRegistry,
    read_policy_layer,
    read_registry_layer,
    read_toml_layer,
)

APP_NAME = "ringdesk"
ETC = Path("/etc/ringdesk")


@dataclass(frozen=True)
class ConfigPaths:
    """Where the file layers live. ``registry`` replaces the machine and policy files when set."""

    user_file: Path
    machine_file: Path = ETC / "ringdesk.toml"
    policy_dir: Path = ETC / "policy.d"
    registry: RegistrySource | None = None

    @classmethod
    def for_this_os(cls) -> ConfigPaths:
        """The standard locations of this OS (the registry only on Windows)."""
        user = platformdirs.user_config_path(APP_NAME, appauthor=False) / "ringdesk.toml"
        if sys.platform == "win32":
            return cls(user_file=user, registry=WinRegistry())
        return cls(user_file=user)


@dataclass(frozen=True)
class Setting:
    """A resolved setting: its value, the layer it came from and where exactly (file or registry value)."""

    spec: SettingSpec
    value: Value
    layer: Layer
    origin: str

    @property
    def locked(self) -> bool:
        return self.layer is Layer.POLICY

    @property
    def source(self) -> str:
        """Human-readable source, e.g. ``policy (/etc/ringdesk/policy.d/10-it.toml)``."""
        return self.layer.label if self.layer is Layer.DEFAULT else f"{self.layer.label} ({self.origin})"


@dataclass(frozen=True)
class Config:
    """Every setting resolved, plus the problems met on the way (bad files, values of the wrong type)."""

    settings: dict[str, Setting]
    problems: tuple[str, ...] = field(default=())
    #: policy that could not be used: everything is locked until IT fixes it (also in ``problems``)
    errors: tuple[str, ...] = field(default=())

    def __getitem__(self, key: str) -> Value:
        return self.settings[key].value

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.settings.values())

    def is_locked(self, key: str) -> str | None:
        """Why ``key`` cannot be changed by the operator, or None when it can (the settings dialog's rule)."""
        setting = self.settings[key]
        if not setting.locked:
            return None
        return f"set by your IT department's policy ({setting.origin})"

    def format_table(self) -> str:
        """The ``ringdesk --show-config`` listing: every setting, its value and its source."""
        rows = [("setting", "value", "source")]
        for setting in self:
            shown = _show(setting.value)
            source = setting.source + (" [locked]" if setting.locked else "")
            rows.append((setting.spec.key, shown, source))
        width = [max(len(row[i]) for row in rows) for i in range(2)]
        return "\n".join(f"{k:<{width[0]}}  {v:<{width[1]}}  {s}".rstrip() for k, v, s in rows)


def _show(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def read_layers(paths: ConfigPaths) -> list[LayerData]:
    """All layers, lowest precedence first."""
    user = read_toml_layer(Layer.USER, [paths.user_file])
    if paths.registry is not None:
        machine = read_registry_layer(Layer.MACHINE, paths.registry, REGISTRY_MACHINE_KEY)
        policy = read_registry_layer(Layer.POLICY, paths.registry, REGISTRY_POLICY_KEY)
    else:
        machine = read_toml_layer(Layer.MACHINE, [paths.machine_file])
        policy = read_policy_layer(paths.policy_dir)
    return [user, machine, policy]


def resolve(layers: list[LayerData]) -> Config:
    """Pick, for each setting, the valid value of the highest layer; invalid values are reported, not used.

    If a policy file could not be used, the operator's layer is left out and every setting is locked.
    """
    problems: list[str] = []
    failures = [f for data in layers if data.layer is Layer.POLICY for f in data.failures]
    if failures:
        layers = [data for data in layers if data.layer is not Layer.USER]
    resolved = {spec.key: Setting(spec, spec.default, Layer.DEFAULT, "built-in default") for spec in SETTINGS}
    for data in sorted(layers, key=lambda d: d.layer):
        problems.extend(data.problems)
        for key, raw in data.values.items():
            spec = SPECS[key]
            try:
                value = spec.coerce(raw.value)
            except ValueError as exc:
                problems.append(f"{raw.origin}: {key}: {exc}; ignored")
                continue
            resolved[key] = Setting(spec, value, data.layer, raw.origin)
    if not failures:
        return Config(resolved, tuple(problems))
    errors = tuple(f"policy {f}: every setting is locked until it is fixed" for f in failures)
    why = "; ".join(failures)
    for key, setting in resolved.items():
        if not setting.locked:
            origin = f"{why}: locked, was {setting.source}"
            resolved[key] = Setting(setting.spec, setting.value, Layer.POLICY, origin)
    return Config(resolved, (*errors, *problems), errors)


def load_config(paths: ConfigPaths | None = None) -> Config:
    """Read every layer from ``paths`` (default: this OS's standard locations) and resolve them."""
    return resolve(read_layers(paths or ConfigPaths.for_this_os()))
