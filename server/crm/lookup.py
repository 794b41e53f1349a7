"""The screen pop's second source: a caller ringdesk does not know, asked of the CRM within a budget.

``GET /contacts/lookup`` finds no contact -> :func:`ask_crm` asks the configured CRM, bounded by
``crm_lookup_timeout_seconds`` for the whole exchange (Bitrix24: two requests, paced at the portal's
rate; a slot that would come after the budget is not even taken). Past the budget, or on any CRM
error, the answer is "not found", in time: the card never waits for a slow CRM. The CRM's error is
logged (without the token), never shown to the operator.
"""

from __future__ import annotations

import asyncio
import logging
import time

from server.crm import pacing
from server.crm.contract import CrmContact, CrmError
from server.crm.worker import CrmService

log = logging.getLogger("ringdesk.server.crm")


async def ask_crm(service: CrmService, numbers: list[str]) -> CrmContact | None:
    """The CRM's contact for the first of ``numbers`` (E.164) it knows, within the budget."""
    adapter = service.adapter
    budget = service.settings.crm_lookup_timeout_seconds
    if adapter is None or not numbers or budget <= 0:
        return None
    started = time.monotonic()
    try:
        with pacing.deadline(started + budget):
            async with asyncio.timeout(budget):
                return await adapter.lookup_by_phone(numbers[0])
    except Exception as exc:  # whatever went wrong with the CRM, the screen pop answers "not found"
        if isinstance(exc, CrmError):
            why = str(exc)
        elif isinstance(exc, TimeoutError):
            why = f"no answer within {budget:g} s"
        else:
            log.exception("crm lookup failed", extra={"event": "crm.lookup_error"})
            why = type(exc).__name__
        log.warning(
            "crm lookup gave nothing in time",
            extra={
                "event": "crm.lookup_failed",
                "error": why,
                "ms": round((time.monotonic() - started) * 1000),
            },
        )
        return None
