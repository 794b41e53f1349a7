"""Refresh the Russian translation: extract every string of ``ui/`` into the ``.ts`` and compile the ``.qm``.

Usage: ``python tools/translations.py`` (then translate the new entries in Qt Linguist or any editor,
and run it again to compile). ``--check`` only reports, for tests: see :func:`sources`.
The ``.ts`` keeps existing translations; entries whose strings left the code are dropped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TS = REPO / "resources" / "translations" / "ringdesk_ru.ts"
QM = TS.with_suffix(".qm")


def tool(name: str) -> str:
    """The path of a Qt tool installed with PySide6 (next to the running Python, else on PATH)."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found: install PySide6")
    return found


def sources() -> list[Path]:
    """Every Python file of the desktop UI, in a stable order."""
    return sorted(p for p in (REPO / "ui").rglob("*.py") if "__pycache__" not in p.parts)


def update(ts: Path = TS) -> None:
    """Extract the strings of :func:`sources` into ``ts`` (existing translations kept)."""
    files = [str(p.relative_to(REPO)) for p in sources()]
    subprocess.run(
        [tool("pyside6-lupdate"), *files, "-no-obsolete", "-ts", str(ts)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def release(ts: Path = TS, qm: Path = QM) -> None:
    """Compile ``ts`` into ``qm``."""
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


if __name__ == "__main__":
    update()
    release()
    print(f"updated {TS.relative_to(REPO)} and {QM.relative_to(REPO)}")
