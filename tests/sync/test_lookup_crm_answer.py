"""The desktop's reading of a lookup's 404 (issue 19): the CRM's contact when the server found one in
the centre's CRM; nothing, never an error, for an older server's plain 404 or a body it cannot read
(a screen pop must not fail over the CRM's data)."""

from __future__ import annotations

import httpx
import pytest

from app.client.api import crm_of


def answer(content: bytes) -> httpx.Response:
    return httpx.Response(404, content=content, headers={"Content-Type": "application/json"})


def test_the_crms_contact_is_read_with_its_source() -> None:
    body = (
        b'{"detail": "no contact", "crm": {"source": "bitrix24", "external_id": "27", "name": "<b>A</b>",'
        b' "phones": ["+7 912 555-01-27"], "email": null, "company": null, "url": null, "later": 1}}'
    )
    crm = crm_of(answer(body))
    assert crm is not None and (crm.source, crm.name, crm.phones) == (
        "bitrix24",
        "<b>A</b>",
        ["+7 912 555-01-27"],
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"detail": "no contact has this number"}',
        b'{"detail": "x", "crm": {"source": "", "external_id": "1", "name": "A"}}',
        b'{"detail": "x", "crm": {"source": "bitrix24", "name": "' + b"A" * 400 + b'", "external_id": "1"}}',
        b"<html>502</html>",
        b"",
    ],
)
def test_anything_else_is_simply_unknown(body: bytes) -> None:
    assert crm_of(answer(body)) is None
