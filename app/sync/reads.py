"""Server reads with the local cache behind them: the call card, the catalogue and the script keep
working when the server does not answer.

Each read asks the server first (fresh data when online) with a short timeout, stores the answer,
and on a :class:`~app.client.errors.TransientError` or a login problem answers from the cache
instead. The result says where it came from, so the card can mark data as possibly stale.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from app.client.api import ApiClient
from app.client.errors import LoginRequiredError, TransientError
from app.store.cache import ContactCache, DocumentCache
from app.store.schema import utcnow
from app.wire.contacts import ContactOut
from app.wire.crm import CrmContactOut
from app.wire.dispositions import Catalogue
from app.wire.schema import BaseModel
from app.wire.scripts import ScriptDocument

log = logging.getLogger(__name__)
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Fetched(Generic[T]):
    value: T
    from_cache: bool
    """``True``: the server did not answer; ``value`` is what was cached at ``fetched_at``."""
    fetched_at: datetime | None = None


def _cached(write: Callable[[], object]) -> None:
    """Keep a server answer for later; a cache that cannot be written (a full disk, a read-only store)
    costs only the offline copy, never the answer in hand (issue 14)."""
    try:
        write()
    except Exception as exc:
        log.warning("the local cache could not keep a server answer: %s", exc)


class CachedReads:
    """Contacts by phone, catalogues and scripts: from the server when it answers, else the cache."""

    def __init__(
        self,
        api: ApiClient,
        contacts: ContactCache,
        documents: DocumentCache,
        *,
        keep: Callable[[Callable[[], object]], object] = lambda write: write(),
    ) -> None:
        self._api = api
        self._contacts = contacts
        self._documents = documents
        self._keep = keep
        """Runs a cache write: in the desktop on the store thread (``SyncService.worker``), so the
        caller's card is shown without waiting for the disk (issue 15)."""

    async def contact_for(self, phone: str) -> Fetched[ContactOut | CrmContactOut | None]:
        """The caller's contact (``None`` when unknown): the call card at ring time. When ringdesk has
        none, what the centre's CRM knows, as the server found it (never cached: the CRM's data is
        the CRM's, shown for this call)."""
        try:
            contact = await self._api.lookup_contact(phone)
        except (TransientError, LoginRequiredError):
            return Fetched(self._contacts.lookup(phone), from_cache=True)
        if isinstance(contact, ContactOut):  # kept for offline, off the screen pop's path, not fsynced
            put = functools.partial(self._contacts.put, contact, durable=False)
            self._keep(functools.partial(_cached, put))
        return Fetched(contact, from_cache=False, fetched_at=utcnow())

    async def catalogue(self, queue: str | None = None) -> Fetched[Catalogue | None]:
        """Disposition codes and not-ready reasons for ``queue``."""
        return await self._document("catalogue", queue or "", Catalogue, self._api.catalogue(queue))

    async def script_for(self, queue: str | None, segment: str | None) -> Fetched[ScriptDocument | None]:
        """The script a call in ``queue`` with a contact of ``segment`` opens (``None``: none fits)."""
        key = f"{queue or ''}|{segment or ''}"
        return await self._document(
            "script_for", key, ScriptDocument, self._api.select_script(queue, segment)
        )

    async def _document(
        self, kind: str, key: str, model: type[M], fetch: Awaitable[M | None]
    ) -> Fetched[M | None]:
        try:
            document = await fetch
        except (TransientError, LoginRequiredError):
            cached = self._documents.get(kind, key, model)
            if cached is None:
                return Fetched(None, from_cache=True)
            return Fetched(cached[0], from_cache=True, fetched_at=cached[1])
        if document is not None:
            _cached(lambda: self._documents.put(kind, key, document))
            if isinstance(document, ScriptDocument):
                _cached(lambda: self._documents.put("script", f"{document.id}@{document.version}", document))
        return Fetched(document, from_cache=False, fetched_at=utcnow())
