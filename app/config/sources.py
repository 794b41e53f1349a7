"""Where settings come from: TOML files on every OS, the registry on Windows.

Each reader returns raw values keyed by setting key plus the problems it met. A bad file or value never
stops the desktop from starting: IT typos are reported by ``ringdesk --show-config`` and the log, and the
setting falls back to the next layer down.

Policy is the exception: a policy file that cannot be read (a TOML syntax error) or that someone other
than root could have written (like sshd's StrictModes) is not used, and the layer records why in
``failures``: the resolver then fails closed (every setting locked), because silently dropping a
policy would unlock exactly what IT meant to lock.
"""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Protocol

from app.config.schema import BY_REG_NAME, SPECS

REGISTRY_MACHINE_KEY = r"SOFTWARE\ringdesk"
REGISTRY_POLICY_KEY = r"SOFTWARE\Policies\ringdesk"


class Layer(IntEnum):
    """Configuration layers, lowest precedence first; a higher layer wins."""

    DEFAULT = 0
    USER = 1
    MACHINE = 2
    POLICY = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class RawValue:
    """A value as read, before type checking, with where it was read from (file or registry value)."""

    value: object
    origin: str


@dataclass
class LayerData:
    """What one layer holds: raw values by setting key, and the problems found reading it."""

    layer: Layer
    values: dict[str, RawValue] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    #: why (part of) this layer could not be used at all; for policy this locks everything
    failures: list[str] = field(default_factory=list)


def _flatten(table: Mapping[str, object], prefix: str = "") -> Iterator[tuple[str, object]]:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            yield from _flatten(value, key + ".")
        else:
            yield key, value


def read_toml(path: Path, into: LayerData) -> None:
    """Add the settings of one TOML file to ``into``; a missing file is simply an empty layer."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return
    except (OSError, tomllib.TOMLDecodeError) as exc:
        if into.layer is Layer.POLICY:
            into.failures.append(f"{path} cannot be read ({exc})")
        else:
            into.problems.append(f"{path}: cannot be read, ignored: {exc}")
        return
    for key, value in _flatten(data):
        if key not in SPECS:
            into.problems.append(f"{path}: unknown setting {key!r}, ignored{_misplaced_hint(key)}")
            continue
        into.values[key] = RawValue(value, str(path))


def _misplaced_hint(key: str) -> str:
    """For ``sip.server_url``-like keys: a top-level setting written after a ``[table]`` header."""
    tail = key.split(".", 1)[-1]
    if "." in key and tail in SPECS:
        return (
            f" (did you mean {tail!r}? keys written after a [table] header belong to that table: put "
            "them before the first [table] or write them as dotted keys)"
        )
    return ""


def read_toml_layer(layer: Layer, paths: Iterable[Path]) -> LayerData:
    """One layer from files read in order; a later file overrides an earlier one key by key."""
    data = LayerData(layer)
    for path in paths:
        read_toml(path, data)
    return data


def read_policy_layer(directory: Path) -> LayerData:
    """The policy files of ``directory``; an untrusted directory or file is refused (a failure)."""
    data = LayerData(Layer.POLICY)
    refused = untrusted(directory)
    if refused is not None:
        data.failures.append(refused)
        return data
    for path in policy_files(directory):
        refused = untrusted(path)
        if refused is not None:
            data.failures.append(refused)
            continue
        read_toml(path, data)
    return data


def untrusted(path: Path) -> str | None:
    """Why ``path`` cannot be trusted as policy, or None: writable by group or others, or owned by
    someone other than root (or the user running ringdesk, who may restrict themselves). A missing
    path is trusted (no policy)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{path} cannot be read ({exc})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        mode = stat.filemode(info.st_mode)
        return f"{path} is writable by others ({mode}): refused; run chmod go-w {path}"
    if sys.platform != "win32" and info.st_uid not in (0, os.getuid()):
        return f"{path} is owned by uid {info.st_uid}, not root: refused; run chown root {path}"
    return None


def policy_files(directory: Path) -> list[Path]:
    """``policy.d/*.toml`` in name order, as systemd and apt read their drop-in directories."""
    try:
        return sorted(p for p in directory.glob("*.toml") if p.is_file())
    except OSError:
        return []


class RegistrySource(Protocol):
    """Read-only view of one registry key: value name -> data. ``winreg`` in production, a dict in tests."""

    def values(self, key: str) -> Mapping[str, object] | None:
        """The values under ``HKLM\\<key>``, or None when the key does not exist."""


class WinRegistry:
    """``HKEY_LOCAL_MACHINE`` through :mod:`winreg`, 64-bit view (the MSI is x64 and writes there)."""

    def values(self, key: str) -> Mapping[str, object] | None:
        if sys.platform != "win32":
            return None
        import winreg

        try:
            handle = winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE, key, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY
            )
        except OSError:
            return None
        found: dict[str, object] = {}
        with handle:
            index = 0
            while True:
                try:
                    name, data, _kind = winreg.EnumValue(handle, index)
                except OSError:
                    break
                found[name] = data
                index += 1
        return found


def read_registry_layer(layer: Layer, registry: RegistrySource, key: str) -> LayerData:
    """One layer from a registry key. Value names are matched without case, as Windows does.

    An empty string counts as "not set": the MSI writes an empty value for a property nobody gave.
    """
    data = LayerData(layer)
    found = registry.values(key)
    if not found:
        return data
    for name, value in found.items():
        spec = BY_REG_NAME.get(name.lower())
        if spec is None:
            if name:  # the unnamed default value is not a setting
                data.problems.append(f"HKLM\\{key}: unknown value {name!r}, ignored")
            continue
        if value == "" or value is None:
            continue
        data.values[spec.key] = RawValue(value, f"HKLM\\{key}\\{spec.reg_name}")
    return data
