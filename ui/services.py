"""The desk's server side, over the sync service: the card's reads and edits, the caller lookup, the
script choice, and the outbox ports of the workstation.

Reads go to the server with the local cache behind them (a known caller still pops when the server
is slow or down). A contact edit is sent at once when the server answers, so a conflict (412) is
shown while the operator still remembers what they typed; when the server is unreachable the edit is
queued in the outbox instead and shown as saved here. Dispositions and status changes always go
through the outbox: the commit to the local database is the "saved".
"""

from __future__ import annotations

import logging

from app.client.errors import ApiError, ConflictError, TransientError
from app.status.choice import Choice
from app.sync.service import SyncService
from app.wire.contacts import ContactIn, ContactOut, FieldSchema, HistoryItem
from app.wire.crm import CrmContactOut
from app.wire.dispositions import Catalogue, DispositionIn
from app.wire.recordings import RecordingIn
from app.wire.requests import RequestKind, StatusRequestIn
from app.wire.scripts import ScriptDocument
from app.wire.statuses import StatusChangeIn
from ui.card.call_card import ContactEdit
from ui.desk_ports import EditConflict

log = logging.getLogger(__name__)


class ServerSide:
    """Implements :class:`ui.desk.DeskServices`, the workstation's ``ContactLookup`` and ``Outbox``,
    and the script host's ``ScriptSource``, all over one :class:`SyncService`."""

    def __init__(self, sync: SyncService, catalogue: Catalogue, schema: list[FieldSchema]) -> None:
        self.sync = sync
        self._catalogue = catalogue
        self._schema = schema

    @classmethod
    async def load(cls, sync: SyncService) -> ServerSide:
        """Fetch what a shift needs once (from the cache when the server does not answer)."""
        fetched = await sync.reads.catalogue()
        catalogue = fetched.value or Catalogue()
        schema: list[FieldSchema] = []
        try:
            schema = await sync.api.field_schema()
        except ApiError as exc:
            log.warning("custom field schema not loaded: %s", exc)
        return cls(sync, catalogue, schema)

    # ----- DeskServices -------------------------------------------------------------------------

    def catalogue(self) -> Catalogue:
        return self._catalogue

    def use_catalogue(self, catalogue: Catalogue) -> None:
        """The server's catalogue changed (``app.workstation.server_truth.CatalogueFollower``)."""
        self._catalogue = catalogue

    async def fresh_catalogue(self) -> tuple[Catalogue | None, bool]:
        """The catalogue read again, and whether it came from the local cache."""
        fetched = await self.sync.reads.catalogue()
        return fetched.value, fetched.from_cache

    def field_schema(self) -> list[FieldSchema]:
        return self._schema

    async def history(self, contact_id: int) -> list[HistoryItem]:
        try:
            history = await self.sync.api.contact_history(contact_id)
        except ApiError as exc:
            log.info("history of contact %s not loaded: %s", contact_id, exc)
            return []
        return list(history.items) if history is not None else []

    async def save_contact(self, edit: ContactEdit) -> ContactOut:
        payload = edit.patch.model_dump_json(exclude_unset=True)
        try:
            saved = await self.sync.api.patch_contact(edit.contact_id, payload, edit.version)
        except ConflictError:
            current = await self.sync.api.get_contact(edit.contact_id)
            if current is None:
                raise
            self.sync.contacts.put(current)
            raise EditConflict(current) from None
        except TransientError:
            self.sync.outbox.add_contact_edit(edit.contact_id, edit.patch, base_version=edit.version)
            cached = self.sync.contacts.get(edit.contact_id)
            if cached is None:
                raise
            return cached
        self.sync.contacts.put(saved)
        return saved

    async def create_contact(self, contact: ContactIn) -> ContactOut:
        created = await self.sync.api.create_contact(contact)
        self.sync.contacts.put(created)
        return created

    async def request_break(self, choice: Choice) -> None:
        user = self.sync.api.tokens.user
        body = StatusRequestIn(
            operator=user.name if user else "",
            kind=RequestKind.BREAK,
            status=choice.status,
            reason=choice.reason,
        )
        await self.sync.api.create_request(body)

    # ----- ContactLookup, ScriptSource ----------------------------------------------------------

    async def lookup(self, number: str) -> ContactOut | CrmContactOut | None:
        return (await self.sync.reads.contact_for(number)).value

    async def script_for(self, queue: str | None, segment: str | None) -> ScriptDocument | None:
        return (await self.sync.reads.script_for(queue, segment)).value

    # ----- the workstation's Outbox port --------------------------------------------------------

    def put_disposition(self, disposition: DispositionIn) -> None:
        self.sync.outbox.add_disposition(disposition)

    def put_status(self, change: StatusChangeIn) -> None:
        self.sync.outbox.add_status_change(change)

    async def download_recording(self, recording_id: int) -> bytes:
        return await self.sync.api.download_recording(recording_id)

    def put_recording(self, recording: RecordingIn, path: str) -> None:
        """A finished call recording: uploaded in its own outbox stream (docs/quality.md)."""
        user = self.sync.api.tokens.user
        self.sync.outbox.add_recording(user.name if user else "", recording, path)
