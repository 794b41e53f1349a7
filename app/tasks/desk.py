"""``TaskDesk``: one task at a time, from "Next task" to its result (preview dialling).

::

    idle --take_next--> preview --dial--> calling --call ends--> wrap-up --disposition--> idle
                         |  (lease renewed in the background)      |  (busy / no answer: "not reached"
                         +--give back / lease lost--> idle         |   suggested, one key: not_reached)

* **preview**: the task is claimed (``POST /tasks/next``) and its lease renewed every third of the lease
  while the operator reads why, the attempts so far and the request's text. A lease taken by someone
  else meanwhile (409) ends the preview. A desktop that dies simply stops renewing: the lease runs out
  and the task goes back to the queue; one restarted in time gets the same task back (the server
  hands an operator their unexpired task first).
* **preview** also holds the client's contact, read from the lookup the call card uses
  (:meth:`Workstation.find_contact`) before anything is dialled, so the window shows the full card of
  the client for the task. A call that rings in meanwhile takes the card: the preview is ``set_aside``
  until no call is on the desk any more, and cannot be dialled until then. Giving the task back
  (:meth:`TaskDesk.release`) ends the preview and gives the task back to the server at once
  (``POST /tasks/{id}/release``), so it is offered again without waiting for the lease.
* **calling**: the number is dialled through the workstation's ``dial`` intent (the real softphone), so
  the normal call card, script and disposition follow.
* **wrap-up**: the call ended. Unanswered (486/600 busy, anything else no answer), :attr:`DeskView.suggestion`
  says which "not reached" to offer; :meth:`TaskDesk.not_reached` picks that code in the disposition
  form in one go.
* The call's disposition decides the task's result: a code of category ``not_reached`` reports
  ``not_reached`` (the server reschedules by its retry rule), ``mail_only`` reports ``sent_only``,
  anything else ``done``. A disposition with a callback time also closes the task: the server makes
  the new callback task from the disposition itself. The result goes through the outbox: exactly once,
  whether the server is there now or not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace

from app.client.errors import ApiError, RejectedError, TransientError
from app.clock import Clock, system_clock
from app.refused import Refused
from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.sync.items import Saved
from app.tasks.desk_ports import Phone, ResultOutbox, TaskApi
from app.tasks.desk_view import DeskPhase, DeskView
from app.wire.dispositions import DispositionCategory, DispositionIn
from app.wire.tasks import NotReachedReason, ResultIn, ResultOutcome, TaskOut
from app.workstation.notices import CallChanged, DispositionQueued
from app.workstation.ports import KnownContact

log = logging.getLogger(__name__)

BUSY_CODES = frozenset({486, 600})
"""SIP answers that mean "busy" (Busy Here, Busy Everywhere); any other unanswered end is no answer."""
MIN_RENEW_S = 5.0
RESULT_WAITS_S = (0.1, 0.2, 0.4, 0.8, 1.5, 2.0)
"""Pauses between asking again for the next task while the last one's result is being sent (5 s)."""


def outcome_of(category: DispositionCategory | None) -> ResultOutcome:
    """The task result a disposition of ``category`` stands for."""
    if category is DispositionCategory.NOT_REACHED:
        return ResultOutcome.NOT_REACHED
    if category is DispositionCategory.MAIL_ONLY:
        return ResultOutcome.SENT_ONLY
    return ResultOutcome.DONE


def suggestion_of(session: CallSession) -> NotReachedReason | None:
    """The "not reached" an ended call suggests: none when it was answered."""
    if session.answered:
        return None
    return NotReachedReason.BUSY if session.end_code in BUSY_CODES else NotReachedReason.NO_ANSWER


class TaskDesk:
    """The task being worked, driven by the operator's intents and the workstation's notices."""

    def __init__(
        self,
        api: TaskApi,
        outbox: ResultOutbox,
        phone: Phone,
        *,
        clock: Clock = system_clock,
        dial_template: str = "{number}",
        renew_floor: float = MIN_RENEW_S,
    ) -> None:
        self._api = api
        self._outbox = outbox
        self._phone = phone
        self._clock = clock
        self.dial_template = dial_template
        """How a task's number becomes what the phone dials (``sip:{number}@pbx.example``)."""
        self._renew_floor = renew_floor
        self.view = DeskView()
        self._listeners: list[Callable[[DeskView], None]] = []
        self._renewing: asyncio.Task[None] | None = None
        self._held_results: set[int] = set()
        """Tasks whose result the local store refused for now (held in memory, written later)."""
        self._unsubscribe = [
            phone.hub.on(CallChanged, self._on_call),
            phone.hub.on(DispositionQueued, self._on_disposition),
        ]

    def subscribe(self, listener: Callable[[DeskView], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # ----- the operator's intents -------------------------------------------------------------

    async def take_next(self) -> TaskOut | None:
        """Claim the next task and preview it (the one in hand when a task is already being worked)."""
        if self.view.phase is not DeskPhase.IDLE:
            return self.view.task
        task = await self._claim()
        if task is None:
            return None
        self._show(DeskView(DeskPhase.PREVIEW, task, set_aside=self._call_on_desk()))
        self._renew_in_background()
        await self._look_up(task)
        return task

    async def _claim(self) -> TaskOut | None:
        """The server's next task, never one whose result this desk saved and is still sending.

        The server offers the task it holds for this operator first (a desktop restarted mid-task
        resumes it), and it holds a reported task until the outbox delivers the result: Next task
        pressed right after a disposition would offer the same client again, to be called twice. The
        result normally lands within milliseconds, so the claim is asked again meanwhile; past
        :data:`RESULT_WAITS_S` the operator is told the result is still on its way."""
        task = await self._api.next_task()
        for pause in RESULT_WAITS_S:
            if task is None or not self._result_unsent(task.id):
                break
            await asyncio.sleep(pause)
            task = await self._api.next_task()
        if task is None:
            self._show(DeskView(notice="none"))
            return None
        if self._result_unsent(task.id):
            self._show(DeskView(notice="sending"))
            return None
        return task

    async def _look_up(self, task: TaskOut) -> None:
        """The client for the preview, from the call card's own lookup (its cache when offline)."""
        try:
            contact = await self._phone.find_contact(task.phone)
        except Exception as exc:  # the card offers the number as an unknown caller, as a call's does
            log.warning("looking up the client of task %s failed: %s", task.id, exc)
            contact, failed = None, True
        else:
            failed = False
        if (
            self.view.phase is DeskPhase.PREVIEW
            and self.view.task is not None
            and self.view.task.id == task.id
        ):
            self._show(replace(self.view, contact=contact, looked_up=True, lookup_failed=failed))

    async def dial(self) -> str:
        """Call the previewed task's client through the softphone; returns the call's id."""
        task = self.view.task
        if self.view.phase is not DeskPhase.PREVIEW or task is None:
            raise Refused("no task is being previewed", code="task", key="task_not_previewed")
        if self.view.set_aside:
            raise Refused("a call is on the desk", code="task", key="task_set_aside")
        view = self.view
        known = KnownContact(view.contact) if view.looked_up and not view.lookup_failed else None
        target = self.dial_template.replace("{number}", task.phone)
        self._show(replace(view, dialling=True))
        try:
            call_id = await self._phone.dial(target, queue=task.queue, known=known)
        except BaseException:
            if self.view.phase is DeskPhase.PREVIEW and self.view.task is task:
                self._show(replace(self.view, dialling=False))
            raise
        if self.view.phase is DeskPhase.PREVIEW and self.view.call_id == "":
            self._show(replace(self.view, phase=DeskPhase.CALLING, call_id=call_id, set_aside=False))
        return call_id

    def not_reached(self) -> None:
        """Take the suggested "not reached": the disposition form's matching code (``busy``, else
        ``no_answer``, else the first code of that category), which reports the task."""
        view = self.view
        if view.phase is not DeskPhase.WRAP_UP or view.suggestion is None:
            raise Refused("the task's call was not left unanswered", code="task", key="task_not_unanswered")
        codes = [
            c for c in self._phone.catalogue.dispositions if c.category is DispositionCategory.NOT_REACHED
        ]
        if not codes:
            self._report(ResultIn(outcome=ResultOutcome.NOT_REACHED, reason=view.suggestion))
            return
        by_name = {c.code: c for c in codes}
        chosen = by_name.get(view.suggestion.value) or codes[0]
        self._phone.submit_disposition(view.call_id, chosen.code)

    async def release(self) -> None:
        """Give the previewed task up without a call: the preview ends now and the server is told
        (``POST /tasks/{id}/release``), so the task is offered again at once. When the server cannot be
        told (away, or the task is no longer ours), the lease runs out instead."""
        task = self.view.task
        if self.view.phase is not DeskPhase.PREVIEW or task is None:
            return
        self._cancel_renewing()
        self._show(DeskView(notice="released"))
        try:
            await self._api.release_task(task.id)
        except (RejectedError, TransientError, ApiError) as exc:
            log.info("giving task %s back failed (its lease runs out instead): %s", task.id, exc)

    async def close(self) -> None:
        """Stop renewing (the desktop stops): a task in hand is left to its lease."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        await self._stop_renewing()

    # ----- the workstation's notices ---------------------------------------------------------

    def _on_call(self, notice: CallChanged) -> None:
        session = notice.session
        view = self.view
        ours = session.number == self._target() or (
            view.dialling and not session.number and session.direction is Direction.OUTBOUND
        )
        if view.phase is DeskPhase.PREVIEW and view.call_id == "" and ours:
            view = replace(view, phase=DeskPhase.CALLING, call_id=session.call_id)  # its state came first
        if view.phase is DeskPhase.PREVIEW:
            if view.set_aside != self._call_on_desk():
                self._show(replace(view, set_aside=not view.set_aside))
            return
        if view.phase not in (DeskPhase.CALLING, DeskPhase.WRAP_UP) or session.call_id != view.call_id:
            return
        view = replace(view, record_id=session.record_id)
        if not session.phase.live and view.phase is DeskPhase.CALLING:
            view = replace(view, phase=DeskPhase.WRAP_UP, suggestion=suggestion_of(session))
        self._show(view)
        if session.phase is Phase.DONE and session.disposition is not None:
            self._on_disposition(DispositionQueued(session.disposition))

    def _on_disposition(self, notice: DispositionQueued) -> None:
        disposition = notice.disposition
        if self.view.phase not in (DeskPhase.CALLING, DeskPhase.WRAP_UP) or self.view.task is None:
            return
        if disposition.call_id != self.view.record_id:
            return
        self._report(self._result_of(disposition))

    def _result_of(self, disposition: DispositionIn) -> ResultIn:
        entry = next((c for c in self._phone.catalogue.dispositions if c.code == disposition.code), None)
        outcome = outcome_of(entry.category if entry is not None else None)
        reason = None
        if outcome is ResultOutcome.NOT_REACHED:
            known = {r.value: r for r in NotReachedReason}
            reason = known.get(disposition.code) or self.view.suggestion or NotReachedReason.NO_ANSWER
        comment = disposition.comment
        if disposition.callback_at is not None and outcome is ResultOutcome.DONE:
            comment = f"{comment} (callback {disposition.callback_at.isoformat()})".strip()
        return ResultIn(outcome=outcome, reason=reason, comment=comment[:2000], call_id=disposition.call_id)

    # ----- internals ---------------------------------------------------------------------------

    def _report(self, result: ResultIn) -> None:
        task = self.view.task
        assert task is not None

        # Durable now (the pump sends it exactly once); a store that refuses holds it in memory and
        # writes it when it works again, like the workstation's own records (``HeldWrites``).
        def write() -> Saved:
            saved = self._outbox.add_task_result(task.id, result)
            self._held_results.discard(task.id)
            return saved

        if not self._phone.write_held(f"the result of task {task.id}", write, key=f"task-result:{task.id}"):
            self._held_results.add(task.id)
        self._show(DeskView(notice="reported", task=None, result=result))
        self._cancel_renewing()

    def _result_unsent(self, task_id: int) -> bool:
        """Whether this desk has a result of the task the server does not have yet."""
        return task_id in self._held_results or self._outbox.task_result_pending(task_id)

    def _call_on_desk(self) -> bool:
        """Whether any call is open (ringing, on, in after-call work): its card wins over a preview."""
        return any(s.phase is not Phase.DONE for s in self._phone.calls.values())

    def _target(self) -> str:
        task = self.view.task
        return "" if task is None else self.dial_template.replace("{number}", task.phone)

    @property
    def dial_target(self) -> str:
        """What dialling the task in hand calls (its call is the one that takes the preview's card)."""
        return self._target()

    def _show(self, view: DeskView) -> None:
        self.view = view
        for listener in list(self._listeners):
            try:
                listener(view)
            except Exception:
                log.exception("a task desk listener failed")

    def _renew_in_background(self) -> None:
        self._cancel_renewing()
        task = self.view.task
        assert task is not None
        self._renewing = asyncio.get_running_loop().create_task(self._renew(task), name="task-lease")

    def _cancel_renewing(self) -> None:
        if self._renewing is not None and self._renewing is not asyncio.current_task():
            self._renewing.cancel()
        self._renewing = None

    async def _stop_renewing(self) -> None:
        renewing, self._renewing = self._renewing, None
        if renewing is not None:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _renew(self, task: TaskOut) -> None:
        """Renew every third of the lease while the task is in hand; a 409 means it was lost."""
        held = task
        while self.view.task is not None and self.view.task.id == task.id:
            await asyncio.sleep(self._interval(held))
            if self.view.task is None or self.view.task.id != task.id:
                return
            try:
                held = await self._api.renew_task(task.id)
            except RejectedError as exc:
                if exc.status in (404, 409):
                    log.warning("task %s is no longer ours: %s", task.id, exc)
                    if self.view.phase is DeskPhase.PREVIEW:
                        self._renewing = None
                        self._show(DeskView(notice="lost"))
                    return
            except (TransientError, ApiError) as exc:
                log.info("renewing task %s failed for now: %s", task.id, exc)

    def _interval(self, task: TaskOut) -> float:
        if task.lease_until is None:
            return 60.0
        left = (task.lease_until - self._clock()).total_seconds()
        return max(self._renew_floor, left / 3)


__all__ = ["DeskPhase", "DeskView", "TaskDesk", "outcome_of", "suggestion_of"]
