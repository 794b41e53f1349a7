"""What an operator (or their team lead) can choose as a status, checked against the reason catalogue.

A choice is ``ready``, ``not_ready`` with a reason, or ``offline`` (end of shift). ``on_call`` and
``acw`` are never chosen: they follow from the phone, and the machine lays them over the choice
instead of replacing it, so a break is still a break when the call that interrupted it is over.
Training, back-of-queue, lunch... are reasons from the server's catalogue, so a new kind of pause is
data, not code; their flags (routable, productive, max minutes) come with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.refused import Refused
from app.wire.statuses import (
    SHIFT_START,
    SYSTEM_ONLY,
    NotReadyReason,
    OperatorStatus,
    check_reason,
    choosable,
)


def offered(reasons: Iterable[NotReadyReason]) -> list[NotReadyReason]:
    """The reasons a person may pick, in catalogue order: what the status menu, the tray and the team
    lead's Force dialog list (retired and system-only reasons are left out)."""
    return [reason for reason in reasons if choosable(reason)]


@dataclass(frozen=True)
class Choice:
    """A chosen status and its reason code (``None`` unless ``not_ready``)."""

    status: OperatorStatus
    reason: str | None = None

    @classmethod
    def ready(cls) -> Choice:
        return cls(OperatorStatus.READY)

    @classmethod
    def not_ready(cls, reason: str) -> Choice:
        return cls(OperatorStatus.NOT_READY, reason)

    @classmethod
    def offline(cls) -> Choice:
        return cls(OperatorStatus.OFFLINE)

    @classmethod
    def shift_start(cls) -> Choice:
        return cls(OperatorStatus.NOT_READY, SHIFT_START)

    def __str__(self) -> str:
        return f"{self.status.value} ({self.reason})" if self.reason else self.status.value


class Reasons:
    """The not-ready catalogue as the machines use it: look up by code, check a choice."""

    def __init__(self, reasons: Iterable[NotReadyReason] = ()) -> None:
        self._by_code: dict[str, NotReadyReason] = {r.code: r for r in reasons}

    @property
    def by_code(self) -> Mapping[str, NotReadyReason]:
        return dict(self._by_code)

    def get(self, code: str | None) -> NotReadyReason | None:
        return self._by_code.get(code) if code is not None else None

    def routable(self, choice: Choice) -> bool:
        """Whether the queue may offer calls in this status (``ready``, or a routable reason)."""
        if choice.status is OperatorStatus.READY:
            return True
        reason = self.get(choice.reason)
        return choice.status is OperatorStatus.NOT_READY and reason is not None and reason.routable

    def check(self, choice: Choice, *, approved: bool = False) -> None:
        """Refuse a choice nobody may make: a status that follows from the phone, a reason that does
        not go with the status, a reason missing from the catalogue, retired, or needing approval
        (unless a team lead gave it: ``approved``)."""
        if choice.status in SYSTEM_ONLY or choice.status is OperatorStatus.ACW:
            raise Refused(
                f"{choice.status.value} follows from the phone and is never chosen",
                code="status",
                key="status_system",
                status=choice.status,
            )
        if problem := check_reason(choice.status, choice.reason):
            raise Refused(problem, code="reason", key="reason_mismatch", status=choice.status)
        if choice.reason is None:
            return
        reason = self._by_code.get(choice.reason)
        if reason is None:
            raise Refused(
                f"{choice.reason!r} is not in the not-ready catalogue", code="reason", key="reason_unknown"
            )
        if not reason.active:
            raise Refused(
                f"the not-ready reason {choice.reason!r} is retired",
                code="reason",
                key="reason_retired",
                reason=choice.reason,
            )
        if reason.system:
            raise Refused(
                f"the not-ready reason {choice.reason!r} is set by the system, never chosen",
                code="reason",
                key="reason_system",
                reason=choice.reason,
            )
        if reason.needs_approval and not approved:
            raise Refused(
                f"the not-ready reason {choice.reason!r} needs a team lead's approval: ask for it",
                code="approval",
                reason=choice.reason,
            )
