"""Loading the server's settings from their four layers (see :mod:`server.settings`): flags, the
environment, the TOML config file, defaults; merged, checked, and explained in one line per bad
setting (never echoing a value, which may be a secret).
"""

from __future__ import annotations

import os
import secrets
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from server.secret_strength import MIN_SECRET_LENGTH, secret_problem
from server.settings import DEFAULT_CONFIG_FILE, ENV_PREFIX, Settings, SettingsError


@dataclass(frozen=True)
class LoadedSettings:
    """Settings plus notes worth logging at start (generated secret, loose file permissions)."""

    settings: Settings
    notes: tuple[str, ...]
    config_file: Path | None


#: Fields that only the command line may set (never the environment or a file).
_FLAG_ONLY = frozenset({"dev", "secret_key_generated"})
_FIELDS = frozenset(Settings.model_fields) - _FLAG_ONLY


def config_file_path(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Path | None:
    """The config file to read: ``--config``, else ``RINGDESK_CONFIG``, else the default if present."""
    if explicit is not None:
        return Path(explicit)
    from_env = environ.get(f"{ENV_PREFIX}CONFIG")
    if from_env:
        return Path(from_env)
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse the TOML file; unknown keys and syntax errors become a SettingsError naming the file."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise SettingsError(f"config file {path} does not exist") from exc
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"config file {path} cannot be read: {exc}") from exc
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return data


def read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """``RINGDESK_<FIELD>`` variables, plus ``RINGDESK_SECRET_KEY_FILE`` (systemd credentials etc.)."""
    values: dict[str, Any] = {}
    for field in _FIELDS:
        raw = environ.get(ENV_PREFIX + field.upper())
        if raw is not None and raw != "":
            values[field] = raw
    key_file = environ.get(f"{ENV_PREFIX}SECRET_KEY_FILE")
    if key_file and "secret_key" not in values:
        try:
            values["secret_key"] = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"RINGDESK_SECRET_KEY_FILE {key_file} cannot be read: {exc}") from exc
    return values


def _world_readable(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        return False


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    config: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    serving: bool = True,
) -> LoadedSettings:
    """Merge the layers and validate. ``flags`` holds command-line values (None means "not given").

    With ``serving`` and no ``dev`` flag, a weak or missing secret is a SettingsError. Otherwise a
    random secret is generated for this process and a note says so when serving.
    """
    env = os.environ if environ is None else environ
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    unknown = sorted(set(given) - set(Settings.model_fields))
    if unknown:
        raise SettingsError(f"unknown setting(s) {', '.join(unknown)}")
    path = config_file_path(config, env)
    file_values = read_config_file(path) if path is not None else {}
    merged: dict[str, Any] = {**file_values, **read_environment(env), **given}
    notes: list[str] = []
    if path is not None and "secret_key" in file_values and _world_readable(path):
        notes.append(f"config file {path} holds secret_key and is readable by every user: chmod 600 it")

    problem = secret_problem(str(merged.get("secret_key") or ""))
    dev = bool(merged.get("dev", False))
    if problem is not None:
        if serving and not dev:
            raise SettingsError(
                f"refusing to start: {problem}. Set RINGDESK_SECRET_KEY (or RINGDESK_SECRET_KEY_FILE, or "
                f"secret_key in {path or DEFAULT_CONFIG_FILE}) to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters, e.g. the output of "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))', "
                "or pass --dev for a throw-away key"
            )
        merged["secret_key"] = secrets.token_urlsafe(48)
        merged["secret_key_generated"] = True
        if serving:
            notes.append(
                "development mode: using a random secret key generated for this run; "
                "tokens will not survive a restart"
            )
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None
    return LoadedSettings(settings=settings, notes=tuple(notes), config_file=path)


def _describe(exc: ValidationError) -> str:
    """One readable line per invalid setting, naming the environment variable too; no values."""
    parts = []
    for err in exc.errors(include_input=False, include_url=False):
        name = ".".join(str(p) for p in err["loc"]) or "settings"
        parts.append(f"{name} ({ENV_PREFIX}{name.upper()}): {err['msg']}")
    return "invalid settings: " + "; ".join(parts)
