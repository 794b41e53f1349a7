"""One outbox item -> one server request, and what the answer means for the item.

* :class:`Delivered`: the server holds it (a first answer or an idempotent replay: the same to us).
* :class:`Refused`: the server will never take it as it is (a 4xx other than 401/408/425/429): the
  pump parks it for the operator.
* Anything that may work later raises :class:`~app.client.errors.TransientError` (the pump retries)
  or :class:`~app.client.errors.LoginRequiredError` (the pump waits for a login).

Contact edits have no idempotency key on the server; their ``If-Match`` plays that part. When an
edit's answer was lost and the resend meets a 412, the contact is read back: if it already holds
the edit, the edit was delivered; otherwise someone else changed the contact and the edit is parked
("reload and redo"), never forced over their change.

Dispositions go in batches (``POST /dispositions/batch``, at most :data:`DISPOSITION_BATCH` items and
:data:`BATCH_BYTES` of payload at a time: :meth:`Deliverer.take`), each item under its own idempotency
key with its own result: a refused item is parked alone while the others are stored. A server without
the batch endpoint gets them one by one, as before; so does a batch the server refuses as a whole (a
413 from a server with a lower body limit), so each item gets its own answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.client.api import ApiClient
from app.client.errors import ConflictError, RejectedError, TransientError
from app.store.schema import OutboxKind
from app.sync.items import OutboxItem
from app.sync.recording_upload import upload
from app.wire.contacts import ContactOut
from app.wire.dispositions import BatchItemIn, BatchOutcome, DispositionBatchIn

DISPOSITION_BATCH = 200
"""Dispositions per request: a shift's backlog in a few requests, each answered well under a second."""
BATCH_BYTES = 512 * 1024
"""Payload bytes per batch request (at least one item, whatever its size). With any valid disposition
under ``DISPOSITION_BYTES_MAX`` the request stays well under the server's ``BATCH_BODY_MAX``
(``app.wire.dispositions``): 200 dispositions with long Cyrillic comments are 1.6 MB, which used to
be one request over the server's 1 MiB limit, refused (413) for all of them."""


@dataclass(frozen=True)
class Delivered:
    server_ref: str | None
    """The server's id of the record (the new version for a contact edit); ``None`` when the answer
    confirmed storage but its body was unreadable."""
    contact: ContactOut | None = None


@dataclass(frozen=True)
class Refused:
    reason: str
    http_status: int | None


Outcome = Delivered | Refused


class Deliverer:
    """Sends outbox items through an :class:`ApiClient`."""

    def __init__(self, api: ApiClient) -> None:
        self._api = api
        self._batches = True
        """Cleared when the server turns out to have no batch endpoint."""

    def batch_size(self, kind: OutboxKind) -> int:
        """How many items of ``kind`` one request can carry."""
        return DISPOSITION_BATCH if kind is OutboxKind.DISPOSITION and self._batches else 1

    async def healthy(self) -> bool:
        """Whether the server is up and reaches its database (see ``ApiClient.healthy``)."""
        return await self._api.healthy()

    @staticmethod
    def take(items: Sequence[OutboxItem], limit: int) -> list[OutboxItem]:
        """The first of ``items`` that go in one request: at most ``limit`` and :data:`BATCH_BYTES` of
        payload, and always the first item (a single record is never held back by the batch size)."""
        taken: list[OutboxItem] = []
        size = 0
        for item in items[:limit]:
            size += len(item.payload.encode())
            if taken and size > BATCH_BYTES:
                break
            taken.append(item)
        return taken

    async def deliver(self, items: Sequence[OutboxItem]) -> list[Outcome]:
        """Deliver ``items`` (of one stream, in order); an outcome per item, or an exception that
        applies to the first item not yet delivered."""
        if len(items) > 1 and all(i.kind is OutboxKind.DISPOSITION for i in items) and self._batches:
            try:
                outcomes = await self._batch(items)
            except RejectedError:  # the batch as a whole (too large for this server): one by one
                outcomes = None
            else:
                if outcomes is None:
                    self._batches = False
            if outcomes is not None:
                return outcomes
        return [await self._one(item) for item in items]

    async def _batch(self, items: Sequence[OutboxItem]) -> list[Outcome] | None:
        batch = DispositionBatchIn(
            items=[BatchItemIn(idempotency_key=i.key, disposition=json.loads(i.payload)) for i in items]
        )
        answer = await self._api.post_disposition_batch(batch)
        if answer is None:
            return None
        by_key = {result.idempotency_key: result for result in answer.results}
        outcomes: list[Outcome] = []
        for item in items:
            result = by_key.get(item.key)
            if result is None:  # the server skipped an item: treat the batch as not answered
                raise TransientError(f"the batch answer has no result for {item.key}", 200)
            if result.outcome is BatchOutcome.REJECTED:
                outcomes.append(Refused("; ".join(result.errors) or f"HTTP {result.status}", result.status))
            else:
                stored = result.disposition
                outcomes.append(Delivered(None if stored is None else str(stored.id)))
        return outcomes

    async def _one(self, item: OutboxItem) -> Outcome:
        try:
            if item.kind is OutboxKind.DISPOSITION:
                stored = await self._api.post_disposition(item.payload, item.key)
                return Delivered(None if stored is None else str(stored.id))
            if item.kind is OutboxKind.STATUS:
                change = await self._api.post_status(item.payload, item.key)
                return Delivered(None if change is None else str(change.id))
            if item.kind is OutboxKind.CALL_REPORT:
                call = await self._api.post_call_report(item.payload)
                return Delivered(call.call_id)
            if item.kind is OutboxKind.RECORDING:
                return Delivered(str(await upload(self._api, item)))
            if item.kind is OutboxKind.TASK_RESULT:
                task = await self._api.post_task_result(int(item.target or 0), item.payload, item.key)
                return Delivered(None if task is None else str(task.id))
            return await self._contact_edit(item)
        except RejectedError as exc:
            return Refused(str(exc), exc.status)

    async def _contact_edit(self, item: OutboxItem) -> Outcome:
        contact_id = int(item.target or 0)
        if item.if_match is None:
            return Refused("the edit does not say which version of the contact it changes", None)
        try:
            contact = await self._api.patch_contact(contact_id, item.payload, item.if_match)
            return Delivered(str(contact.version), contact)
        except ConflictError:
            current = await self._api.get_contact(contact_id)
        if current is None:
            return Refused("the contact no longer exists", 404)
        if holds(current, json.loads(item.payload)):
            return Delivered(str(current.version), current)
        return Refused(
            f"someone else changed this contact meanwhile (now version {current.version}): "
            "reload it and redo the edit",
            412,
        )


def holds(contact: ContactOut, patch: dict[str, Any]) -> bool:
    """Whether ``contact`` already has every value ``patch`` sets (consent: the flags it names)."""
    current = contact.model_dump(mode="json")
    for name, value in patch.items():
        if name == "consent" and isinstance(value, dict):
            if any(current["consent"].get(flag) != flag_value for flag, flag_value in value.items()):
                return False
        elif current.get(name) != value:
            return False
    return True
