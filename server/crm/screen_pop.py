"""``GET /contacts/lookup``'s CRM half: the configured CRM asked about an unknown caller, within the
budget (:mod:`server.crm.lookup`), its answer in the wire's shape with the source named."""

from __future__ import annotations

from starlette.requests import Request

from app.wire.crm import CrmContactOut, clip
from server.crm.lookup import ask_crm
from server.crm.worker import CrmService


def service_of(request: Request) -> CrmService | None:
    service = getattr(request.app.state, "crm", None)
    return service if isinstance(service, CrmService) else None


async def crm_lookup(request: Request, numbers: list[str]) -> CrmContactOut | None:
    """What the CRM knows of the first of ``numbers``; ``None``: no CRM, nothing known, or not in time."""
    service = service_of(request)
    if service is None or service.adapter is None:
        return None
    found = await ask_crm(service, numbers)
    if found is None:
        return None
    return CrmContactOut(
        source=found.source,
        external_id=found.external_id[:64],
        name=clip(found.name) or "",
        phones=[p[:300] for p in found.phones[:20]],
        email=clip(found.email),
        company=clip(found.company),
        url=found.url if found.url and len(found.url) <= 2048 else None,
    )
