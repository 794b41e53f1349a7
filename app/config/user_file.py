"""Writing the operator's own settings (the lowest layer above the defaults) back to their TOML file.

Only the user layer is ever written: machine and policy files belong to IT. A value equal to what the
layers above would give anyway is still written (the operator chose it), but a key that policy locks
is never written, so the file cannot drift from what the operator could actually choose. The file is
replaced atomically (write, fsync, rename): a crash leaves the old settings or the new, never half.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

from app.config.loader import Config
from app.config.schema import SPECS, Value


def _literal(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render(values: Mapping[str, Value]) -> str:
    """TOML text: top-level keys first, then one table per dotted prefix (``[sip]``, ``[audio]``)."""
    top = {k: v for k, v in values.items() if "." not in k}
    tables: dict[str, dict[str, Value]] = {}
    for key, value in values.items():
        if "." in key:
            table, name = key.split(".", 1)
            tables.setdefault(table, {})[name] = value
    lines = ["# ringdesk: this operator's own settings (IT's machine and policy files take precedence)"]
    lines += [f"{k} = {_literal(v)}" for k, v in sorted(top.items())]
    for table, entries in sorted(tables.items()):
        lines += ["", f"[{table}]"] + [f"{k} = {_literal(v)}" for k, v in sorted(entries.items())]
    return "\n".join(lines) + "\n"


def save_user_settings(path: Path, changes: Mapping[str, Value], config: Config) -> list[str]:
    """Merge ``changes`` into the user file at ``path``; returns the keys refused (locked by policy or
    unknown). Values are checked against the setting's type first (``ValueError`` on a bad one)."""
    refused = [k for k in changes if k not in SPECS or config.is_locked(k)]
    current: dict[str, Value] = {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for table, entries in data.items():
            if isinstance(entries, dict):
                current.update({f"{table}.{k}": v for k, v in entries.items() if f"{table}.{k}" in SPECS})
            elif table in SPECS:
                current[table] = entries
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        pass
    for key, value in changes.items():
        if key not in refused:
            current[key] = SPECS[key].coerce(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".ringdesk-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(render(current))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return refused
