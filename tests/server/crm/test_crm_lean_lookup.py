"""The screen pop's lookup of a caller ringdesk does not know but the CRM does: the lean layer
(``server.api.lean_lookup``) answers with the very 404 FastAPI's route gives, CRM contact included."""

from __future__ import annotations

import pytest

from tests.server.crm.test_crm_outbox import ANNA, PETR, backend, connected, portal, settings
from tests.server.helpers import People, TestClient
from tests.server.test_lean_lookup import answered, plain, same

__all__ = ["answered", "backend", "connected", "plain", "portal", "settings"]  # fixtures
"""(``plain``, the server without the lean layer, is made with this module's CRM ``settings``.)"""


@pytest.mark.usefixtures("connected")
def test_the_crms_contact_comes_in_the_same_404(
    people: People, plain: TestClient, answered: list[bool]
) -> None:
    headers = people.headers(people.op_n1)
    for phone in ("8 912 555-01-27", PETR, ANNA, "+79990000000"):
        answer = same(people, plain, params={"phone": phone}, headers=headers)
        assert answer.status_code == 404
    assert answer.json() == {"detail": "no contact has this number"}
    assert "crm" in same(people, plain, params={"phone": PETR}, headers=headers).json()
    assert answered and all(answered)
