"""What ``GET /contacts/lookup`` says about a caller ringdesk does not know but the centre's CRM does
(issue 19, docs/integrations.md): the 404's body carries it as ``crm``.

The values are the CRM's, as it holds them (a name may well contain ``<b>``): shown as plain text.
"""

from __future__ import annotations

from typing import Annotated

from app.wire.schema import BaseModel, ConfigDict, Field

TEXT_MAX = 300

CrmText = Annotated[str, Field(max_length=TEXT_MAX)]


class CrmContactOut(BaseModel):
    """A contact as the CRM holds it, marked with where it came from."""

    model_config = ConfigDict(extra="ignore")  # a newer server may say more: the card shows what it knows

    source: Annotated[str, Field(min_length=1, max_length=32)]
    """The CRM it came from (``bitrix24``): the card says "From Bitrix24"."""
    external_id: Annotated[str, Field(max_length=64)]
    name: CrmText
    phones: Annotated[list[CrmText], Field(max_length=20)] = Field(default_factory=list)
    email: CrmText | None = None
    company: CrmText | None = None
    url: Annotated[str, Field(max_length=2048)] | None = None


class LookupMiss(BaseModel):
    """The 404 of ``GET /contacts/lookup``: why nothing was found, and what the CRM knows, if anything."""

    detail: str
    crm: CrmContactOut | None = None


def clip(text: str | None, limit: int = TEXT_MAX) -> str | None:
    """``text`` cut to what the wire allows (a CRM's field may be longer than the card needs)."""
    return None if text is None else text[:limit]
