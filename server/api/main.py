"""``create_app(settings)``: the FastAPI application.

Schema migrations are not run here (``ringdesk-server serve`` runs them first), so tests and tools
decide when the schema changes. Pass ``database`` to share an engine (tests, benchmarks); otherwise
one is created from ``settings.database_url`` and disposed when the app shuts down.

On startup the app adds the catalogue rows every desktop relies on (the ``shift_start`` not-ready
reason) when the database lacks them: data, not schema, so it is a startup hook rather than a
migration (it also repairs a database whose rows were emptied, and admins may still edit the labels).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp

import app as ringdesk
from app.wire.requests import CATALOGUE_MESSAGE, QUEUES_MESSAGE
from server.api.admission import Admission
from server.api.broadcast import QUEUES
from server.api.caches import PrincipalCache
from server.api.context import AppContext
from server.api.docs import add_docs
from server.api.errors import install_error_handlers
from server.api.headers import SecurityHeadersMiddleware
from server.api.lean_lookup import LeanLookup
from server.api.middleware import RequestLogMiddleware
from server.api.pgfeed import Listener, NotifyRelay
from server.api.routes import ROUTERS
from server.api.userwatch import UserWatch
from server.chains import trigger as chain_trigger
from server.chains.clock import Clock
from server.chains.worker import ChainWorker
from server.crm.worker import CrmService
from server.crud.catalogue import ensure_required_reasons
from server.db import Database
from server.logs import register_secret
from server.messaging.base import Provider
from server.pbx.call_sources import call_sources
from server.pbx.registry import follower_for
from server.presence import Presence
from server.ratelimit import DatabaseLoginThrottle
from server.reports.daily import DailyReportWorker
from server.settings import Settings
from server.webhooks.delivery import DeliveryWorker

log = logging.getLogger("ringdesk.server")

DESCRIPTION = """Central server of ringdesk: users and roles, contacts, dispositions, operator
statuses and call scripts. Log in at `POST /auth/login`, then send the access token as
`Authorization: Bearer <token>`."""


class RingdeskAPI(FastAPI):
    """FastAPI with :class:`RequestLogMiddleware` wrapped around the whole stack (outside FastAPI's
    own error and body-limit layers, which user middleware cannot reach), and the security headers
    outside that, so even its last-resort 500 and JSON 413 carry them. Inside both, before FastAPI's
    layers: :class:`LeanLookup`, the screen pop's lookup in its common case."""

    lean_lookup = True
    """Answer the lookup's common case in :class:`LeanLookup`; ``False`` (set before the first
    request: the stack is built then) leaves every lookup to FastAPI's route, which the tests
    compare the lean answers with."""

    def build_middleware_stack(self) -> ASGIApp:
        inner = super().build_middleware_stack()
        if self.lean_lookup:
            inner = LeanLookup(inner, self)
        return SecurityHeadersMiddleware(RequestLogMiddleware(inner))


def _ensure_catalogue_defaults(db: Database) -> None:
    """Add the not-ready reasons every desktop relies on (``shift_start``) if the database lacks
    them. A database that cannot be reached yet only logs a warning: ``/health`` reports it."""
    try:
        ensure_required_reasons(db)
    except SQLAlchemyError as exc:
        log.warning(
            "could not check the required catalogue entries",
            extra={"event": "catalogue.defaults_failed", "error": type(exc).__name__},
        )


async def _purge_recordings_hourly(settings: Settings, db: Database) -> None:
    """Delete recordings past ``recording_retention_days``, at start and every hour (docs/quality.md)."""
    from starlette.concurrency import run_in_threadpool

    from server.recordings import Store, purge_expired

    store = Store(settings.recordings_path())
    while True:
        try:
            with db.sessions() as session:
                purged = await run_in_threadpool(
                    purge_expired, session, store, settings.recording_retention_days
                )
            if purged:
                log.info(
                    "recordings past retention deleted", extra={"event": "recordings.purged", "count": purged}
                )
        except (SQLAlchemyError, OSError) as exc:
            log.warning(
                "recordings retention failed", extra={"event": "recordings.purge_failed", "error": str(exc)}
            )
        await asyncio.sleep(3600)


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    chain_clock: Clock | None = None,
    chain_providers: Mapping[str, Provider] | None = None,
    run_chains: bool = True,
) -> FastAPI:
    """The app; ``chain_clock`` and ``chain_providers``: the chain worker's clock and senders
    (tests move the clock; by default the system's, and the providers the settings configure).
    ``run_chains=False``: the chain worker runs in a process of its own (``serve`` on PostgreSQL,
    :mod:`server.chains.process`), not in this one."""
    db = database if database is not None else Database.connect(settings.database_url)
    owns_database = database is None
    register_secret(settings.secret_key.get_secret_value())

    context = AppContext(
        settings=settings,
        database=db,
        login_throttle=DatabaseLoginThrottle(db, settings.login_max_failures, settings.login_window_seconds),
        address_throttle=DatabaseLoginThrottle(
            db, settings.login_max_failures_per_ip, settings.login_window_seconds
        ),
        queues=follower_for(settings),
        user_watch=UserWatch(db, settings.live_recheck_seconds),
        principals=PrincipalCache(settings.auth_cache_seconds),
        admission=Admission.for_engine(db.engine),
    )
    presence = Presence(context)

    def catalogue_changed(message: str | None) -> None:
        if message is None or message == CATALOGUE_MESSAGE:
            context.codes.invalidate()
        if message is None or message == chain_trigger.CHAINS_MESSAGE:
            chain_trigger.forget()

    context.status_feed.watchers.append(catalogue_changed)
    listener: Listener | None = None
    if db.engine.dialect.name == "postgresql":
        context.status_feed.relay = NotifyRelay()
        listener = Listener(db.engine.url, context.status_feed)

    calls = call_sources(settings, db, context.queues, context.waiting)
    # each worker hears the PBX itself: its own boards only, never through the relay (N copies)
    context.waiting.listeners.append(lambda: context.status_feed.publish(QUEUES_MESSAGE, QUEUES))
    webhooks = DeliveryWorker(settings)
    chains = ChainWorker(settings, clock=chain_clock, providers=chain_providers)
    crm = CrmService(settings)
    daily = DailyReportWorker(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _ensure_catalogue_defaults(db)
        if listener is not None:
            await listener.start()
        await context.queues.start()
        await calls.start()
        await presence.start()
        retention = asyncio.create_task(_purge_recordings_hourly(settings, db))
        await webhooks.start()
        if run_chains:
            await chains.start()
        await crm.start()
        await daily.start()
        yield
        await daily.stop()
        await crm.stop()
        if run_chains:
            await chains.stop()
        await webhooks.stop()
        retention.cancel()
        await presence.stop()
        await context.user_watch.stop()
        await context.queues.stop()
        await calls.stop()
        if listener is not None:
            await listener.stop()
        if owns_database:
            db.dispose()

    api = RingdeskAPI(
        title="ringdesk server",
        version=ringdesk.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # server.api.docs, when settings.api_docs: no CDN
        redoc_url=None,
        max_body_size=settings.max_body_bytes,
    )
    api.state.ringdesk = context
    api.state.presence = presence
    api.state.chains = chains
    api.state.crm = crm
    install_error_handlers(api)
    if settings.api_docs:
        add_docs(api)
    for router in ROUTERS:
        api.include_router(router)
    return api


SETTINGS_ENV = "RINGDESK__WORKER_SETTINGS"
"""Where ``serve --workers N`` hands its loaded settings to the worker processes (JSON). The
double underscore keeps it out of the ``RINGDESK_<FIELD>`` settings namespace."""
CHAINS_APART_ENV = "RINGDESK__CHAINS_APART"
"""Set to ``1`` by ``serve`` when the chain worker runs in processes of its own: the HTTP workers
then start none (:mod:`server.chains.process`)."""


def settings_for_workers(settings: Settings) -> str:
    """``settings`` as JSON for :data:`SETTINGS_ENV`, secrets included (``model_dump`` masks every
    ``SecretStr``: the routing key, AMI and ESL URLs too): the workers are this process's own
    children, and the environment of a process is readable only by its user."""
    values = settings.model_dump(mode="json")
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            values[name] = value.get_secret_value()
    return json.dumps(values)


def app_from_environment() -> FastAPI:
    """The app of one ``serve --workers N`` worker (a uvicorn factory: no arguments)."""
    from server.logs import configure_logging

    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise RuntimeError(f"{SETTINGS_ENV} is not set: start workers with ringdesk-server serve --workers N")
    settings = Settings.model_validate(json.loads(raw))
    configure_logging(settings.log_level)
    return create_app(settings, run_chains=os.environ.get(CHAINS_APART_ENV) != "1")
