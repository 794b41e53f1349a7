"""``POST /calls/desktop``: the desktop as a call-outcome source, with the operator's token. A call
that rang at the operator and was not answered or was rejected becomes a missed call and a task; the
desktop that answered it makes it accepted (the task withdrawn); the desktop may only speak for its
own operator (``docs/tasks.md``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from app.session.call import CallSession
from app.tasks.outcomes import report_of
from app.telephony.events import CallEnded, EndCause, IncomingCall
from server.api.main import create_app
from server.db import Database
from server.settings import Settings
from tests.server.helpers import People, TestUser
from tests.server.tasks_support import MOBILE, report, task_settings


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(task_settings(settings), database=database)


def desktop(people: People, who: TestUser, **fields: Any) -> Any:
    body = {"call_id": "sip-1", "outcome": "missed", "missed_reason": "abandoned", "caller": MOBILE}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    return people.client.post("/calls/desktop", json=body, headers=people.headers(who))


def call(people: People, call_id: str = "sip-1") -> Any:
    return people.client.get(f"/calls/{call_id}", headers=people.headers(people.admin)).json()


def test_a_call_unanswered_at_a_desktop_is_missed_once_and_answered_elsewhere_is_accepted(
    people: People,
) -> None:
    first = desktop(people, people.op_n1, ended_at="2026-12-06T10:00:05Z")
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "missed" and first.json()["task_id"] is not None
    again = desktop(people, people.op_n1, ended_at="2026-12-06T10:00:05Z")  # the outbox resending
    assert again.json()["task_id"] == first.json()["task_id"]
    assert call(people)["sources"] == ["desktop"]
    rejected = desktop(people, people.op_n2, call_id="sip-2", missed_reason="rang_out", caller="+79120000009")
    assert rejected.json()["missed_reason"] == "rang_out"

    answered = desktop(people, people.op_n2, outcome="accepted", missed_reason=None)
    assert answered.status_code == 200, answered.text
    merged = call(people)
    assert (merged["outcome"], merged["operator"]) == ("accepted", "op_n2")
    tasks = people.client.get("/tasks", headers=people.headers(people.admin)).json()
    [task] = [t for t in tasks if t["id"] == first.json()["task_id"]]
    assert task["state"] == "cancelled"  # made of that call alone


def test_the_pbx_and_the_desktop_report_one_call(people: People) -> None:
    assert report(people.client, call_id="sip-3").status_code in (200, 201)
    desktop(people, people.op_n1, call_id="sip-3")
    assert call(people, "sip-3")["sources"] == ["pbx", "desktop"]


def test_a_desktop_speaks_only_for_its_operator(people: People) -> None:
    assert desktop(people, people.lead_n).status_code == 403
    assert (
        people.client.post("/calls/desktop", json={"call_id": "x", "outcome": "accepted"}).status_code == 401
    )
    someone_else = desktop(people, people.op_n1, outcome="accepted", missed_reason=None, operator="op_n2")
    assert someone_else.status_code == 422
    assert desktop(people, people.op_n1, missed_reason="out_of_hours").status_code == 422
    assert desktop(people, people.op_n1, missed_reason="abandoned", operator="op_n1").status_code == 422
    assert desktop(people, people.op_n1, outcome="non_target", missed_reason=None).status_code == 422
    assert people.client.get("/calls/sip-1", headers=people.headers(people.admin)).status_code == 404


def _rang_here(people: People, name: str, seconds: float) -> Any:
    """The desktop's own report (``app.tasks.outcomes.report_of``) of a call whose caller hung up
    after it rang ``seconds`` at op_n1, posted as the outbox posts it."""
    now = datetime.now(UTC)
    event = IncomingCall(
        call_id=name, account_id="main", number=MOBILE, display_name="", remote_uri=f"sip:{MOBILE}@pbx",
        sip_call_id=f"sip-{name}", at=now.timestamp(),
    )  # fmt: skip
    rang = CallSession.incoming(event, operator="op_n1", at=now - timedelta(seconds=seconds))
    ended = CallEnded(call_id=name, cause=EndCause.CANCELLED, code=487, reason="", talk_s=0, total_s=0, at=0)
    report = report_of(rang.on_ended(ended, now))
    assert report is not None
    return people.client.post(
        "/calls/desktop",
        content=report.model_dump_json(),
        headers=people.headers(people.op_n1) | {"Content-Type": "application/json"},
    )


def test_a_caller_who_gives_up_at_once_is_not_a_missed_call_to_call_back(people: People) -> None:
    """The desktop says how long the call rang: a caller who hung up within the greeting
    (``non_target_seconds``, 5 s) is non-target with no callback task; one who waited is missed."""
    quick = _rang_here(people, "quick", 2)
    assert quick.status_code == 200, quick.text
    assert (quick.json()["outcome"], quick.json()["task_id"], quick.json()["wait_seconds"]) == (
        "non_target",
        None,
        2,
    )
    patient = _rang_here(people, "patient", 30).json()
    assert (patient["outcome"], patient["missed_reason"]) == ("missed", "abandoned")
    assert patient["wait_seconds"] == 30
    assert patient["task_id"] is not None


def test_the_rings_at_a_desktop_do_not_shorten_the_pbx_queue_wait(people: People) -> None:
    """A desktop sees only its own ring, a part of the caller's wait: it never shortens the wait a PBX
    (or another desktop) reported, whichever report comes first."""
    pbx = report(people.client, call_id="sip-late", missed_reason="abandoned", wait_seconds=40)
    assert pbx.status_code in (200, 201), pbx.text
    desktop(people, people.op_n1, call_id="sip-late", wait_seconds=3)
    merged = call(people, "sip-late")
    assert (merged["outcome"], merged["wait_seconds"]) == ("missed", 40)
    assert merged["task_id"] is not None
    desktop(people, people.op_n1, call_id="sip-hunt", missed_reason="rang_out", wait_seconds=15)
    desktop(people, people.op_n2, call_id="sip-hunt", wait_seconds=2)  # the next desk: gave up there
    assert (call(people, "sip-hunt")["outcome"], call(people, "sip-hunt")["wait_seconds"]) == ("missed", 15)
