"""Refresh the Russian translation: extract every string of ``ui/`` into the ``.ts`` and compile the ``.qm``.

Usage: ``python tools/translations.py`` (then translate the new entries in Qt Linguist or any editor,
and run it again to compile). ``python tools/translations.py --merge OTHER.ts...`` also takes the
translations of other copies of the file (a merge of two branches that both added strings: keep one side's
``.ts``, pass the other's) for every entry still untranslated here.
The ``.ts`` keeps existing translations; entries whose strings left the code are dropped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
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


def _key(context: ET.Element, message: ET.Element) -> tuple[str, str, str]:
    return (context.findtext("name", ""), message.findtext("source", ""), message.findtext("comment", ""))


def _done(message: ET.Element) -> bool:
    element = message.find("translation")
    return element is not None and element.get("type") is None and bool("".join(element.itertext()).strip())


def merge(others: list[Path], ts: Path = TS) -> int:
    """Fill the untranslated entries of ``ts`` from ``others``; returns how many were filled.

    ElementTree drops the DOCTYPE line, so it is written back by hand (lupdate and lrelease want it)."""
    known: dict[tuple[str, str, str], ET.Element] = {}
    for other in others:
        for context in ET.parse(other).getroot().iter("context"):
            for message in context.iter("message"):
                if _done(message):
                    known.setdefault(_key(context, message), message.find("translation"))  # type: ignore[arg-type]
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            found = known.get(_key(context, message))
            if found is None or _done(message):
                continue
            old = message.find("translation")
            if old is not None:
                message.remove(old)
            message.append(found)
            filled += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8")
    return filled


if __name__ == "__main__":
    update()
    if sys.argv[1:2] == ["--merge"]:
        print(f"filled {merge([Path(a) for a in sys.argv[2:]])} entries from {len(sys.argv) - 2} file(s)")
        update()  # lupdate's own layout again
    release()
    print(f"updated {TS.relative_to(REPO)} and {QM.relative_to(REPO)}")
