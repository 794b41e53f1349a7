"""The server's body limit fits the largest batch a desktop sends (issue 14: 200 valid dispositions
with long comments were one request over the 1 MiB limit, and all of them were refused with 413)."""

from __future__ import annotations

import json

import pytest

from app.sync.deliver import BATCH_BYTES
from app.wire.dispositions import BATCH_BODY_MAX, DispositionIn
from tests.server.helpers import People
from tests.server.test_dispositions import call, catalogue, new_key

pytestmark = pytest.mark.usefixtures("catalogue")
__all__ = ["catalogue"]  # the fixture, imported to be used here

LONG = ("Клиент просил перезвонить после обеда, ждёт счёт. " * 80)[:4000]


def test_the_largest_batch_a_desktop_sends_is_accepted_even_escaped(people: People) -> None:
    """As many long dispositions as fill ``BATCH_BYTES``, written by a client that escapes every
    Cyrillic letter (``json.dumps``' default): three times the UTF-8 size, over 1 MiB."""
    items, payload = [], 0
    while True:
        body = call("op_n1", comment=LONG)
        size = len(DispositionIn.model_validate(body).model_dump_json().encode())
        if payload + size > BATCH_BYTES:
            break
        items.append({"idempotency_key": new_key(), "disposition": body})
        payload += size
    content = json.dumps({"items": items}).encode()
    assert len(content) > 1024 * 1024
    response = people.client.post(
        "/dispositions/batch",
        content=content,
        headers=people.headers(people.op_n1) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text[:300]
    assert {r["outcome"] for r in response.json()["results"]} == {"created"}


def test_a_batch_over_the_limit_is_a_json_413(people: People) -> None:
    content = b'{"items": [' + b" " * BATCH_BODY_MAX + b"]}"
    response = people.client.post(
        "/dispositions/batch",
        content=content,
        headers=people.headers(people.op_n1) | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is too large"}
