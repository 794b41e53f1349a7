"""How a desktop started again after a crash takes up the shift (issue 14).

Before, every start began the shift anew: ``not_ready/shift_start`` whatever the operator had been,
and after-call work restored from a crash was reported to the server a second time. :func:`plan`
decides from what this desk last reported (``app.store.statuses``) and what the server holds now
(``GET /me/status``; ``None`` when it does not answer):

* the desk never reported anything, or its last word was the end of the shift: a new shift;
* the server holds something newer than the desk's last word that the desk did not send (the server
  made it not routable when it fell silent, ``connection_lost``; a team lead's force): the server's
  status is taken over as the choice and the operator is told (``changed_by_server``);
* otherwise the shift goes on with the operator's own choice, and the server's status (the desk's
  last report) is what the desk starts from, so nothing it holds is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.status.choice import Choice
from app.store.statuses import LastStatus
from app.wire.statuses import BoardRow, OperatorStatus

_CALL = (OperatorStatus.ON_CALL, OperatorStatus.ACW)


@dataclass(frozen=True)
class Resume:
    """Resume with ``choice``, the server holding ``reported`` since ``since``."""

    choice: Choice
    reported: tuple[OperatorStatus, str | None]
    since: datetime
    changed_by_server: BoardRow | None = None
    """The server's status when it differs from what the desk left (say so to the operator)."""


def plan(last: LastStatus | None, server: BoardRow | None) -> Resume | None:
    """What to resume (``None``: start a new shift)."""
    if last is None or last.status is OperatorStatus.OFFLINE:
        return None
    choice = Choice(last.chosen_status, last.chosen_reason)
    if choice.status is OperatorStatus.OFFLINE:
        choice = Choice.shift_start()
    reported = (last.status, last.reason)
    if server is not None and (server.status, server.reason) != reported and server.since > last.at:
        if server.status is OperatorStatus.OFFLINE:
            return None  # the server ended the shift: a new one
        if server.status not in _CALL:
            choice = Choice(server.status, server.reason)
        return Resume(choice, (server.status, server.reason), server.since, changed_by_server=server)
    return Resume(choice, reported, last.at)
