"""The card's half of the desk presenter: which call the card shows, whose contact that is, and where
the card's edits go.

The core decides which call is shown (:class:`app.session.pick.CardFocus`: a ring never takes the card,
answering or resuming a call does, a chip the operator chose keeps it until the conversation changes);
this class remembers what the card needs per call (the contact looked up, its history, edits not saved
yet) and renders the shown call, its header and the other calls' chips. When the card moves to another
call, unsaved edits stay with the contact they were typed for and come back with its call; a save
always names its contact, and an answer for a contact the card no longer shows changes nothing on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.refused import Refused
from app.session import pick
from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.wire.contacts import ContactIn, ContactOut, HistoryItem
from app.workstation import Workstation
from app.workstation.notices import ContactLookedUp
from ui.card.call_card import CallCard, CardData, ContactEdit
from ui.card.chips import CallChip
from ui.card.glance import CardCall
from ui.desk_ports import DeskServices, EditConflict
from ui.elapsed import Clock, utc_now
from ui.refusals import refusal_text

Run = Callable[[Coroutine[Any, Any, Any], Callable[[str], None] | None], None]
"""Starts an async intent with its failures shown (``Desk._run``)."""

log = logging.getLogger(__name__)


@dataclass
class CallCardState:
    """What the card knows about one call."""

    number: str
    contact: ContactOut | None = None
    looked_up: bool = False
    history: list[HistoryItem] | None = None
    unsaved: dict[str, Any] = field(default_factory=dict)
    """Edits typed for this call's contact and not saved when the card moved to another call."""
    held_since: datetime | None = None
    """When the call was seen going on hold (its chip counts the time on hold from it)."""


class CardBinding:
    """Binds :class:`CallCard` to the calls of one :class:`Workstation`."""

    def __init__(
        self,
        card: CallCard,
        workstation: Workstation,
        services: DeskServices,
        run: Run,
        *,
        say: Callable[[str], None],
        clock: Clock = utc_now,
    ) -> None:
        self.card = card
        self.workstation = workstation
        self.services = services
        self._run = run
        self._say = say
        self._clock = clock
        self.calls: dict[str, CallCardState] = {}
        self.focus = pick.CardFocus()
        card.save_requested.connect(self._save)
        card.create_requested.connect(self._create)
        card.chip_chosen.connect(self.choose)

    # ----- reading -------------------------------------------------------------------------------

    @property
    def shown(self) -> str | None:
        """The call the card is bound to."""
        return self.focus.call_id

    def contact(self, call_id: str) -> ContactOut | None:
        state = self.calls.get(call_id)
        return state.contact if state is not None else None

    def name(self, session: CallSession) -> str | None:
        """The caller's CRM name, else the SIP display name."""
        contact = self.contact(session.call_id)
        return contact.name if contact is not None else session.display_name or None

    # ----- notices -------------------------------------------------------------------------------

    def on_call(self, session: CallSession) -> None:
        """A session moved: keep its state, follow the focus, redraw header and chips."""
        state = self.calls.get(session.call_id)
        if state is None and session.phase is not Phase.DONE:
            state = CallCardState(session.number)
            for old in session.previous_ids:
                state = self.calls.pop(old, None) or state
            self.calls[session.call_id] = state
        if state is not None:
            if session.phase is Phase.HELD:
                state.held_since = state.held_since or self._clock()
            else:
                state.held_since = None
        if session.phase is Phase.DONE and state is not None:
            if state.unsaved or (self.focus.call_id == session.call_id and self._page_changes(state)):
                who = state.contact.name if state.contact is not None else state.number
                self.card.show_notice(
                    QCoreApplication.translate("Desk", "The changes to %1 were not saved").replace("%1", who)
                )
            self.calls.pop(session.call_id, None)
        self._refocus(self.focus.follow(self._sessions()))

    def on_lookup(self, notice: ContactLookedUp) -> None:
        state = self.calls.get(notice.call_id)
        if state is None:
            return
        state.looked_up = True
        state.contact = notice.contact
        if notice.error:
            log.info("caller lookup failed: %s", notice.error)  # the server's words: for the log
            self._say(
                QCoreApplication.translate(
                    "Desk", "Could not look up the caller: the card shows what is known"
                )
            )
        if self.focus.call_id == notice.call_id:
            self._show_page(notice.call_id)
        self._render()

    # ----- intents -------------------------------------------------------------------------------

    def choose(self, call_id: str) -> None:
        """The operator asked to see ``call_id`` (a chip, or its key)."""
        try:
            focus = self.focus.choose(call_id, self._sessions())
        except Refused as refused:
            self._say(refusal_text(refused))
            return
        self._refocus(focus)

    def _save(self, edit: ContactEdit) -> None:
        async def save() -> None:
            try:
                saved = await self.services.save_contact(edit)
            except EditConflict as conflict:
                self.card.show_conflict(conflict.current)  # ignored by a page showing someone else
                return
            self._remember(saved)
            self.card.show_saved(saved)

        self._run(save(), self.card.show_error)

    def _create(self, contact: ContactIn) -> None:
        call_id = self.focus.call_id  # the call whose unknown caller this is, at the moment of asking

        async def create() -> None:
            saved = await self.services.create_contact(contact)
            state = self.calls.get(call_id) if call_id is not None else None
            if call_id is None or state is None:
                return
            state.contact, state.looked_up, state.history = saved, True, []
            self.workstation.attach_contact(call_id, saved.id)
            if self.focus.call_id == call_id:
                self._show_page(call_id)
            self._render()

        self._run(create(), self.card.show_error)

    # ----- rendering -----------------------------------------------------------------------------

    def _sessions(self) -> list[CallSession]:
        return list(self.workstation.calls.values())

    def _page_changes(self, state: CallCardState) -> dict[str, Any]:
        """The edits on the card's page when it shows ``state``'s contact (else none)."""
        page = self.card.contact_page if self.card.has_contact_page() else None
        if page is None or state.contact is None or page.contact_id() != state.contact.id:
            return {}
        return page.changes()

    def _refocus(self, focus: pick.CardFocus) -> None:
        before = self.focus.call_id
        if focus.call_id != before and before is not None and before in self.calls:
            self.calls[before].unsaved = self._page_changes(self.calls[before])
        self.focus = focus
        if focus.call_id != before:
            if focus.call_id is None:
                self.card.show_empty()
            else:
                self._show_page(focus.call_id)
        self._render()

    def _show_page(self, call_id: str) -> None:
        state = self.calls[call_id]
        if state.contact is not None:
            self.card.show_contact(
                CardData(
                    state.contact,
                    self.services.field_schema(),
                    list(self.services.catalogue().dispositions),
                    state.history or [],
                )
            )
            if state.unsaved:
                self.card.contact_page.restore_changes(state.unsaved)
                state.unsaved = {}
            if state.history is None:
                self._run(self._load_history(call_id, state.contact.id), None)
        elif state.looked_up:
            self.card.show_unknown(state.number)
        elif self._lookup_coming(call_id):
            self.card.show_looking_up()
        else:
            self.card.show_empty()

    def _lookup_coming(self, call_id: str) -> bool:
        """Whether the workstation looks this caller up (not without a number, nor for a number dialled
        when the site does not look those up): else the card would say "looking up" forever."""
        session = self.workstation.calls.get(call_id)
        if session is None or not session.number or session.consult_for:
            return False
        return session.direction is Direction.INBOUND or self.workstation.config.lookup_outbound

    async def _load_history(self, call_id: str, contact_id: int) -> None:
        history = await self.services.history(contact_id)
        state = self.calls.get(call_id)
        if state is None or state.contact is None or state.contact.id != contact_id:
            return
        state.history = history
        if self.focus.call_id == call_id and self.card.contact_page.contact_id() == contact_id:
            self.card.show_history(history)

    def _render(self) -> None:
        sessions = {s.call_id: s for s in self._sessions()}
        shown = sessions.get(self.focus.call_id or "")
        call = None
        if shown is not None:
            call = CardCall(
                shown.call_id,
                shown.phase.value,
                shown.number,
                self.name(shown),
                shown.queue,
                pick.dialled_line(shown),
            )
        chips = [
            CallChip(
                s.call_id,
                s.phase.value,
                s.number,
                self.name(s),
                s.queue,
                self.calls[s.call_id].held_since if s.call_id in self.calls else None,
                bool(self.calls[s.call_id].unsaved) if s.call_id in self.calls else False,
            )
            for s in self.focus.others(sessions.values())
        ]
        self.card.show_call(call, chips)

    def _remember(self, contact: ContactOut) -> None:
        for state in self.calls.values():
            if state.contact is not None and state.contact.id == contact.id:
                state.contact = contact
