"""One router per resource. To add one: write ``server/api/routes/<resource>.py`` with
``router = APIRouter(prefix="/<resource>", tags=["<resource>"])`` and append it to ``ROUTERS``."""

from fastapi import APIRouter

from server.api.routes import (
    auth,
    calls,
    catalogue,
    contacts,
    desktop_calls,
    disposition_batch,
    dispositions,
    health,
    kpi,
    late,
    me,
    requests,
    routing,
    scripts,
    statuses,
    tasks,
    team_tasks,
    thresholds,
    users,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    users.router,
    contacts.router,
    catalogue.router,
    dispositions.router,
    disposition_batch.router,
    statuses.router,
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
)
