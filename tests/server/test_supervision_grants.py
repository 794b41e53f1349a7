"""Supervision grants (issue 18): who may get one, for which call, signed so that the operator's
telephony service can check it offline; every grant audited. Both database backends."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.supervision import grants
from server.db import Database
from tests.server.helpers import People, TestUser, audit_rows


def _now() -> str:
    return datetime.now(UTC).isoformat()


def on_call(people: People, who: TestUser, call_id: str = "sip-call-1@pbx") -> None:
    """What the operator's desktop says when a call is answered: on_call, and the accepted call."""
    headers = people.headers(who)
    status_change = {"operator": who.name, "status": "on_call", "at": _now(), "source": "system"}
    assert people.client.post("/statuses", json=status_change, headers=headers).status_code == 201
    live = {"call_id": call_id, "outcome": "accepted", "answered_at": _now()}
    assert people.client.post("/calls/desktop", json=live, headers=headers).status_code == 200


def ask(people: People, who: TestUser, operator: str, mode: str = "listen") -> Any:
    return people.client.post(
        "/supervision/grants", json={"operator": operator, "mode": mode}, headers=people.headers(who)
    )


def policy_key(people: People, who: TestUser) -> Any:
    answer = people.client.get("/supervision/policy", headers=people.headers(who))
    assert answer.status_code == 200, answer.text
    return grants.public_key(answer.json()["public_key"])


def test_a_lead_gets_a_grant_for_their_operators_call_that_the_operators_key_verifies(
    people: People, database: Database
) -> None:
    on_call(people, people.op_n1)
    answer = ask(people, people.lead_n, "op_n1", "whisper")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["call_id"] == "sip-call-1@pbx" and body["mode"] == "whisper"
    # the operator's desktop reads the key; the grant verifies with it alone
    grant = grants.verify(body["grant"], policy_key(people, people.op_n1))
    assert (grant.lead, grant.operator, grant.call_id) == ("lead_n", "op_n1", "sip-call-1@pbx")
    assert grant.mode.value == "whisper" and {m.value for m in grant.modes} == {"listen", "whisper", "barge"}
    assert 50 <= grant.expires_at - time.time() <= 61
    entries = audit_rows(database, "supervision.grant")
    assert len(entries) == 1 and entries[0].actor_name == "lead_n"
    assert entries[0].details["call_id"] == "sip-call-1@pbx" and entries[0].details["operator"] == "op_n1"
    assert body["grant"] not in str(entries[0].details)


def test_an_admin_may_supervise_anyone_and_two_grants_differ(people: People) -> None:
    on_call(people, people.op_s1, "south-call")
    first, second = ask(people, people.admin, "op_s1"), ask(people, people.admin, "op_s1")
    assert first.status_code == second.status_code == 201
    key = policy_key(people, people.admin)
    assert grants.verify(first.json()["grant"], key).nonce != grants.verify(second.json()["grant"], key).nonce


@pytest.mark.parametrize("who", ["lead_s", "op_n2", "op_n1"])
def test_others_are_refused(people: People, database: Database, who: str) -> None:
    on_call(people, people.op_n1)
    answer = ask(people, getattr(people, who), "op_n1")
    assert answer.status_code == 403, answer.text
    assert audit_rows(database, "supervision.grant") == []


def test_no_grant_without_a_live_call(people: People) -> None:
    assert ask(people, people.lead_n, "op_n1").status_code == 409  # never on a call
    on_call(people, people.op_n1)
    ended = {"call_id": "sip-call-1@pbx", "outcome": "accepted", "ended_at": _now()}
    headers = people.headers(people.op_n1)
    assert people.client.post("/calls/desktop", json=ended, headers=headers).status_code == 200
    assert ask(people, people.lead_n, "op_n1").status_code == 409  # that call has ended
    on_call(people, people.op_n1, "sip-call-2@pbx")
    acw = {"operator": "op_n1", "status": "acw", "at": _now()}
    assert people.client.post("/statuses", json=acw, headers=headers).status_code == 201
    assert ask(people, people.lead_n, "op_n1").status_code == 409  # the call is over for the operator


def test_a_grant_from_another_key_or_tampered_or_expired_is_refused(people: People) -> None:
    on_call(people, people.op_n1)
    token = ask(people, people.lead_n, "op_n1").json()["grant"]
    key = policy_key(people, people.op_n1)
    forged, _ = grants.sign(
        grants.key_from_secret("not the server's secret, but long enough to pass"),
        lead="lead_n",
        operator="op_n1",
        call_id="sip-call-1@pbx",
        modes=tuple(grants.SupervisionMode),
        mode=grants.SupervisionMode.LISTEN,
        seconds=60,
    )
    with pytest.raises(grants.GrantRefused, match="valid"):
        grants.verify(forged, key)
    head, claims, signature = token.split(".")
    with pytest.raises(grants.GrantRefused):
        grants.verify(f"{head}.{claims[:-2]}AA.{signature}", key)
    later = time.time() + timedelta(minutes=2).total_seconds()
    with pytest.raises(grants.GrantRefused, match="expired"):
        grants.verify(token, key, now=later)
