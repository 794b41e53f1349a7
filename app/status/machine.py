"""The operator-status machine: what the operator chose, laid under what the phone is doing.

Three inputs, kept apart so none can silently undo another:

- the *choice* (operator or team lead): start of shift, ready, not ready with a reason (break, lunch,
  training, back of queue...), end of shift;
- the *activity* from the calls (idle, on a call, after-call work);
- the *registration* of the phone (the telephony supervisor's "routable").

The reported status is computed from the three: ``on_call``/``acw`` while the calls say so; else the
choice, except that a routable choice (ready, back of queue) with a dead phone is reported as
``not_ready`` with the ``phone_offline`` reason. The choice itself never changes when the phone
does, so a break stays a break through calls and registration losses, and Ready comes back by itself
when the phone registers again.

During a call the operator picks a *next* status and a team lead may *force* one (Finesse: it
applies after the current call); either applies when the activity returns to idle, forced first.

Every change of the reported status returns one :class:`StatusChangeIn` for the server, stamped with
``at`` (the caller passes its injectable clock's time or the phone event's own time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.clock import later
from app.refused import Refused
from app.status.choice import Choice, Reasons
from app.status.view import Activity, StatusView
from app.wire.statuses import PHONE_OFFLINE, OperatorStatus, StatusChangeIn, StatusSource


@dataclass(frozen=True)
class StatusPolicy:
    """Reason codes the machine reports by itself; both must exist in the server's catalogue."""

    phone_offline_reason: str = PHONE_OFFLINE


_EARLIER_KEPT = 20


class StatusMachine:
    """One operator's status, from start of shift to end of shift."""

    def __init__(
        self,
        operator: str,
        reasons: Reasons,
        at: datetime,
        *,
        policy: StatusPolicy | None = None,
        registered: bool = False,
    ) -> None:
        self.operator = operator
        self.reasons = reasons
        self.policy = policy or StatusPolicy()
        self._chosen = Choice.offline()
        self._chosen_since = at
        self._activity = Activity.IDLE
        self._registered = registered
        self._next: Choice | None = None
        self._forced: Choice | None = None
        self._forced_by = ""
        self._forced_request: int | None = None
        self._earlier: list[Choice] = []
        self._reported = self._effective()
        self._since = at
        self._source = StatusSource.SYSTEM

    # ----- reading -----------------------------------------------------------------------------

    def view(self) -> StatusView:
        status, reason = self._reported
        return StatusView(
            status=status,
            reason=reason,
            since=self._since,
            source=self._source,
            chosen=self._chosen,
            chosen_since=self._chosen_since,
            registered=self._registered,
            routable=self._routable_now(),
            activity=self._activity,
            next=self._next,
            forced=self._forced,
            forced_by=self._forced_by,
            max_minutes=(r.max_minutes if (r := self.reasons.get(reason)) is not None else None),
        )

    # ----- the operator's intents --------------------------------------------------------------

    def start_shift(self, at: datetime) -> list[StatusChangeIn]:
        """Log in: on shift, not ready yet (``shift_start``), like Asterisk's paused ``QueueAdd``."""
        if self._chosen.status is not OperatorStatus.OFFLINE:
            raise Refused(
                f"the shift has already started ({self._chosen})", code="shift", key="shift_started"
            )
        return self._choose(Choice.shift_start(), at, StatusSource.OPERATOR)

    def resume_shift(
        self, choice: Choice, reported: tuple[OperatorStatus, str | None], since: datetime
    ) -> None:
        """Go on with a shift this desk was in before it stopped (a crash): ``choice`` as chosen then,
        ``reported`` what the server holds since ``since``. Nothing is reported here: calls restored
        next (after-call work) match what the server holds, and :meth:`set_registered` reports only
        what differs then, so nothing the server has is sent twice."""
        if self._chosen.status is not OperatorStatus.OFFLINE:
            raise Refused(
                f"the shift has already started ({self._chosen})", code="shift", key="shift_started"
            )
        self._chosen, self._chosen_since = choice, since
        self._reported, self._since, self._source = reported, since, StatusSource.SYSTEM

    def reassert(self, at: datetime) -> list[StatusChangeIn]:
        """Report the status again although it did not change here: the server replaced it while this
        desk could not reach it (``connection_lost``), and the desk is back."""
        if self._chosen.status is OperatorStatus.OFFLINE:
            return []
        return self._report(at, StatusSource.SYSTEM, always=True)

    def end_shift(self, at: datetime) -> list[StatusChangeIn]:
        """Log out. During a call or its after-call work, choose ``offline`` as the next status instead."""
        self._need_on_shift("end the shift")
        self._need_idle("end the shift")
        self._next = None
        return self._choose(Choice.offline(), at, StatusSource.OPERATOR)

    def set_status(self, choice: Choice, at: datetime) -> list[StatusChangeIn]:
        """Ready, or not ready with a reason, now. Refused during a call: that is :meth:`choose_next`."""
        self._need_on_shift("change the status")
        if choice.status is OperatorStatus.OFFLINE:
            raise Refused(
                "offline is the end of the shift: use end of shift", code="status", key="offline_is_end"
            )
        self.reasons.check(choice)
        self._need_idle("change the status")
        if choice == self._chosen:
            raise Refused(
                f"the status is already {choice}",
                code="same",
                status=choice.status,
                reason=choice.reason or "",
            )
        return self._choose(choice, at, StatusSource.OPERATOR)

    def choose_next(self, choice: Choice | None) -> None:
        """The status to take after the current call and its after-call work (``None``: keep the
        current choice). ``offline`` here ends the shift after the call."""
        if self._activity is Activity.IDLE:
            raise Refused("not on a call: set the status directly", code="idle", key="not_on_call")
        if self._forced is not None:
            raise Refused(
                f"{self._forced_by or 'a team lead'} has set {self._forced} for after this call",
                code="forced",
                by=self._forced_by,
                status=self._forced.status,
                reason=self._forced.reason or "",
            )
        if choice is not None and choice.status is not OperatorStatus.OFFLINE:
            self.reasons.check(choice)
        self._next = choice

    # ----- the team lead -----------------------------------------------------------------------

    def force(
        self, choice: Choice, at: datetime, *, by: str = "", request: int | None = None
    ) -> list[StatusChangeIn]:
        """A team lead's status for this operator: now when idle, else after the current call.
        ``request`` is the server's force request: the change that applies it names it, so the server
        takes a ``team_lead`` change from the operator's own desktop and settles the request."""
        self._need_on_shift("force a status")
        if choice.status is not OperatorStatus.OFFLINE:
            self.reasons.check(choice, approved=True)
        if self._activity is not Activity.IDLE:
            self._forced, self._forced_by, self._forced_request = choice, by, request
            return []
        return self._choose(choice, at, StatusSource.TEAM_LEAD, request=request)

    def applied_by_server(self, choice: Choice, at: datetime) -> list[StatusChangeIn]:
        """A status the server already stored for this operator (a team lead's force applied while the
        operator was free): take it over without sending it back. Only what the desk lays over it
        (a call, a dead phone) is reported."""
        self._need_on_shift("take over a status")
        self._forced, self._forced_by, self._forced_request = None, "", None
        if choice != self._chosen:
            self._remember(self._chosen)
            self._chosen = choice
            self._chosen_since = later(at, self._chosen_since)
        if self._activity is Activity.IDLE:
            self._reported = (choice.status, choice.reason)
            self._since = later(at, self._since)
            self._source = StatusSource.TEAM_LEAD
        # busy: the server stored the force over the call it had not heard of yet; say the call again
        return self._report(at, StatusSource.SYSTEM, always=self._activity is not Activity.IDLE)

    def refused(self, change: StatusChangeIn, at: datetime) -> list[StatusChangeIn]:
        """The server refused ``change`` for good. When the choice that produced it is still the
        choice, go back to the choice before it and report that (with the source ``system``), so the
        desk and the server agree again; a change already superseded by a newer choice needs
        nothing. A refused change the phone made (a call, after-call work) leaves the choice alone."""
        refused = Choice(change.status, change.reason)
        if change.source is StatusSource.SYSTEM or refused != self._chosen:
            return []
        previous = self._earlier_choice(refused)
        if previous == refused:
            return []  # nothing earlier to go back to: shown, not undone
        self._chosen = previous
        self._chosen_since = later(at, self._chosen_since)
        return self._report(at, StatusSource.SYSTEM, always=True)

    def approved(self, choice: Choice, at: datetime) -> list[StatusChangeIn]:
        """A break the operator asked for and a team lead approved: now when idle, else as the next
        status after the current call (the operator's own choice, so their source)."""
        self._need_on_shift("take an approved break")
        self.reasons.check(choice, approved=True)
        if self._activity is not Activity.IDLE:
            self._next = choice
            return []
        return self._choose(choice, at, StatusSource.OPERATOR)

    # ----- facts -------------------------------------------------------------------------------

    def set_activity(
        self, activity: Activity, at: datetime, *, source: StatusSource = StatusSource.SYSTEM
    ) -> list[StatusChangeIn]:
        """The calls moved the operator (``source``: who ended ACW, when it matters)."""
        if activity is self._activity:
            return []
        self._activity = activity
        if activity is not Activity.IDLE:
            return self._report(at, StatusSource.SYSTEM)
        if self._forced is not None:
            choice, request = self._forced, self._forced_request
            self._forced, self._forced_by, self._forced_request, self._next = None, "", None, None
            return self._choose(choice, at, StatusSource.TEAM_LEAD, request=request)
        if self._next is not None:
            choice, self._next = self._next, None
            return self._choose(choice, at, source)
        return self._report(at, source)

    def set_registered(self, registered: bool, at: datetime) -> list[StatusChangeIn]:
        """The phone's registration changed; the choice stays as it is."""
        self._registered = registered
        return self._report(at, StatusSource.SYSTEM)

    def update_reasons(self, reasons: Reasons, at: datetime) -> list[StatusChangeIn]:
        """A fresh catalogue (a reason may have become routable or not)."""
        self.reasons = reasons
        return self._report(at, StatusSource.SYSTEM)

    # ----- internals ---------------------------------------------------------------------------

    def _choose(
        self, choice: Choice, at: datetime, source: StatusSource, *, request: int | None = None
    ) -> list[StatusChangeIn]:
        if choice != self._chosen:
            self._remember(self._chosen)
            self._chosen = choice
            self._chosen_since = later(at, self._chosen_since)
        return self._report(at, source, request=request)

    def _remember(self, choice: Choice) -> None:
        """Keep the choices made before, newest last: where a refused choice goes back to."""
        self._earlier.append(choice)
        del self._earlier[:-_EARLIER_KEPT]

    def _earlier_choice(self, refused: Choice) -> Choice:
        """The latest earlier choice that is not ``refused`` (and not the end of the shift)."""
        while self._earlier:
            choice = self._earlier.pop()
            if choice != refused and choice.status is not OperatorStatus.OFFLINE:
                return choice
        return Choice.shift_start()

    def _effective(self) -> tuple[OperatorStatus, str | None]:
        if self._activity is Activity.ON_CALL:
            return OperatorStatus.ON_CALL, None
        if self._activity is Activity.ACW:
            return OperatorStatus.ACW, None
        choice = self._chosen
        if (
            choice.status is not OperatorStatus.OFFLINE
            and not self._registered
            and self.reasons.routable(choice)
        ):
            return OperatorStatus.NOT_READY, self.policy.phone_offline_reason
        return choice.status, choice.reason

    def _routable_now(self) -> bool:
        status, reason = self._reported
        return self._registered and self.reasons.routable(Choice(status, reason))

    def _report(
        self, at: datetime, source: StatusSource, *, request: int | None = None, always: bool = False
    ) -> list[StatusChangeIn]:
        """The change of the reported status, if any (``always``: even when it looks unchanged, for
        a server that may hold something else)."""
        effective = self._effective()
        if effective == self._reported and not always:
            return []
        self._reported = effective
        self._since = later(at, self._since)
        self._source = source
        status, reason = effective
        applies = request if source is StatusSource.TEAM_LEAD else None
        return [
            StatusChangeIn(
                operator=self.operator,
                status=status,
                reason=reason,
                at=self._since,
                source=source,
                request=applies,
            )
        ]

    def _need_on_shift(self, what: str) -> None:
        if self._chosen.status is OperatorStatus.OFFLINE:
            raise Refused(
                f"cannot {what}: the shift has not started", code="shift", key="shift_not_started", what=what
            )

    def _need_idle(self, what: str) -> None:
        if self._activity is not Activity.IDLE:
            raise Refused(
                f"cannot {what} during a call or after-call work: choose it as the next status",
                code="busy",
                key="status_busy",
                what=what,
            )
