"""One router per resource. To add one: write ``server/api/routes/<resource>.py`` with
``router = APIRouter(prefix="/<resource>", tags=["<resource>"])`` and append it to ``ROUTERS``."""

from fastapi import APIRouter

from server.api.routes import (
    auth,
    calls,
    catalogue,
    chains,
    contacts,
    desktop_calls,
    disposition_batch,
    dispositions,
    health,
    kpi,
    late,
    me,
    quality,
    recordings,
    reports,
    requests,
    routing,
    scripts,
    statuses,
    supervision,
    tasks,
    team_tasks,
    thresholds,
    users,
    webhooks,
)

ROUTERS: tuple[APIRouter, ...] = (
    # The hot paths first: a request is matched against the routes in this order, and matching
    # every route before ``/dispositions`` was a fifth of a POST's CPU. Prefixes do not overlap,
    # so the order decides nothing else.
    dispositions.router,
    disposition_batch.router,
    contacts.router,
    statuses.router,
    health.router,
    auth.router,
    users.router,
    catalogue.router,
    scripts.router,
    kpi.router,
    requests.router,
    thresholds.router,
    me.router,
    routing.router,
    late.router,
    desktop_calls.router,
    calls.router,
    tasks.router,
    team_tasks.router,
    recordings.router,
    supervision.router,
    quality.router,
    reports.router,
    webhooks.router,
    chains.router,
)
