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
from dataclasses import dataclass
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
from app.wire.contacts import ContactIn, ContactOut
from app.wire.statuses import OperatorStatus
from app.workstation import Workstation
from app.workstation.notices import (
    CallChanged,
    ContactLookedUp,
    DispositionQueued,
    Notice,
    Problem,
    StatusChanged,
)
from ui.call_controls import CallView, WaitingCall
from ui.card.call_card import CardData, ContactEdit
from ui.desk_ports import DeskServices, EditConflict, ScriptHost
from ui.dial_pad import DialHistoryEntry
from ui.disposition_form import AcwView, DispositionChoice, DispositionRequest
from ui.main_window import MainWindow
from ui.refusals import error_text, refusal_text
from ui.ringing_panel import RingingCall
from ui.status_menu import StatusChoice
from ui.status_menu import StatusView as BarStatusView

log = logging.getLogger(__name__)


@dataclass
class _CallCard:
    """What the presenter remembers about the card of one call."""

    number: str
    contact: ContactOut | None = None
    looked_up: bool = False
    script_opened: bool = False


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
        self._cards: dict[str, _CallCard] = {}
        self.form_call: str | None = None
        """The call whose disposition form is open (after-call work shows one form at a time)."""
        self.recent: list[DialHistoryEntry] = []
        """The dial pad's history: the last calls, newest first (earlier sessions' from the call log)."""
        self._shown_call: str | None = None
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
        w.controls.hold_requested.connect(self._hold)
        w.controls.mute_requested.connect(lambda muted: self._run(ws.mute(bool(muted))))
        w.controls.dtmf_requested.connect(lambda digits: self._run(ws.send_dtmf(digits, self._current_id())))
        w.controls.transfer_requested.connect(self._transfer)
        w.controls.transfer_complete_requested.connect(self._complete_transfer)
        w.controls.transfer_cancel_requested.connect(self._cancel_transfer)
        w.controls.answer_waiting_requested.connect(lambda: self._run(ws.answer(self._ringing_id())))
        w.dial_pad.dial_requested.connect(lambda number: self._run(ws.dial(number)))
        w.disposition.submit_requested.connect(self._submit)
        w.disposition.skip_requested.connect(self._skip)
        w.status.status_requested.connect(self._status_now)
        w.status.next_status_requested.connect(self._status_next)
        w.card.save_requested.connect(self._save_contact)
        w.card.create_requested.connect(self._create_contact)

    def _hold(self, held: bool) -> None:
        call_id = self._current_id()
        self._run(self.workstation.hold(call_id) if held else self.workstation.resume(call_id))

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

    def _save_contact(self, edit: ContactEdit) -> None:
        async def save() -> None:
            try:
                saved = await self.services.save_contact(edit)
            except EditConflict as conflict:
                self.window.card.show_conflict(conflict.current)
                return
            self._remember_contact(saved)
            self.window.card.show_saved(saved)

        self._run(save(), on_error=self.window.card.show_error)

    def _create_contact(self, contact: ContactIn) -> None:
        async def create() -> None:
            saved = await self.services.create_contact(contact)
            self._remember_contact(saved)
            call_id = self._shown_call
            if call_id is not None:
                self.workstation.attach_contact(call_id, saved.id)
            await self._show_card(saved)

        self._run(create(), on_error=self.window.card.show_error)

    # ----- notices: core -> widgets -----------------------------------------------------------

    def _on_notice(self, notice: Notice) -> None:
        if isinstance(notice, CallChanged):
            self._on_call(notice.session)
        elif isinstance(notice, StatusChanged):
            self._show_status(notice.view)
        elif isinstance(notice, ContactLookedUp):
            self._on_lookup(notice)
        elif isinstance(notice, DispositionQueued):
            self.status_line.showMessage(QCoreApplication.translate("Desk", "Call result saved"), 5000)
        elif isinstance(notice, Problem):
            text = refusal_text(notice.refusal) if notice.refusal is not None else notice.message
            self.status_line.showMessage(text, 10000)

    def _on_call(self, session: CallSession) -> None:
        card = self._cards.get(session.call_id)
        if card is None and session.phase is not Phase.DONE:
            card = self._cards[session.call_id] = _CallCard(session.number)
            for old in session.previous_ids:
                if (previous := self._cards.pop(old, None)) is not None:
                    card = self._cards[session.call_id] = previous
            if session.phase is Phase.RINGING:
                self.window.bring_forward()
            if self._shown_call is None or (session.phase is Phase.RINGING and not self._engaged()):
                self._shown_call = session.call_id
                self.window.card.show_empty()
        if (
            card is not None
            and session.phase in (Phase.TALKING, Phase.HELD)
            and not session.consult_for
            and not card.script_opened
            and self.scripts is not None
        ):
            card.script_opened = True
            self.scripts.open_for(session, card.contact)
        if session.phase is Phase.DONE:
            if not session.consult_for and session.number:
                name = self._name(session)
                outgoing = session.direction is Direction.OUTBOUND
                entry = DialHistoryEntry(session.number, session.ring_at, name, outgoing, session.record_id)
                self.recent = [entry, *(e for e in self.recent if e.call_id != entry.call_id)][:50]
                self.window.dial_pad.show_history(list(self.recent))
            self._cards.pop(session.call_id, None)
            if self.scripts is not None:
                self.scripts.close(session.call_id)
            if self._shown_call == session.call_id:
                self._shown_call = next(iter(self._cards), None)
                if self._shown_call is None:
                    self.window.card.show_empty()
        self._render_calls()

    def _on_lookup(self, notice: ContactLookedUp) -> None:
        card = self._cards.get(notice.call_id)
        if card is None:
            return
        card.looked_up = True
        if notice.error:
            log.info("caller lookup failed: %s", notice.error)  # the server's words: for the log
            message = QCoreApplication.translate(
                "Desk", "Could not look up the caller: the card shows what is known"
            )
            self.status_line.showMessage(message, 10000)
        card.contact = notice.contact
        self._render_calls()
        if self._shown_call != notice.call_id:
            return
        if notice.contact is None:
            self.window.card.show_unknown(notice.number)
        else:
            self._run(self._show_card(notice.contact))

    async def _show_card(self, contact: ContactOut) -> None:
        catalogue = self.services.catalogue()
        self.window.card.show_contact(
            CardData(contact, self.services.field_schema(), list(catalogue.dispositions))
        )
        history = await self.services.history(contact.id)
        self.window.card.show_history(history)

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
                )
            )
        else:
            w.controls.show_no_call()
        if acw and not engaged:
            self._open_disposition(acw[0])
        elif not acw:
            w.disposition.show_closed()

    def _open_disposition(self, session: CallSession) -> None:
        form = self.window.disposition
        if self.form_call == session.call_id and form.isVisible():
            return
        self.form_call = session.call_id
        catalogue = self.services.catalogue()
        stamped = {self.acw.timeout_code, self.acw.skipped_code, self.acw.missed_code}
        codes = [
            c for c in catalogue.dispositions if c.queue in (None, session.queue) and c.code not in stamped
        ]
        started = session.end_at or session.ring_at
        limit = session.acw_deadline - started if session.acw_deadline else None
        card = self._cards.get(session.call_id)
        zone = card.contact.time_zone if card and card.contact else None
        form.show_form(
            DispositionRequest(
                codes=codes,
                acw=AcwView(started, limit, can_skip=self.acw.mode is AcwMode.OPTIONAL),
                suggested=session.suggested_code,
                time_zone=zone,
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
        card = self._cards.get(session.call_id)
        if card is not None and card.contact is not None:
            return card.contact.name
        return session.display_name or None

    def _engaged(self) -> bool:
        return pick.engaged(self.workstation.calls.values())

    def _ringing_id(self) -> str | None:
        return pick.ringing(self.workstation.calls.values())

    def _current_id(self) -> str | None:
        return pick.heard(self.workstation.calls.values())

    def _acw_id(self) -> str | None:
        return pick.in_acw(self.workstation.calls.values())

    def _remember_contact(self, contact: ContactOut) -> None:
        for card in self._cards.values():
            if card.contact is not None and card.contact.id == contact.id:
                card.contact = contact

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
