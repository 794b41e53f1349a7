"""The workstation: phone events and the operator's intents in, notices and server records out.

It owns the call sessions (:class:`app.session.Calls`) and the status machine, and is the only place
where the two meet: after every input it works out the operator's activity from the calls, lets the
status machine report what changed, sends finished dispositions and status changes to the outbox,
and publishes what moved on the :class:`Hub`. No Qt: the UI subscribes to the hub and calls the
intent methods (the ``async`` ones send phone commands and return when the phone has answered).

An intent that does not fit raises :class:`app.refused.Refused` (nothing was sent); a command the
phone refuses raises it too (``code="phone"``) after the session forgot what was pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.clock import Clock, from_epoch, system_clock
from app.refused import Refused
from app.session.call import CallSession
from app.session.calls import Calls
from app.session.phase import Phase
from app.status.choice import Reasons
from app.status.machine import StatusMachine
from app.status.view import Activity, StatusView
from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony.supervisor import ServiceUnavailable, TelephonyService
from app.wire.contacts import ContactOut
from app.wire.crm import CrmContactOut
from app.wire.dispositions import Catalogue, DispositionCode
from app.wire.scripts import AnswerValue, ScriptRef
from app.wire.statuses import StatusChangeIn, StatusSource
from app.workstation.config import WorkstationConfig
from app.workstation.headset import HeadsetIntents
from app.workstation.held import RETRY_S, HeldWrites
from app.workstation.hub import Hub
from app.workstation.keeping import STORE_RETRY_S, DispositionKeeper
from app.workstation.notices import (
    CallChanged,
    ContactLookedUp,
    DispositionQueued,
    MuteChanged,
    Problem,
    StatusChanged,
)
from app.workstation.ports import ContactLookup, KnownContact, Outbox, PhoneCommands
from app.workstation.recordings import CallRecordings
from app.workstation.status_intents import StatusIntents

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkstationState:
    """Everything a window needs to draw itself from scratch."""

    calls: tuple[CallSession, ...]
    status: StatusView
    muted: bool


class Workstation(HeadsetIntents, StatusIntents):
    """The operator's desk: calls, status and the records they produce (the call intents are
    :class:`~app.workstation.call_intents.CallIntents`, the headset's buttons
    :class:`~app.workstation.headset.HeadsetIntents`, the status
    :class:`~app.workstation.status_intents.StatusIntents`)."""

    def __init__(
        self,
        config: WorkstationConfig,
        *,
        phone: PhoneCommands,
        outbox: Outbox,
        catalogue: Catalogue,
        contacts: ContactLookup | None = None,
        clock: Clock = system_clock,
        hub: Hub | None = None,
        registered: bool = False,
    ) -> None:
        self.config = config
        self.hub = hub or Hub()
        self._phone = phone
        self._outbox = outbox
        self._contacts = contacts
        self._clock = clock
        self._catalogue = catalogue
        self._calls = Calls(config.operator, config.acw, queue_header=config.queue_header)
        self._status = StatusMachine(
            config.operator, Reasons(catalogue.reasons), clock(), policy=config.status, registered=registered
        )
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Future[None]] = set()
        self._last_view: StatusView | None = None
        self._last_muted = False
        self._held = HeldWrites(self.hub)
        self._keeper = DispositionKeeper(outbox, self.hub, self._held)
        self.recordings: CallRecordings | None = None
        """Call recording (``app.workstation.recordings``), set by the composition root when it has a
        place for the files; without it no call is recorded."""

    # ----- reading -----------------------------------------------------------------------------

    @property
    def calls(self) -> Mapping[str, CallSession]:
        return self._calls.sessions

    @property
    def status(self) -> StatusView:
        return self._status.view()

    @property
    def catalogue(self) -> Catalogue:
        """The disposition codes and not-ready reasons in force (:meth:`update_catalogue`)."""
        return self._catalogue

    def unsaved(self) -> list[str]:
        """What the local store has not taken yet (held in memory, tried again): named in the log
        when the desktop stops, so nothing is dropped silently."""
        return [*self._held.describe(), *self._keeper.describe()]

    def write_held(self, what: str, write: Callable[[], object], *, key: str | None = None) -> bool:
        """Write something else of the operator's to the local store (a form's draft) the way the
        workstation writes its own records: held in memory and retried while the store refuses
        (:class:`HeldWrites`); whether it is written now."""
        written = self._held.write(what, write, key=key)
        self._schedule()
        return written

    @property
    def muted(self) -> bool:
        return self._calls.muted

    def state(self) -> WorkstationState:
        return WorkstationState(tuple(self._calls.sessions.values()), self.status, self._calls.muted)

    # ----- the phone ---------------------------------------------------------------------------

    def on_phone_event(self, event: ev.Event) -> None:
        """Feed one telephony event (``TelephonyService(on_event=...)``)."""
        if isinstance(event, ev.HeadsetPressed):
            self.on_headset_press(event)
            return
        if isinstance(event, ev.HeadsetsChanged):
            self.on_headsets(event)
            return
        if isinstance(event, ev.AudioRouteChanged):
            self.on_audio_route(event)
            return
        at = from_epoch(event.at)
        try:
            self._calls.on_event(event, at)
        except Refused as exc:
            log.warning("%s", exc.reason)
            self.hub.publish(Problem(exc.reason, where="phone", refusal=exc))
        if isinstance(event, ev.IncomingCall):
            self._look_up(event.call_id, event.number)
        if self.recordings is not None:
            self.recordings.on_phone_event(event, self._calls.sessions)
        self._settle(at)

    def on_routable(self, routable: bool) -> None:
        """The phone became routable or not (``TelephonyService(on_routable=...)``)."""
        self._report(self._status.set_registered(routable, self._clock()))

    def restore_acw(self, sessions: list[CallSession]) -> None:
        """Reopen the after-call work of calls saved before the desktop stopped (a crash, a power
        cut): each comes back in ACW with its timestamps, script answers and contact, so the operator
        finishes the same form and the disposition still carries the real times."""
        for session in sessions:
            try:
                self._calls.restore(session)
            except Refused as exc:
                self.hub.publish(Problem(exc.reason, where="restore", refusal=exc))
        self._settle(self._clock())

    # ----- what the operator attaches to a call ------------------------------------------------

    def attach_contact(self, call_id: str, contact_id: int | None) -> None:
        self._calls.update(call_id, lambda s: s.with_contact(contact_id))
        self._settle(self._clock())

    def set_queue(self, call_id: str, queue: str | None) -> None:
        self._calls.update(call_id, lambda s: s.with_queue(queue))
        self._settle(self._clock())

    def set_script(
        self,
        call_id: str,
        script: ScriptRef | None,
        answers: Mapping[str, AnswerValue],
        suggested_code: str | None = None,
    ) -> None:
        """The script followed and the answers so far (the scripts engine calls this as answers come)."""
        self._calls.update(call_id, lambda s: s.with_script(script, answers, suggested_code))
        self._settle(self._clock())

    # ----- after-call work ---------------------------------------------------------------------

    def submit_disposition(
        self, call_id: str, code: str, *, comment: str = "", callback_at: datetime | None = None
    ) -> None:
        """The operator's disposition; ends ACW (or waits for its timer when there is no early exit).
        It is stored in the outbox before anything says the call is done: when the local store
        fails, the call stays in after-call work, :class:`DispositionNotSaved` says why and this
        raises ``Refused(code="store")``; submitting again retries."""
        session = self._calls.get(call_id)
        now = self._clock()
        entry = self._code(code, session)
        try:
            self._keeper.finish(
                call_id,
                lambda: self._calls.submit(
                    call_id, entry, now, comment=comment, callback_at=callback_at, keep=self._keeper.keep
                ),
            )
        finally:
            self._schedule()
        self._settle(now, source=StatusSource.OPERATOR)

    def leave_acw(self, call_id: str) -> None:
        """Leave ACW without a code (optional ACW only)."""
        now = self._clock()
        try:
            self._keeper.finish(call_id, lambda: self._calls.leave_acw(call_id, now, keep=self._keeper.keep))
        finally:
            self._schedule()
        self._settle(now, source=StatusSource.OPERATOR)

    def tick(self) -> None:
        """Let ACW timers that have run out end (called by the workstation's own timer, or by tests)."""
        self._settle(self._clock(), source=StatusSource.SYSTEM)

    # ----- internals ---------------------------------------------------------------------------

    def _pick(self, call_id: str | None, what: str, *phases: Phase) -> str:
        """The call an intent is for: the one named, or the only call in one of ``phases``."""
        if call_id is not None:
            return call_id
        candidates = [s.call_id for s in self._calls.sessions.values() if s.phase in phases]
        if not candidates:
            raise Refused(f"there is no call to {what}", code="no_call", key="no_call", what=what)
        if len(candidates) > 1:
            raise Refused(
                f"several calls could be meant: say which one to {what}",
                code="ambiguous",
                key="ambiguous",
                what=what,
            )
        return candidates[0]

    def _code(self, code: str, session: CallSession) -> DispositionCode:
        matches = [c for c in self._catalogue.dispositions if c.code == code]
        entry = next((c for c in matches if c.queue == session.queue), None) or next(
            (c for c in matches if c.queue is None), None
        )
        if entry is None:
            raise Refused(
                f"{code!r} is not in the disposition catalogue for this call",
                code="disposition",
                key="disposition_unknown",
                disposition=code,
            )
        return entry

    async def _dial(
        self, commands: list[cmd.Command], target: str, consult_for: str, known: KnownContact | None = None
    ) -> str:
        results = await self._send(commands)
        call_id = results[-1].call_id
        self._calls.dialed(call_id, target, self._clock(), consult_for=consult_for)
        if known is not None:  # looked up already (a task's preview): the same contact, no second lookup
            if known.contact is not None:
                contact_id = known.contact.id
                self._calls.update(call_id, lambda s: s.with_contact(contact_id))
        elif self.config.lookup_outbound and not consult_for:
            self._look_up(call_id, target)
        self._settle(self._clock())
        if known is not None:
            self.hub.publish(ContactLookedUp(call_id, target, known.contact))
        return call_id

    async def find_contact(self, number: str) -> ContactOut | None:
        """The contact behind ``number`` from the lookup the call card uses (a task's preview reads
        it before anything is dialled); ``None``: unknown, or no lookup configured."""
        found = None if self._contacts is None else await self._contacts.lookup(number)
        return found if isinstance(found, ContactOut) else None  # a preview shows ringdesk's contacts

    async def _send(self, commands: list[cmd.Command]) -> list[ev.CommandResult]:
        """Send in order, stopping at the first refusal (answering after a failed hold would mix calls)."""
        self._settle(self._clock())  # intents may have marked sessions pending
        results: list[ev.CommandResult] = []
        for command in commands:
            try:
                result = await self._phone.send(command)
            except (ServiceUnavailable, TimeoutError) as exc:
                result = ev.CommandResult(ref="", ok=False, error=str(exc) or "no answer from the phone")
            if not result.ok:
                self._calls.command_failed(getattr(command, "call_id", ""))
                self._settle(self._clock())
                message = f"the phone refused {command.type}: {result.error}"
                refused = Refused(message, code="phone", key="phone_refused", command=command.type)
                self.hub.publish(Problem(message, where="phone", refusal=refused))
                raise refused
            results.append(result)
        return results

    def _look_up(self, call_id: str, number: str) -> None:
        if self._contacts is None or not number:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to look up with
            task = asyncio.get_running_loop().create_task(self._lookup(self._contacts, call_id, number))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _lookup(self, contacts: ContactLookup, call_id: str, number: str) -> None:
        try:
            found = await contacts.lookup(number)
        except Exception as exc:
            log.warning("contact lookup for %s failed: %s", number, exc)
            self.hub.publish(ContactLookedUp(call_id, number, None, error=str(exc) or type(exc).__name__))
            return
        if isinstance(found, CrmContactOut):  # not in ringdesk: the CRM's data, for the card to show
            self.hub.publish(ContactLookedUp(call_id, number, None, crm=found))
            return
        contact = found
        self.hub.publish(ContactLookedUp(call_id, number, contact))
        session = self._calls.sessions.get(call_id)
        if contact is not None and session is not None and session.contact_id is None:
            self._calls.update(call_id, lambda s: s.with_contact(contact.id))
            self._settle(self._clock())

    def _settle(self, at: datetime, *, source: StatusSource = StatusSource.SYSTEM) -> None:
        """After any input: ACW timers, publish what moved, queue dispositions, follow with the status.
        Dispositions are durable before the sessions that carry them are published as done."""
        self._held.retry()
        self._keeper.timers_failed(self._calls.tick(self._clock(), keep=self._keeper.keep))
        self._keeper.retry()
        for session in self._calls.drain():
            disposition = session.disposition if session.phase is Phase.DONE else None
            if disposition is not None and not self._keeper.stored(disposition):
                disposition = None  # said, and tried again until it is stored
            self.hub.publish(CallChanged(session))
            if disposition is not None:
                self.hub.publish(DispositionQueued(disposition))
        if self._calls.engaged:
            activity = Activity.ON_CALL
        else:
            activity = Activity.ACW if self._calls.in_acw else Activity.IDLE
        self._report(self._status.set_activity(activity, at, source=source))
        if self._calls.muted != self._last_muted:
            self._last_muted = self._calls.muted
            self.hub.publish(MuteChanged(self._last_muted))
        self._schedule()

    def _report(self, changes: list[StatusChangeIn]) -> None:
        view = self._status.view()
        for change in changes:
            self._held.write(f"the status change {change.model_dump_json()}", self._putter(change))
            self.hub.publish(StatusChanged(view, change))
        if not changes and view != self._last_view:
            self.hub.publish(StatusChanged(view))
        self._last_view = view

    def _putter(self, change: StatusChangeIn) -> Callable[[], None]:
        return lambda: self._outbox.put_status(change)

    def _schedule(self) -> None:
        """Wake up when the next ACW timer runs out."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self._calls.next_deadline()
        if self._keeper.failing or self._held.holding:
            retry = self._clock() + timedelta(seconds=min(STORE_RETRY_S, RETRY_S))
            deadline = retry if deadline is None else min(deadline, retry)
        if deadline is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # driven by hand (tests call tick())
        delay = max((deadline - self._clock()).total_seconds(), 0.0)
        self._timer = loop.call_later(delay + 0.001, self.tick)


def connect_phone(workstation: Workstation, service: TelephonyService) -> None:
    """Route a :class:`TelephonyService`'s callbacks into the workstation (they are plain attributes,
    so the service can be built before the workstation that sends through it)."""
    service.on_event = workstation.on_phone_event
    service.on_routable = workstation.on_routable
    workstation.on_routable(service.routable)
