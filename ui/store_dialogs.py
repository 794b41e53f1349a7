"""What the operator is told about the local store at start (issue 14, item 2): a store that cannot be
used (the desktop cannot start: a dialog, not a traceback on stderr), and one found damaged or short of
records (moved aside, recovered, or lost). Every message names the file; the log says the same."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.store.faults import StoreFault
from app.store.opening import ProblemKind, StoreProblem, StoreUnusable

log = logging.getLogger(__name__)


def unusable_text(exc: StoreUnusable) -> str:
    """Why the desktop cannot start, and what to do."""
    path = str(exc.path)
    if exc.fault is StoreFault.READ_ONLY:
        text = QApplication.translate(
            "StoreDialogs",
            "ringdesk cannot write its local database %1: the file, its folder or the disk is read-only. "
            "Ask IT to make it writable, then start ringdesk again.",
        )
    elif exc.fault is StoreFault.FULL:
        text = QApplication.translate(
            "StoreDialogs",
            "The disk is full: ringdesk cannot write its local database %1. Free disk space, then start "
            "ringdesk again.",
        )
    else:
        text = QApplication.translate(
            "StoreDialogs",
            "ringdesk cannot open its local database %1 (%2). Call IT and give them this file.",
        )
    return text.replace("%1", path).replace("%2", exc.detail)


def problem_text(problem: StoreProblem) -> str:
    """What was found at start and done about it."""
    moved = str(problem.moved_to or "")
    if problem.kind is ProblemKind.DAMAGED:
        text = QApplication.translate(
            "StoreDialogs",
            "The local database %1 was damaged. It was moved aside, unchanged, to %2, and a new one was "
            "made. %n record(s) waiting to be sent were recovered from it and will be sent.",
        ).replace("%n", str(problem.recovered))
        if problem.unreadable:
            text += " " + QApplication.translate(
                "StoreDialogs",
                "%n record(s) could not be read: they may still be in the file moved aside; give it to IT.",
            ).replace("%n", str(problem.unreadable))
    else:
        text = QApplication.translate(
            "StoreDialogs",
            "The local database %1 was emptied or replaced while ringdesk was not running: %n record(s) "
            "waiting to be sent are missing from this computer. Tell your team lead and IT: the server "
            "keeps only what it had received.",
        ).replace("%n", str(problem.unreadable))
        if moved:
            text += " " + QApplication.translate("StoreDialogs", "The file found was kept as %2.")
    return text.replace("%1", str(problem.path)).replace("%2", moved)


async def tell_unusable(exc: StoreUnusable) -> QMessageBox:
    """Show why the desktop cannot start and wait until the operator closes the dialog."""
    log.error("cannot start: %s", exc)
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QApplication.translate("StoreDialogs", "ringdesk cannot start"),
        unusable_text(exc),
    )
    box.setObjectName("storeUnusable")
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def closed(_result: int) -> None:
        if not done.done():
            done.set_result(None)

    box.finished.connect(closed)
    box.open()
    await done
    return box


def tell_problems(problems: list[StoreProblem], parent: QWidget | None = None) -> QMessageBox | None:
    """Show what was found in the store at start (not waiting: the desk is usable)."""
    if not problems:
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QApplication.translate("StoreDialogs", "The local database was repaired"),
        "\n\n".join(problem_text(p) for p in problems),
        parent=parent,
    )
    box.setObjectName("storeProblems")
    box.open()
    return box
