"""PyInstaller one-folder bundles of the desktop (``ringdesk``) and the server (``ringdesk-server``).

The specs live in ``installer/pyinstaller/``; this module only runs them in the reproducible
environment, with separate work and dist directories under the output folder so parallel builds of
different worktrees never share PyInstaller's cache.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from installer.common import INSTALLER, build_env, run, say

SPECS = {"ringdesk": "ringdesk.spec", "ringdesk-server": "ringdesk-server.spec"}


def build_bundle(name: str, out: Path) -> Path:
    """Build bundle ``name`` into ``out/dist/<name>`` and return that folder."""
    spec = INSTALLER / "pyinstaller" / SPECS[name]
    started = time.monotonic()
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "ERROR",
            "--distpath",
            out / "dist",
            "--workpath",
            out / "work" / name,
            spec,
        ],
        env=build_env(),
    )
    folder = out / "dist" / name
    say(f"bundle {name}: {folder} in {time.monotonic() - started:.0f} s, {tree_size(folder) / 1e6:.0f} MB")
    return folder


def tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
