"""The extended call card: nothing between calls, the known caller's page, or the new-contact form for
an unknown caller, one at a time, bound to one call at a time.

Above the page: the chips of the operator's other calls (:mod:`ui.card.chips`), then whose call the card
is (a name and where the call stands: ringing, on the line, on hold, after-call work) and why they call
(the queue's name, the line dialled). Which call that is, the presenter decides
(``app.session.pick.CardFocus``); the card only says it, so an edit never goes to a contact the header
does not name.

Only the empty page exists at start: the contact page (:mod:`ui.card.contact_page`) and the new-contact
form are built together the first time a call needs either, and kept. The idle desktop then holds
neither their widgets nor their modules (issue 5: idle memory); the first screen pop takes ~15 ms
longer for it (~30 ms with the repaint), the later ones none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.wire.contacts import ContactOut, ContactPatch, FieldSchema, HistoryItem
from app.wire.crm import CrmContactOut
from app.wire.dispositions import DispositionCode
from app.wire.tasks import TaskOut
from ui.actions import ActionCollection, ActionId
from ui.card.chips import CallChip, ChipBar
from ui.card.glance import CardCall, whose_text, why_text
from ui.elapsed import Clock, utc_now
from ui.lazy import settle
from ui.plain import plain_label, set_plain
from ui.theme import set_role

if TYPE_CHECKING:
    from ui.card.contact_page import ContactPage
    from ui.card.fold import Fold
    from ui.card.new_contact import NewContactForm
    from ui.card.task_box import TaskBox


@dataclass(frozen=True)
class CardData:
    """A known caller: the contact, the custom-field schema, the catalogue and the recent history."""

    contact: ContactOut
    schema: list[FieldSchema] = field(default_factory=list)
    codes: list[DispositionCode] = field(default_factory=list)
    history: list[HistoryItem] = field(default_factory=list)


@dataclass(frozen=True)
class ContactEdit:
    """A save intent: send ``patch`` to ``PATCH /contacts/{contact_id}`` with ``If-Match: version``."""

    contact_id: int
    version: int
    patch: ContactPatch


class CallCard(QWidget):
    """The card; its pages are: nothing, a known contact, a new contact."""

    save_requested = Signal(object)
    """A :class:`ContactEdit` with the fields the operator changed."""
    create_requested = Signal(object)
    """A :class:`~app.wire.contacts.ContactIn` for an unknown caller."""
    chip_chosen = Signal(str)
    """The operator asked to see another call (its id) on the card."""

    def __init__(
        self, actions: ActionCollection, parent: QWidget | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.clock = clock
        """The window's clock (times on hold are counted with it)."""
        self._contact_page: ContactPage | None = None
        self._new_contact: NewContactForm | None = None
        self._task_box: TaskBox | None = None
        self._call: CardCall | None = None
        self.chips = ChipBar(clock=clock)
        self.chips.chosen.connect(self.chip_chosen)
        self.whose = plain_label()
        bold = self.whose.font()
        bold.setBold(True)
        self.whose.setFont(bold)
        self.whose.setWordWrap(True)
        self.why = plain_label()
        set_role(self.why, "muted")
        self.why.setWordWrap(True)
        self.notice = plain_label()
        set_role(self.notice, "error")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._waiting = False
        self.empty = plain_label()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.empty, "muted")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QVBoxLayout()
        header.setContentsMargins(4, 4, 4, 0)
        header.setSpacing(2)
        header.addWidget(self.chips)
        header.addWidget(self.whose)
        header.addWidget(self.why)
        header.addWidget(self.notice)
        self._header = header
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        actions[ActionId.SAVE_CONTACT].triggered.connect(self.save)
        self.retranslate()
        self.show_empty()

    @property
    def contact_page(self) -> ContactPage:
        """The known caller's page, built on first use."""
        return self._pages()[0]

    @property
    def new_contact(self) -> NewContactForm:
        """The new-contact form for an unknown caller, built on first use."""
        return self._pages()[1]

    def _pages(self) -> tuple[ContactPage, NewContactForm]:
        """Both call pages, built together the first time a call needs either (in the stack's order,
        so Tab goes through them as it always did)."""
        if self._contact_page is None or self._new_contact is None:
            from ui.card.contact_page import ContactPage
            from ui.card.new_contact import NewContactForm

            self._contact_page = ContactPage(self._clock)
            self._contact_page.save_requested.connect(self.save_requested)
            self._new_contact = NewContactForm()
            self._new_contact.create_requested.connect(self.create_requested)
            self.stack.addWidget(self._contact_page)
            self.stack.addWidget(self._new_contact)
            settle(self._new_contact, settle(self._contact_page, self.empty))
        return self._contact_page, self._new_contact

    def has_contact_page(self) -> bool:
        """Whether the known caller's page was built (asking :attr:`contact_page` builds it)."""
        return self._contact_page is not None

    @property
    def details(self) -> Fold:
        """The known caller's editable fields, folded ("Client details")."""
        return self.contact_page.details

    # -- slots ---------------------------------------------------------------------------------------

    def show_call(self, call: CardCall | None, chips: list[CallChip]) -> None:
        """Say whose call the card is bound to (``None``: no call) and show the other calls as chips."""
        if call is not None and (self._call is None or self._call.call_id != call.call_id):
            self.notice.hide()  # a notice is about what happened before this call
        self._call = call
        self.chips.show_chips(chips)
        self.retranslate()

    def show_task(self, task: TaskOut | None, *, aside: bool = False) -> None:
        """The task whose client the card previews (``None``: no preview); ``aside``: a call holds the
        card while the task waits. The box is built the first time a task is shown."""
        if task is None and self._task_box is None:
            return
        self.task_box.show_task(task, aside=aside)

    @property
    def task_box(self) -> TaskBox:
        """The task above the card in a preview (built on first use)."""
        if self._task_box is None:
            from ui.card.task_box import TaskBox

            self._task_box = TaskBox()
            self._header.insertWidget(1, self._task_box)
        return self._task_box

    def has_task_box(self) -> bool:
        return self._task_box is not None

    def show_notice(self, text: str) -> None:
        """Something the operator must not miss about the card (edits that were lost): shown until the
        card takes another call."""
        set_plain(self.notice, text)
        self.notice.show()

    def chip_texts(self) -> list[str]:
        """What the chips of the other calls say, in order."""
        return self.chips.texts()

    def show_empty(self) -> None:
        """No call: an empty card."""
        self._leave_contact()
        self._waiting = False
        self.retranslate()
        self.stack.setCurrentWidget(self.empty)

    def show_looking_up(self) -> None:
        """A call is bound but its caller is not looked up yet."""
        self._leave_contact()
        self._waiting = True
        self.retranslate()
        self.stack.setCurrentWidget(self.empty)

    def show_unknown(self, number: str, crm: CrmContactOut | None = None) -> None:
        """The caller matched no contact: the new-contact form with ``number`` filled in, and what
        the centre's CRM knows of them (``crm``), said to come from it."""
        self._leave_contact()
        self.new_contact.show_number(number, crm)
        self.stack.setCurrentWidget(self.new_contact)

    def show_contact(self, data: CardData) -> None:
        """Show a known contact; unsaved edits of a previous contact are dropped."""
        self.contact_page.show_contact(data)
        self.stack.setCurrentWidget(self.contact_page)

    def show_history(self, items: list[HistoryItem]) -> None:
        """Replace the history (it may arrive after the contact)."""
        if self._contact_page is not None:
            self._contact_page.show_history(items)

    def show_saved(self, contact: ContactOut) -> None:
        """The server stored the contact: it becomes the new base (edits made since are kept)."""
        if self._contact_page is not None:
            self._contact_page.show_saved(contact)

    def show_conflict(self, current: ContactOut) -> None:
        """The save got 412: ``current`` is the server's newer copy; the page merges or asks."""
        if self._contact_page is not None:
            self._contact_page.show_conflict(current)

    def show_error(self, text: str) -> None:
        """Show why the server refused a save or a new contact (plain text)."""
        if self._new_contact is not None and self.stack.currentWidget() is self._new_contact:
            self._new_contact.show_error(text)
        elif self._contact_page is not None:
            self._contact_page.show_error(text)

    # -- editing -------------------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """The fields the operator changed, by path, with their new values."""
        return self._contact_page.changes() if self._contact_page is not None else {}

    def save(self) -> None:
        """Emit ``save_requested`` with the changes (or create the new contact on that page)."""
        if self._new_contact is not None and self.stack.currentWidget() is self._new_contact:
            self._new_contact.submit()
        elif self._contact_page is not None:
            self._contact_page.save()

    def _leave_contact(self) -> None:
        if self._contact_page is not None:
            self._contact_page.clear()

    # -- language ------------------------------------------------------------------------------------

    def _show_call(self) -> None:
        set_plain(self.whose, whose_text(self._call))
        self.whose.setVisible(self._call is not None)
        why = why_text(self._call)
        set_plain(self.why, why)
        self.why.setVisible(bool(why))

    def retranslate(self) -> None:
        """Re-set the texts in the current language (the pages retranslate themselves)."""
        if self._task_box is not None:
            self._task_box.retranslate()
        if self._waiting:
            self.empty.setText(self.tr("Looking up the caller..."))
        elif self._call is not None:
            self.empty.setText(self.tr("No client card for this call."))
        else:
            self.empty.setText(self.tr("No call. The caller's card appears here when the phone rings."))
        self._show_call()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
