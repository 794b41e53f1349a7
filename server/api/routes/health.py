"""``GET /health``: is the process up and the database reachable? No authentication."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

import app
from server.api.context import get_context
from server.api.deps import DatabaseSlot

router = APIRouter(tags=["health"])
log = logging.getLogger("ringdesk.server.health")


class Health(BaseModel):
    status: Literal["ok", "error"]
    version: str
    database: Literal["ok", "unavailable"]


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request, _slot: DatabaseSlot) -> Health | JSONResponse:
    try:
        get_context(request).database.ping()
    except SQLAlchemyError as exc:
        log.warning("database check failed", extra={"event": "health.db_down", "error": type(exc).__name__})
        body = Health(status="error", version=app.__version__, database="unavailable")
        return JSONResponse(status_code=503, content=body.model_dump())
    return Health(status="ok", version=app.__version__, database="ok")
