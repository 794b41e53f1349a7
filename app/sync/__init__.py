"""Offline-first delivery of what the operator records: the outbox and the pump that empties it.

* :mod:`app.sync.outbox`: records saved together with their outbox item (one transaction), the
  counts and parked items the UI shows; :mod:`app.sync.items` holds the values it hands out.
* :mod:`app.sync.deliver`: one outbox item -> one server request, and what its answer means
  (delivered, parked, try again).
* :mod:`app.sync.pump`: the asyncio loop that sends, in order per stream, with backoff.
* :mod:`app.sync.status`: the observable state for the offline banner.
* :mod:`app.sync.reads`: server reads with the local cache as fallback (contacts, catalogue, scripts).
* :mod:`app.sync.service`: :class:`~app.sync.service.SyncService`, the one object the desktop holds.

Guarantees and decisions: docs/sync.md.
"""
