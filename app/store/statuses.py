"""The operator's last status as this desk reported it, read back after a restart (issue 14).

The outbox keeps every status change the desk made (``status_changes``, with its original time). A
desktop started again after a crash reads the newest to resume the shift where it was, instead of
starting it again (``not_ready/shift_start``) and reporting what the server already holds twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.store.database import LocalStore
from app.store.schema import from_db_time
from app.wire.statuses import PHONE_OFFLINE, OperatorStatus

_NOT_CHOSEN = (OperatorStatus.ON_CALL.value, OperatorStatus.ACW.value)


@dataclass(frozen=True)
class LastStatus:
    """The newest change reported (``status``, ``reason``, ``at``) and the newest the operator (or a
    team lead) chose: one that is not a call's (``on_call``, ``acw``) nor the dead phone's."""

    status: OperatorStatus
    reason: str | None
    at: datetime
    chosen_status: OperatorStatus
    chosen_reason: str | None


def last_status(store: LocalStore, operator: str) -> LastStatus | None:
    """The desk's last status for ``operator`` (``None``: never reported one here)."""
    with store.reading() as db:
        last = db.execute(
            "SELECT status, reason, at FROM status_changes WHERE operator = ? ORDER BY id DESC LIMIT 1",
            (operator,),
        ).fetchone()
        chosen = db.execute(
            "SELECT status, reason FROM status_changes WHERE operator = ? AND status NOT IN (?, ?)"
            " AND coalesce(reason, '') != ? ORDER BY id DESC LIMIT 1",
            (operator, *_NOT_CHOSEN, PHONE_OFFLINE),
        ).fetchone()
    if last is None:
        return None
    chosen_status = OperatorStatus(chosen["status"]) if chosen is not None else OperatorStatus.OFFLINE
    return LastStatus(
        status=OperatorStatus(last["status"]),
        reason=last["reason"],
        at=from_db_time(last["at"]),
        chosen_status=chosen_status,
        chosen_reason=chosen["reason"] if chosen is not None else None,
    )
