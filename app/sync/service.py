"""``SyncService``: the one object the desktop (UI and call coordinator) holds for everything of
this issue: the local store, the outbox, drafts, cached reads, the login and the pump.

Qt-free. The UI runs :meth:`SyncService.start` in its qasync loop, calls ``outbox.add_*`` and
``drafts.save`` from its slots, and re-emits :meth:`SyncService.subscribe` callbacks as a queued
signal for the banner::

    sync = SyncService.open("https://ringdesk.example", account="operator1")
    if await sync.resume() is None:
        await sync.login("operator1", password)        # LoginRequiredError: wrong password
    sync.start()
    sync.subscribe(lambda status: banner.sig_status.emit(status))
    saved = sync.outbox.add_disposition(disposition)   # durable now: say "saved"
    card = await sync.reads.contact_for(caller_number) # from the cache when offline
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

import httpx

from app.client.api import DEFAULT_TIMEOUT, ApiClient
from app.client.errors import TransientError, UntrustedServerError
from app.client.fresh import keep_fresh
from app.credentials import SecretStore
from app.store.cache import ContactCache, DocumentCache
from app.store.calls import CallLog
from app.store.database import LocalStore
from app.store.drafts import Drafts
from app.store.opening import StoreProblem, note_outbox, open_checked
from app.sync.deliver import Deliverer
from app.sync.outbox import Outbox
from app.sync.pump import RetryPolicy, SyncPump
from app.sync.reads import CachedReads
from app.sync.status import SyncMonitor, SyncStatus
from app.sync.worker import StoreWorker
from app.wire.auth import UserOut


class SyncService:
    def __init__(
        self,
        store: LocalStore,
        api: ApiClient,
        *,
        default_region: str = "RU",
        policy: RetryPolicy | None = None,
    ) -> None:
        self.store = store
        self.api = api
        self.outbox = Outbox(store)
        self.drafts = Drafts(store)
        self.calls = CallLog(store)
        self.contacts = ContactCache(store, default_region=default_region)
        self.documents = DocumentCache(store)
        self.worker = StoreWorker()
        """The store thread: the pump's bookkeeping, the sidecar, answers kept in the cache (issue 15)."""
        self.reads = CachedReads(api, self.contacts, self.documents, keep=self.worker.later)
        self.monitor = SyncMonitor(self.outbox)
        self.pump = SyncPump(self.outbox, Deliverer(api), self.monitor, policy=policy, worker=self.worker)
        self._task: asyncio.Task[None] | None = None
        self._fresh: asyncio.Task[None] | None = None
        self.store_problems: list[StoreProblem] = []
        """What opening the store found (damaged and moved aside, records lost): the desktop says so."""
        self.outbox.subscribe(self._note_outbox)

    def _note_outbox(self, counts: object) -> None:
        """Keep the store's sidecar (``app.store.opening``) in step: the newest outbox id and the
        pending count, so a store emptied or replaced behind the desktop's back is noticed at start.
        Written on the store thread: a read and a file replaced, which no one on screen waits for."""
        self.worker.later(self._write_sidecar)

    def _write_sidecar(self) -> None:
        try:
            with self.store.reading() as db:
                newest, pending = db.execute(  # both from indexes: the outbox is never emptied
                    "SELECT (SELECT coalesce(max(id), 0) FROM outbox),"
                    " (SELECT count(*) FROM outbox WHERE state = 'pending')"
                ).fetchone()
        except Exception:  # the store fails: the workstation reports that itself
            return
        note_outbox(self.store.path, int(newest), int(pending))

    @classmethod
    def open(
        cls,
        base_url: str,
        *,
        account: str,
        database: Path | None = None,
        secrets: SecretStore | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        ca_file: str = "",
    ) -> SyncService:
        """Open the local database (default: the user data dir) and a client for ``base_url``.
        ``secrets`` defaults to the OS keyring (see :attr:`keyring_message`). A store that cannot be
        used raises :class:`app.store.opening.StoreUnusable`; one found damaged or short of records
        is dealt with and reported in :attr:`store_problems`. ``ca_file``: the ``server_ca_file``
        setting (:mod:`app.client.tls`)."""
        if database is None:
            from app.store.paths import database_path

            database = database_path()
        opened = open_checked(database)
        api = ApiClient(
            base_url, account=account, secrets=secrets or SecretStore(), timeout=timeout, ca_file=ca_file
        )
        service = cls(opened.store, api)
        service.store_problems = opened.problems
        return service

    @property
    def keyring_message(self) -> str | None:
        """What to tell the operator when secrets cannot be kept in the OS keyring (else ``None``)."""
        secrets = self.api.tokens.secrets
        return None if secrets is None else secrets.message

    @property
    def status(self) -> SyncStatus:
        return self.monitor.status

    def subscribe(self, listener: Callable[[SyncStatus], None]) -> Callable[[], None]:
        """Banner updates: pending and parked counts, online, login required."""
        return self.monitor.subscribe(listener)

    async def resume(self) -> UserOut | None:
        """Continue the login kept in the keyring; ``None``: ask for the password.

        With the server unreachable the operator still starts working: the user last seen is
        returned from the cache, and the pump refreshes the login when the server is back."""
        try:
            user = await self.api.resume()
        except TransientError as exc:
            if isinstance(exc, UntrustedServerError):  # the banner says so from the start: IT must act
                self.monitor.update(online=False, last_error=str(exc), untrusted=True)
            if self.api.tokens.refresh_token() is None:
                return None
            cached = self.documents.get("user", self.api.tokens.account, UserOut)
            return None if cached is None else cached[0]
        if user is not None:
            self.documents.put("user", self.api.tokens.account, user)
        return user

    async def login(self, name: str, password: str) -> UserOut:
        """Log in (again); sending resumes if it was waiting for this."""
        user = await self.api.login(name, password)
        self.documents.put("user", self.api.tokens.account, user)
        if self.monitor.status.login_required:
            self.pump.logged_in()
        return user

    def start(self) -> None:
        """Start the pump in the running event loop (it resumes whatever is pending), and the renewal
        of the access token ahead of its expiry (``app.client.fresh``: a call after a long idle does
        not pay for it)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.pump.run(), name="sync-pump")
        if self._fresh is None or self._fresh.done():
            self._fresh = asyncio.get_running_loop().create_task(keep_fresh(self.api), name="token-fresh")

    def retry_now(self) -> None:
        """Try the server now (the banner's button; the OS reporting the network back)."""
        self.pump.kick()

    async def close(self) -> None:
        """Stop sending (pending items stay for the next start) and close everything."""
        if self._fresh is not None:
            self._fresh.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._fresh
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.api.aclose()
        await asyncio.to_thread(self.worker.close)  # what was handed to the store thread is written
        self.store.close()
