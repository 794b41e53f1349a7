"""What the desk presenter needs from outside the window: the server side and the script panel's owner,
as small protocols (the sync service implements the first, ``ui.script_host`` the second; tests use
their own), and the error a contact edit raises on a conflict."""

from __future__ import annotations

from typing import Protocol

from app.session.call import CallSession
from app.status.choice import Choice
from app.wire.contacts import ContactIn, ContactOut, FieldSchema, HistoryItem
from app.wire.dispositions import Catalogue
from ui.card.call_card import ContactEdit


class EditConflict(Exception):
    """The server has a newer copy of the contact (HTTP 412): ``current`` is that copy."""

    def __init__(self, current: ContactOut) -> None:
        super().__init__("the contact was changed by someone else")
        self.current = current


class DeskServices(Protocol):
    """What the presenter needs from the server side (the sync service, or the demo's)."""

    def catalogue(self) -> Catalogue: ...

    def field_schema(self) -> list[FieldSchema]: ...

    async def history(self, contact_id: int) -> list[HistoryItem]: ...

    async def save_contact(self, edit: ContactEdit) -> ContactOut:
        """Save an edit; raises :class:`EditConflict` on 412."""
        ...

    async def create_contact(self, contact: ContactIn) -> ContactOut: ...

    async def request_break(self, choice: Choice) -> None:
        """Ask the team lead for a break that needs approval (``POST /requests``)."""
        ...


class ScriptHost(Protocol):
    """Opens and closes the call script for a call (the script panel's owner)."""

    def follow(self, session: CallSession, contact: ContactOut | None, *, settled: bool) -> None:
        """Open the call's script when it is answered, once (``settled`` false: the caller's lookup is
        still on its way, the script waits for it); close it when the call is done."""
        ...

    def contact_known(self, call_id: str, contact: ContactOut | None) -> None: ...
