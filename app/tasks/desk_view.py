"""What the task desk shows (:class:`DeskView`), in which phase (:class:`DeskPhase`): the state the
Tasks panel and the call card render, owned by ``app.tasks.desk.TaskDesk``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.wire.contacts import ContactOut
from app.wire.tasks import NotReachedReason, ResultIn, TaskOut


class DeskPhase(StrEnum):
    IDLE = "idle"
    PREVIEW = "preview"
    """A task is claimed and shown; nothing dialled yet."""
    CALLING = "calling"
    """The task's number is dialled or the call is on."""
    WRAP_UP = "wrap_up"
    """The call ended; its disposition closes the task."""


@dataclass(frozen=True)
class DeskView:
    """What the Tasks panel shows of the task being worked."""

    phase: DeskPhase = DeskPhase.IDLE
    task: TaskOut | None = None
    call_id: str = ""
    """The workstation's id of the task's call (``calling``, ``wrap_up``)."""
    record_id: str = ""
    """The id the call's disposition carries (to know which disposition closes the task)."""
    suggestion: NotReachedReason | None = None
    """Set when the call ended unanswered: the "not reached" to offer."""
    notice: str = ""
    """Why the desk went back to idle by itself (``lost``: someone else holds the task now;
    ``none``: nothing to do now; ``reported``: the result is queued; ``released``: given back;
    ``sending``: the last task's result has not reached the server yet, so no new task was taken)."""
    result: ResultIn | None = None
    """The last result queued (after ``reported``)."""
    contact: ContactOut | None = None
    """The task's client from the CRM (``preview`` onwards; ``None``: unknown or not looked up yet)."""
    looked_up: bool = False
    """Whether the client was looked up (``contact`` ``None`` then means: no such contact)."""
    lookup_failed: bool = False
    """The lookup failed: the call looks the client up again when dialled."""
    dialling: bool = False
    """The task's call is being placed: the phone may report it (with no number yet) before the
    dial returns; an outgoing call then is this one."""
    set_aside: bool = False
    """A call is on the desk during the preview (one rang in): its card is shown, not the preview's,
    and the task cannot be dialled until that call is over."""
