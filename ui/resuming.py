"""The desktop started again after a crash goes on with the shift (issue 14, item 4): the decision is
the core's (``app.workstation.resume``); here it is fed (the local store, the server's word) and said
to the operator."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtWidgets import QApplication

from app.client.errors import ApiError
from app.store.statuses import last_status
from app.sync.service import SyncService
from app.wire.statuses import BoardRow
from app.workstation import Workstation
from app.workstation.resume import Resume, plan
from ui.labels import choice_label

log = logging.getLogger(__name__)

SERVER_WAIT_S = 5.0
"""How long the start waits for the server's status before resuming from this desk's word alone."""


async def resume_shift(sync: SyncService, workstation: Workstation) -> Resume | None:
    """Resume the shift this desk was in (``None``: none, start a new one). Call before the calls are
    restored, then :meth:`Workstation.report_status`."""
    last = last_status(sync.store, workstation.config.operator)
    if last is None:
        return None
    server: BoardRow | None = None
    try:
        server = await asyncio.wait_for(sync.api.my_status(), SERVER_WAIT_S)
    except (ApiError, TimeoutError, OSError) as exc:
        log.info("the server's status for this operator is unknown (%s): resuming from this desk", exc)
    resume = plan(last, server)
    if resume is not None:
        log.info("resuming the shift: %s (server: %s)", resume.choice, server)
        workstation.resume_shift(resume)
    return resume


def resumed_text(resume: Resume) -> str:
    """What the operator reads: the status is back as they left it, or what the server set meanwhile."""
    changed = resume.changed_by_server
    if changed is None:
        return QApplication.translate(
            "Desktop", "ringdesk stopped unexpectedly: your status is back as you left it (%1)"
        ).replace("%1", choice_label(resume.choice.status, resume.choice.reason))
    return (
        QApplication.translate(
            "Desktop",
            "While ringdesk was not running, the server set your status to %1 at %2: choose your "
            "status again when you are ready",
        )
        .replace("%1", choice_label(changed.status, changed.reason))
        .replace("%2", changed.since.astimezone().strftime("%H:%M:%S"))
    )
