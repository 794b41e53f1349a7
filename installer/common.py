"""Shared plumbing of the installer build: the reproducible environment, running tools, tree stamping.

Reproducibility needs three things from every step: one timestamp (``SOURCE_DATE_EPOCH``, the last
commit's time unless given), no hash randomisation (``PYTHONHASHSEED=0``), and file metadata that does
not depend on the build machine (mtimes clamped, permissions normalised, owner root).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INSTALLER = REPO / "installer"


class BuildError(Exception):
    """A build step failed; the message names the step and how to fix it."""


def version() -> str:
    """The version in ``app/__init__.py`` (the one ``ringdesk --version`` prints)."""
    text = (REPO / "app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise BuildError("app/__init__.py has no __version__")
    return match.group(1)


def source_date_epoch() -> int:
    """``SOURCE_DATE_EPOCH`` if set, else the time of the last commit, so rebuilds of a commit agree."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given:
        return int(given)
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return 315532800  # 1980-01-01: the oldest time a zip (wheel, MSI cab) can hold


def build_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every tool runs in: fixed epoch, hash seed, time zone and locale."""
    env = dict(os.environ)
    env.update(
        SOURCE_DATE_EPOCH=str(source_date_epoch()),
        PYTHONHASHSEED="0",
        TZ="UTC",
        LC_ALL="C.UTF-8",
        PYTHONPATH=str(REPO),
    )
    env.update(extra or {})
    for name in SECRET_VARIABLES:  # handed over on a pipe by the step that needs them, never inherited
        env.pop(name, None)
    return env


#: secrets the build reads from its own environment and never passes on to the tools it runs
SECRET_VARIABLES = ("RINGDESK_CODESIGN_PASS",)


def run(
    cmd: Sequence[str | Path],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdin: str | None = None,
) -> str:
    """Run a tool, return its stdout; on failure raise BuildError with its output (tools explain well).

    ``stdin`` is written to the tool's standard input (how secrets reach it: never in ``argv``, which
    ``ps`` and this error message show); without it the tool reads an empty stdin, so a tool that
    wants to prompt fails at once instead of hanging an unattended build.
    """
    argv = [str(c) for c in cmd]
    tool = shutil.which(argv[0]) if not os.path.isabs(argv[0]) else argv[0]
    if tool is None:
        raise BuildError(f"{argv[0]} is not installed (tools/system-deps.sh installs it)")
    result = subprocess.run(
        argv,
        env=dict(env or build_env()),
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def say(message: str) -> None:
    print(f"installer: {message}", file=sys.stderr, flush=True)


def stamp_tree(root: Path, epoch: int) -> None:
    """Normalise a staged tree: directories 0755, files 0644 or 0755 if executable, mtimes = epoch."""
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_symlink():
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            continue
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)
        os.utime(path, (epoch, epoch))
    os.utime(root, (epoch, epoch))


def copy_tree(src: Path, dest: Path) -> None:
    """Copy a tree keeping symlinks as symlinks (PySide6 ships versioned .so links)."""
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)
