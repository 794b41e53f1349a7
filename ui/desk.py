"""The presenter between the Qt-free workstation and the window: notices in, widget slots out; widget
intents in, workstation intents out.

Data flows one way (phone -> core -> here -> widgets; widget -> here -> core -> phone/server); this
module only translates between the core's values (:class:`CallSession`, :class:`StatusView`) and the
widgets' small view values, and shows the core's refusals as plain text. Everything that talks to the
server or reads the script comes in through :class:`DeskServices`, so the same presenter drives the
real workstation, the demo and the tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QStatusBar

from app.refused import Refused
from app.session import pick
from app.session.acw import AcwMode, AcwPolicy
from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.status.choice import Choice
from app.status.view import StatusView as CoreStatusView
from app.wire.statuses import OperatorStatus
from app.workstation import Workstation
from app.workstation.notices import (
    AudioRouted,
    CallChanged,
    CatalogueChanged,
    ContactLookedUp,
    DispositionNotSaved,
    DispositionQueued,
    HeadsetChanged,
    MuteChanged,
    Notice,
    Problem,
    RecordingNotice,
    StatusChanged,
    StatusRefused,
)
from app.workstation.playback import RecordingPlayer
from ui.acw_notice import TimeoutNotice
from ui.audio_route import AudioRouteIndicator
from ui.call_controls import CallView, WaitingCall
from ui.card.binding import CardBinding
from ui.card.player import PlayerBinding
from ui.desk_ports import DeskServices, EditConflict, ScriptHost
from ui.dial_pad import DialHistoryEntry
from ui.disposition_form import AcwView, DispositionChoice, DispositionRequest
from ui.headset_status import HeadsetIndicator
from ui.main_window import MainWindow
from ui.recording_bar import RecordingBinding
from ui.refusals import error_text, refusal_text
from ui.ringing_panel import RingingCall
from ui.status_menu import StatusChoice, status_text
from ui.status_menu import StatusView as BarStatusView

log = logging.getLogger(__name__)


class Desk(QObject):
    """Binds one :class:`Workstation` to one :class:`MainWindow`."""

    def __init__(
        self,
        window: MainWindow,
        workstation: Workstation,
        services: DeskServices,
        *,
        scripts: ScriptHost | None = None,
        acw: AcwPolicy | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workstation = workstation
        self.services = services
        self.scripts: ScriptHost | None = scripts
        self.acw = acw or workstation.config.acw
        self.status_listeners: list[Callable[[BarStatusView], None]] = []
        """Others that show the status too (the tray)."""
        self.status_line = QStatusBar()
        window.setStatusBar(self.status_line)
        self.headset = HeadsetIndicator()
        """The headset whose call buttons are in use, or that it was unplugged (issue 17)."""
        self.status_line.addPermanentWidget(self.headset)
        self.audio_route = AudioRouteIndicator()
        """Where the call's sound goes while the headset is unplugged, and that it is back (issue 17)."""
        self.status_line.addPermanentWidget(self.audio_route)
        if workstation.headsets is not None:  # the service spoke before this window was made
            h = workstation.headsets
            self.headset.show_headset(HeadsetChanged(h.devices, h.active, h.lost))
        self.card = CardBinding(
            window.card,
            workstation,
            services,
            self._run,
            say=lambda text: self.status_line.showMessage(text, 10000),
            clock=window.card.clock,
        )
        """The card's binding to one call (which call, whose contact, where its edits go)."""
        self.form_call: str | None = None
        """The call whose disposition form is open (after-call work shows one form at a time)."""
        self.recent: list[DialHistoryEntry] = []
        """The dial pad's history: the last calls, newest first (earlier sessions' from the call log)."""
        self.timeout_notice = TimeoutNotice(services.catalogue, self.status_line.showMessage)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unsubscribe = workstation.hub.subscribe(self._on_notice)
        self._connect_intents()
        window.status.show_reasons(list(services.catalogue().reasons))
        self._show_status(workstation.status)
        self._render_calls()

    def show_earlier_calls(self, entries: list[DialHistoryEntry]) -> None:
        """Start the dial pad's history with the calls of earlier sessions (the local call log)."""
        self.recent = [*self.recent, *entries][:50]
        self.window.dial_pad.show_history(list(self.recent))

    # ----- intents: widget -> core ------------------------------------------------------------

    def _connect_intents(self) -> None:
        w, ws = self.window, self.workstation
        w.ringing.answer_requested.connect(lambda: self._run(ws.answer(self._ringing_id())))
        w.ringing.reject_requested.connect(lambda: self._run(ws.reject(self._ringing_id())))
        w.controls.hang_up_requested.connect(lambda: self._run(ws.hangup(self._current_id())))
        w.controls.hold_toggle_requested.connect(self._toggle_hold)
        w.controls.mute_toggle_requested.connect(lambda: self._run(ws.mute(not ws.state().muted)))
        w.controls.swap_requested.connect(self._swap)
        w.controls.dtmf_requested.connect(lambda digits: self._run(ws.send_dtmf(digits, self._current_id())))
        w.controls.transfer_requested.connect(self._transfer)
        w.controls.transfer_complete_requested.connect(self._complete_transfer)
        w.controls.transfer_cancel_requested.connect(self._cancel_transfer)
        w.controls.answer_waiting_requested.connect(lambda: self._run(ws.answer(self._ringing_id())))
        self.recording = RecordingBinding(w.recording, ws, self._run, self._current_id)
        self.player = PlayerBinding(w.card, self._player, self._run)
        w.dial_pad.dial_requested.connect(lambda number: self._run(ws.dial(number)))
        w.disposition.submit_requested.connect(self._submit)
        w.disposition.skip_requested.connect(self._skip)
        w.status.status_requested.connect(self._status_now)
        w.status.next_status_requested.connect(self._status_next)

    def _controlled(self) -> tuple[CallSession | None, list[CallSession]]:
        """The call the controls show (the one talked on, else the first held) and the others."""
        engaged = [s for s in self.workstation.calls.values() if s.phase.engaged and not s.consult_for]
        current = next((s for s in engaged if s.phase is not Phase.HELD), engaged[0] if engaged else None)
        return current, [s for s in engaged if s is not current]

    def _toggle_hold(self) -> None:
        """Hold or resume as the core has the call now (never from a button's state)."""
        current, _ = self._controlled()
        if current is not None:
            ws = self.workstation
            held = current.phase is Phase.HELD
            self._run(ws.resume(current.call_id) if held else ws.hold(current.call_id))

    def _swap(self) -> None:
        _, others = self._controlled()
        held = next((s for s in others if s.phase is Phase.HELD), None)
        if held is not None:
            self._run(self.workstation.resume(held.call_id))

    def _transfer(self, target: str, attended: bool) -> None:
        ws = self.workstation
        self._run(ws.consult(target, self._current_id()) if attended else ws.blind_transfer(target))

    def _complete_transfer(self) -> None:
        customer = pick.consulted_customer(self.workstation.calls.values())
        if customer is not None:
            self._run(self.workstation.complete_transfer(customer))

    def _cancel_transfer(self) -> None:
        consult = next((s for s in self.workstation.calls.values() if s.consult_for and s.phase.live), None)
        if consult is not None:
            self._run(self.workstation.hangup(consult.call_id))

    def _submit(self, choice: DispositionChoice) -> None:
        call_id = self._acw_id()
        if call_id is None:
            return
        self._guard(
            lambda: self.workstation.submit_disposition(
                call_id, choice.code, comment=choice.comment, callback_at=choice.callback_at
            )
        )

    def _skip(self) -> None:
        call_id = self._acw_id()
        if call_id is not None:
            self._guard(lambda: self.workstation.leave_acw(call_id))

    def _status_now(self, choice: StatusChoice) -> None:
        core = self._choice(choice)
        view = self.workstation.status
        if core.status is OperatorStatus.OFFLINE:
            self._guard(self.workstation.end_shift)
        elif view.status is OperatorStatus.OFFLINE:
            self._guard(self.workstation.start_shift)
            if core != Choice.shift_start():
                self._guard(lambda: self.workstation.set_status(core), core)
        else:
            self._guard(lambda: self.workstation.set_status(core), core)

    def _status_next(self, choice: StatusChoice | None) -> None:
        core = self._choice(choice) if choice else None
        self._guard(lambda: self.workstation.choose_next(core), core)

    def _ask_for_break(self, choice: Choice) -> None:
        """A reason that needs a team lead's approval: ask for it instead of refusing."""

        async def ask() -> None:
            await self.services.request_break(choice)
            message = QCoreApplication.translate("Desk", "Break requested: waiting for your team lead")
            self.status_line.showMessage(message, 15000)

        self._run(ask())

    # ----- notices: core -> widgets -----------------------------------------------------------

    def _on_notice(self, notice: Notice) -> None:
        if isinstance(notice, CallChanged):
            self._on_call(notice.session)
        elif isinstance(notice, StatusChanged):
            self._show_status(notice.view)
            self.timeout_notice.status(notice.view)
        elif isinstance(notice, ContactLookedUp):
            self._on_lookup(notice)
        elif isinstance(notice, MuteChanged | RecordingNotice):
            self._render_calls()
        elif isinstance(notice, DispositionQueued):
            if not self.timeout_notice.queued():
                self.status_line.showMessage(QCoreApplication.translate("Desk", "Call result saved"), 5000)
        elif isinstance(notice, Problem):
            text = refusal_text(notice.refusal) if notice.refusal is not None else notice.message
            self.status_line.showMessage(text, 10000)
        elif isinstance(notice, HeadsetChanged):
            self.headset.show_headset(notice)
        elif isinstance(notice, AudioRouted):
            self.audio_route.show_route(notice)
        elif isinstance(notice, StatusRefused | CatalogueChanged | DispositionNotSaved):
            self._on_server_truth(notice)

    def _on_server_truth(self, notice: StatusRefused | CatalogueChanged | DispositionNotSaved) -> None:
        """Issue 13: what the server refused, a new catalogue, a disposition the disk would not keep."""
        if isinstance(notice, StatusRefused):
            refused = notice.change
            reasons = {r.code: r for r in self.services.catalogue().reasons}
            shown = status_text(refused.status, reasons.get(refused.reason or ""))
            message = QCoreApplication.translate("Desk", "The server refused the status %1 because: %2")
            self.status_line.showMessage(message.replace("%1", shown).replace("%2", notice.reason), 30000)
            self._show_status(notice.view)
        elif isinstance(notice, CatalogueChanged):
            self.window.status.show_reasons(list(notice.catalogue.reasons))
            self._show_status(self.workstation.status)
        else:
            message = QCoreApplication.translate("Desk", "The call result is not saved: %1. Try again.")
            self.window.disposition.show_problem(message.replace("%1", notice.message))

    def _on_call(self, session: CallSession) -> None:
        if session.phase is Phase.RINGING and session.call_id not in self.card.calls:
            self.window.bring_forward()
        if session.phase is Phase.DONE:
            self.timeout_notice.call_done(session)
        if session.phase is Phase.DONE and not session.consult_for and session.number:
            name = self._name(session)
            outgoing = session.direction is Direction.OUTBOUND
            entry = DialHistoryEntry(session.number, session.ring_at, name, outgoing, session.record_id)
            self.recent = [entry, *(e for e in self.recent if e.call_id != entry.call_id)][:50]
            self.window.dial_pad.show_history(list(self.recent))
        self.card.on_call(session)
        self._open_script(session)
        self._render_calls()

    def _open_script(self, session: CallSession) -> None:
        if self.scripts is not None:
            call_id = session.call_id
            self.scripts.follow(
                session, self.card.contact(call_id), settled=not self.card.looking_up(call_id)
            )

    def _on_lookup(self, notice: ContactLookedUp) -> None:
        self.card.on_lookup(notice)
        if self.scripts is not None:
            self.scripts.contact_known(notice.call_id, self.card.contact(notice.call_id))
        self._render_calls()

    def _render_calls(self) -> None:
        """Ringing panel, call controls and the disposition form from the sessions as they are now."""
        sessions = list(self.workstation.calls.values())
        ringing = [s for s in sessions if s.phase is Phase.RINGING]
        engaged = [s for s in sessions if s.phase.engaged and not s.consult_for]
        consulting = [s for s in sessions if s.phase.engaged and s.consult_for]
        acw = [s for s in sessions if s.phase is Phase.ACW]
        w = self.window
        if ringing and not engaged:
            offered = ringing[0]
            w.ringing.show_ringing(RingingCall(offered.number, self._name(offered), offered.queue))
        else:
            w.ringing.show_idle()
        if engaged:
            current = next((s for s in engaged if s.phase is not Phase.HELD), engaged[0])
            waiting = ringing[0] if ringing else None
            w.controls.show_call(
                CallView(
                    number=current.number,
                    answered_at=current.answer_at or current.ring_at,
                    name=self._name(current),
                    held=current.phase is Phase.HELD,
                    muted=self.workstation.state().muted,
                    consulting=consulting[0].number if consulting else None,
                    waiting=WaitingCall(waiting.number, self._name(waiting)) if waiting else None,
                    swappable=any(s.phase is Phase.HELD and s is not current for s in engaged),
                )
            )
        else:
            w.controls.show_no_call()
        self.recording.show(self._current_id() if engaged else None)
        if acw and not engaged:
            self._open_disposition(self._form_session(acw))
        elif not acw:
            w.disposition.show_closed()

    def _open_disposition(self, session: CallSession) -> None:
        form = self.window.disposition
        if self.form_call == session.call_id and form.isVisible():
            form.show_caller(self._caller(session))  # the lookup may answer after the form opened
            return
        self.form_call = session.call_id
        catalogue = self.services.catalogue()
        stamped = {self.acw.timeout_code, self.acw.skipped_code, self.acw.missed_code}
        codes = [
            c for c in catalogue.dispositions if c.queue in (None, session.queue) and c.code not in stamped
        ]
        started = session.end_at or session.ring_at
        limit = session.acw_deadline - started if session.acw_deadline else None
        contact = self.card.contact(session.call_id)
        zone = contact.time_zone if contact else None
        form.show_form(
            DispositionRequest(
                codes=codes,
                acw=AcwView(started, limit, can_skip=self.acw.mode is AcwMode.OPTIONAL),
                suggested=session.suggested_code,
                time_zone=zone,
                caller=self._caller(session),
                direction=session.direction,
            )
        )

    def _show_status(self, view: CoreStatusView) -> None:
        reasons = {r.code: r for r in self.services.catalogue().reasons}
        bar = BarStatusView(
            status=view.status,
            since=view.since,
            reason=reasons.get(view.reason) if view.reason else None,
            next=self._bar_choice(view.forced or view.next),
            registered=view.registered,
        )
        self.window.status.show_status(bar)
        for listener in self.status_listeners:
            listener(bar)

    # ----- helpers ------------------------------------------------------------------------------

    def _name(self, session: CallSession) -> str | None:
        return self.card.name(session)

    def _caller(self, session: CallSession) -> str:
        """Whose call: the name (CRM, else SIP display name) and the number, as the form shows it."""
        name = self._name(session)
        return f"{name}  {session.number}" if name and session.number else name or session.number

    def _ringing_id(self) -> str | None:
        return pick.ringing(self.workstation.calls.values())

    def _player(self) -> RecordingPlayer | None:
        return self.workstation.recordings.player if self.workstation.recordings is not None else None

    def _current_id(self) -> str | None:
        return pick.heard(self.workstation.calls.values())

    def _acw_id(self) -> str | None:
        """The call the open disposition form is for (else the first in after-call work)."""
        calls = self.workstation.calls
        if self.form_call is not None and (form := calls.get(self.form_call)) and form.phase is Phase.ACW:
            return self.form_call
        return pick.in_acw(calls.values())

    def _form_session(self, acw: list[CallSession]) -> CallSession:
        """Which call's disposition the form takes: the one it is open for until that is done, else
        the call on the card when it is in after-call work, so form and card name the same caller."""
        if self.window.disposition.isVisible():
            current = next((s for s in acw if s.call_id == self.form_call), None)
            if current is not None:
                return current
        return next((s for s in acw if s.call_id == self.card.shown), acw[0])

    @staticmethod
    def _choice(choice: StatusChoice) -> Choice:
        return Choice(choice.status, choice.reason)

    @staticmethod
    def _bar_choice(choice: Choice | None) -> StatusChoice | None:
        return StatusChoice(choice.status, choice.reason) if choice else None

    def _guard(self, intent: Callable[[], object], asked: Choice | None = None) -> None:
        """Run a synchronous intent; a refusal is shown, not raised into Qt (a break that needs
        approval becomes a request to the team lead)."""
        try:
            intent()
        except Refused as refused:
            if refused.code == "approval" and asked is not None:
                self._ask_for_break(asked)
                return
            self.status_line.showMessage(refusal_text(refused), 10000)

    def _run(
        self, intent: Coroutine[Any, Any, Any] | Awaitable[Any], on_error: Callable[[str], None] | None = None
    ) -> None:
        """Start an async intent on the loop; refusals and failures end up on screen."""

        async def guarded() -> None:
            try:
                await intent
            except Refused as refused:
                self.status_line.showMessage(refusal_text(refused), 10000)
            except Exception as exc:  # a server or phone failure must not vanish into the loop
                log.warning("intent failed: %s", exc, exc_info=True)
                message = error_text(exc)
                if on_error is not None:
                    on_error(message)
                else:
                    self.status_line.showMessage(message, 10000)

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        self._unsubscribe()
        for task in self._tasks:
            with contextlib.suppress(Exception):
                task.cancel()


__all__ = ["Desk", "DeskServices", "EditConflict", "ScriptHost"]
