"""The card's half of the desk presenter: which call the card shows, whose contact that is, and where
the card's edits go.

The core decides which call is shown (:class:`app.session.pick.CardFocus`: a ring never takes the card,
answering or resuming a call does, a chip the operator chose keeps it until the conversation changes);
this class remembers what the card needs per call (the contact looked up, its history, edits not saved
yet) and renders the shown call, its header and the other calls' chips. When the card moves to another
call, unsaved edits stay with the contact they were typed for and come back with its call; a save
always names its contact, and an answer for a contact the card no longer shows changes nothing on it.

Between calls the card can show a task's client in preview (:class:`CardPreview`, the core's
``DeskView``): the same page, editable, read from the same lookup. A call always wins over a preview
(the task box then says the preview is set aside); the call the preview dials takes its contact,
history and unsaved edits as they are, so the card stays on the same customer with no second lookup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.refused import Refused
from app.session import pick
from app.session.call import CallSession
from app.session.phase import Direction, Phase
from app.wire.contacts import ContactIn, ContactOut, HistoryItem
from app.wire.crm import CrmContactOut
from app.wire.tasks import TaskOut
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
    crm: CrmContactOut | None = None
    """What the centre's CRM knows of a caller ringdesk does not (shown as the CRM's)."""


@dataclass(frozen=True)
class CardPreview:
    """A task's client shown before anything is dialled (from the core's ``DeskView``)."""

    task: TaskOut
    target: str
    """What dialling the task calls: the call with this number is the preview's, and takes its card."""
    contact: ContactOut | None = None
    looked_up: bool = False
    set_aside: bool = False
    dialling: bool = False
    """Its call is being placed: an outgoing call with no number yet (the phone's first report) is it."""


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
        self.preview: CardPreview | None = None
        """The task's client shown while no call holds the card."""
        self._preview_history: list[HistoryItem] | None = None
        self._preview_unsaved: dict[str, Any] = {}
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

    def looking_up(self, call_id: str) -> bool:
        """Whether the caller's lookup is still on its way (a number to look up, no answer yet)."""
        state = self.calls.get(call_id)
        return state is not None and bool(state.number) and not state.looked_up

    def name(self, session: CallSession) -> str | None:
        """The caller's CRM name, else the SIP display name."""
        contact = self.contact(session.call_id)
        if contact is not None:
            return contact.name
        state = self.calls.get(session.call_id)
        crm = state.crm if state is not None else None
        return (crm.name if crm is not None else None) or session.display_name or None

    # ----- notices -------------------------------------------------------------------------------

    def on_call(self, session: CallSession) -> None:
        """A session moved: keep its state, follow the focus, redraw header and chips."""
        state = self.calls.get(session.call_id)
        if state is None and session.phase is not Phase.DONE:
            state = CallCardState(session.number)
            for old in session.previous_ids:
                state = self.calls.pop(old, None) or state
            self.calls[session.call_id] = state
        if state is not None and not state.looked_up:
            self._adopt_preview(session, state)
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
        if state.looked_up and _same_or_older(notice.contact, state.contact) and not notice.error:
            return  # the preview's contact, already on the card (its edits stay where they are)
        state.looked_up = True
        state.contact = notice.contact
        state.crm = notice.crm if notice.contact is None else None
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

    def show_preview(self, preview: CardPreview | None) -> None:
        """The core's task preview changed (``None``: none, the task was given up or dialled)."""
        before = self.preview
        if preview is None or before is None or before.task.id != preview.task.id:
            self._preview_history, self._preview_unsaved = None, {}
        elif _same_or_older(preview.contact, before.contact) and before.contact is not None:
            # saved from the preview since the core looked it up: keep the newer copy
            preview = replace(preview, contact=before.contact, looked_up=True)
        self.preview = preview
        if self.focus.call_id is not None:
            self._show_task_box()
            return
        if preview is None:
            if before is not None:
                self.card.show_empty()
            self._show_task_box()
            return
        shown = before.contact if before is not None and before.task.id == preview.task.id else None
        if (
            before is None
            or shown is None
            or preview.contact is None
            or shown.id != preview.contact.id
            or before.looked_up != preview.looked_up
        ):
            self._show_preview_page()
        self._show_task_box()

    def _show_preview_page(self) -> None:
        preview = self.preview
        assert preview is not None
        if preview.contact is not None:
            self.card.show_contact(
                CardData(
                    preview.contact,
                    self.services.field_schema(),
                    list(self.services.catalogue().dispositions),
                    self._preview_history or [],
                )
            )
            if self._preview_unsaved:
                self.card.contact_page.restore_changes(self._preview_unsaved)
                self._preview_unsaved = {}
            if self._preview_history is None:
                self._run(self._load_preview_history(preview.task.id, preview.contact.id), None)
        elif preview.looked_up:
            self.card.show_unknown(preview.task.phone)
        else:
            self.card.show_looking_up()

    async def _load_preview_history(self, task_id: int, contact_id: int) -> None:
        history = await self.services.history(contact_id)
        preview = self.preview
        if preview is None or preview.task.id != task_id:
            return
        self._preview_history = history
        if self.focus.call_id is None and self.card.contact_page.contact_id() == contact_id:
            self.card.show_history(history)

    def _show_task_box(self) -> None:
        preview = self.preview
        focused = self.workstation.calls.get(self.focus.call_id or "")
        if preview is None or (focused is not None and self._dials_preview(focused)):
            self.card.show_task(None)  # no preview, or the card is on the call that dials it
        else:
            self.card.show_task(preview.task, aside=self.focus.call_id is not None)

    def _dials_preview(self, session: CallSession) -> bool:
        preview = self.preview
        return (
            preview is not None
            and session.direction is Direction.OUTBOUND
            and (session.number == preview.target or (preview.dialling and not session.number))
        )

    def _preview_changes(self) -> dict[str, Any]:
        """The edits on the card's page while it shows the preview's contact."""
        preview = self.preview
        if self.focus.call_id is not None or preview is None or preview.contact is None:
            return {}
        page = self.card.contact_page if self.card.has_contact_page() else None
        if page is None or page.contact_id() != preview.contact.id:
            return {}
        return page.changes()

    def _adopt_preview(self, session: CallSession, state: CallCardState) -> None:
        """The call the preview dials takes its contact, history and edits: the same card, no lookup."""
        preview = self.preview
        if preview is None or not preview.looked_up or not self._dials_preview(session):
            return
        state.contact, state.looked_up = preview.contact, True
        state.number = state.number or preview.task.phone
        state.history = self._preview_history
        state.unsaved = self._preview_changes()

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
        if focus.call_id != before and before is None and self.preview is not None:
            self._preview_unsaved = self._preview_changes()  # a call rang in: the preview waits
        self.focus = focus
        if focus.call_id != before:
            if focus.call_id is None and self.preview is not None:
                self._show_preview_page()  # the call is over: the task's client comes back
            elif focus.call_id is None:
                self.card.show_empty()
            else:
                self._show_page(focus.call_id)
            self._show_task_box()
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
            self.card.show_unknown(state.number, state.crm)
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
        preview = self.preview
        if preview is not None and preview.contact is not None and preview.contact.id == contact.id:
            self.preview = replace(preview, contact=contact, looked_up=True)


def _same_or_older(told: ContactOut | None, known: ContactOut | None) -> bool:
    """Whether a lookup's answer says nothing new about the contact the card already has."""
    if told is None or known is None:
        return told is None and known is None
    return told.id == known.id and told.version <= known.version
