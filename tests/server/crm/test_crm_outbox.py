"""The CRM outbox on the app with its real worker, talking to a replayed Bitrix24 portal over real
HTTP: a call is registered when it starts and finished once when it ends, with its operator and the
recording's link; a portal that is down, limiting or refusing loses nothing and holds up nobody;
contacts created in ringdesk reach the CRM unless it has the number; the screen pop asks the CRM
within its budget and says where the data came from."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from server.crm import connection as connections
from server.crm.bitrix24 import Bitrix24Config
from server.db import Database
from server.models import CrmJob
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.crm.bitrix_replay import HANG, BitrixReplay
from tests.server.helpers import People
from tests.server.tasks_support import report, task_settings
from tests.server.test_dispositions import call, catalogue, new_key, post

PETR = "+79125550127"
ANNA = "+79125550131"
RECORDING_URL = "https://ringdesk.example.ru/recordings/{id}/audio"

__all__ = ["catalogue"]  # the fixture


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """SQLite unless a test asks for both (``BOTH``): the outbox's own SQL (the upsert, the claim with
    SKIP LOCKED, the guarded updates) runs on PostgreSQL in the tests marked so; the others are about
    the CRM, the same on either (``make test`` stays within its time)."""
    return str(getattr(request, "param", "sqlite"))


BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def settings(db_url: str, tmp_path: Any) -> Settings:
    return task_settings(
        make_settings(
            db_url,
            recordings_dir=str(tmp_path / "recordings"),
            crm_poll_seconds=0.05,
            crm_retry_base_seconds=0.3,
            crm_retry_max_seconds=0.6,
            crm_max_attempts=3,
            crm_timeout_seconds=1.0,
            crm_lookup_timeout_seconds=1.5,
        )
    )


@pytest.fixture
def portal() -> Iterator[BitrixReplay]:
    with BitrixReplay() as replay:
        replay.known[PETR] = "contact_get.json"
        replay.known[ANNA] = "contact_get_html.json"
        yield replay


@pytest.fixture
def connected(database: Database, portal: BitrixReplay, people: People) -> BitrixReplay:
    """Bitrix24 configured as ``crm bitrix24 set`` stores it (op_n1 is Bitrix24 user 12)."""
    with database.session() as session:
        connections.save(
            session,
            connections.Connection(
                kind="bitrix24",
                bitrix24=Bitrix24Config(url=portal.url, default_user=1, users={"op_n1": 12}),
                recording_url=RECORDING_URL,
            ),
        )
        session.commit()
    return portal


def jobs(database: Database) -> list[CrmJob]:
    with database.session() as session:
        return list(session.scalars(select(CrmJob).order_by(CrmJob.id)))


def wait_for_jobs(
    database: Database, condition: Callable[[list[CrmJob]], bool], timeout: float = 20
) -> list[CrmJob]:
    deadline = time.monotonic() + timeout
    while True:
        rows = jobs(database)
        if condition(rows):
            return rows
        assert time.monotonic() < deadline, [(j.kind, j.key, j.state, j.progress, j.last_error) for j in rows]
        time.sleep(0.02)  # the outbox re-read each time: the condition is the database's


def upload_recording(people: People, call_id: str) -> dict[str, Any]:
    data = b"OggS" + bytes(range(256)) * 8
    body = {
        "call_id": call_id,
        "queue": "sales",
        "started_at": "2026-12-06T10:00:00Z",
        "seconds": 61.5,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "pauses": [],
    }
    headers = people.headers(people.op_n1)
    rec = people.client.post("/recordings", json=body, headers=headers).json()
    stored = people.client.put(
        f"/recordings/{rec['id']}/content?offset=0",
        content=data,
        headers={**headers, "Content-Type": "application/octet-stream"},
    )
    assert stored.status_code == 200 and stored.json()["stored"], stored.text
    return dict(stored.json())


def started(people: People, call_id: str = "c1", **fields: Any) -> None:
    answer = report(
        people.client,
        call_id=call_id,
        outcome="accepted",
        missed_reason=None,
        caller=PETR,
        operator="op_n1",
        arrived_at="2026-12-07T06:00:00Z",
        answered_at="2026-12-07T06:00:05Z",
        **fields,
    )
    assert answer.status_code == 200, answer.text


@BOTH
def test_a_call_is_registered_when_it_starts_and_finished_once_with_its_recording(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    started(people)
    connected.wait_for(lambda seen: any(r.method == "telephony.externalcall.register" for r in seen))
    register = connected.of("telephony.externalcall.register")[0].params
    assert (register["USER_ID"], register["PHONE_NUMBER"], register["TYPE"]) == (12, PETR, 2)
    wait_for_jobs(database, lambda rows: rows[0].state == "waiting")
    assert not connected.of("telephony.externalcall.finish")

    started(people, ended_at="2026-12-07T06:01:40Z")
    rows = wait_for_jobs(database, lambda rows: rows[0].state == "done")
    finish = connected.of("telephony.externalcall.finish")
    assert len(finish) == 1
    assert finish[0].params == {
        "CALL_ID": "externalCall.cf1649fa0f4479870b76a0686f4a7058.1733562003",
        "USER_ID": 12,
        "DURATION": 95,
        "STATUS_CODE": "200",
    }

    rec = upload_recording(people, "c1")
    link = RECORDING_URL.replace("{id}", str(rec["id"]))
    connected.wait_for(lambda seen: any(r.method == "telephony.externalCall.attachRecord" for r in seen))
    rows = wait_for_jobs(
        database, lambda rows: rows[0].state == "done" and rows[0].progress.get("recording") == link
    )
    assert connected.of("telephony.externalCall.attachRecord")[0].params["RECORD_URL"] == link

    started(people, ended_at="2026-12-07T06:01:40Z")  # a second source's report of the same end
    wait_for_jobs(database, lambda rows: rows[0].state == "done")
    methods = [r.method for r in connected.requests]
    assert methods.count("telephony.externalcall.register") == 1
    assert methods.count("telephony.externalcall.finish") == 1
    assert methods.count("telephony.externalCall.attachRecord") == 1
    assert len(rows) == 1
    times = [r.at for r in connected.requests]
    # never a burst: sent 0.5 s apart (measured on arrival, where a loaded machine may delay one)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.3


def test_a_recording_known_before_the_finish_goes_with_it(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    connected.queue("telephony.externalcall.register", HANG)  # the portal hangs: nothing is sent yet
    started(people)
    rec = upload_recording(people, "c1")
    started(people, ended_at="2026-12-07T06:01:40Z")
    rows = wait_for_jobs(database, lambda rows: rows[0].state == "done", timeout=30)
    finish = connected.of("telephony.externalcall.finish")
    assert len(finish) == 1 and finish[0].params["RECORD_URL"] == RECORDING_URL.replace(
        "{id}", str(rec["id"])
    )
    assert not connected.of("telephony.externalCall.attachRecord")
    assert rows[0].attempts >= 2  # the hanging attempt timed out and was retried


def test_a_portal_down_or_limiting_loses_nothing_and_the_call_is_sent_once_when_it_is_back(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    connected.queue("telephony.externalcall.register", "garbage.html", "query_limit_exceeded.json")
    connected.queue("telephony.externalcall.finish", "expired_token.json")
    started(people, ended_at="2026-12-07T06:01:40Z")
    rows = wait_for_jobs(database, lambda rows: rows[0].state == "done", timeout=30)
    methods = [r.method for r in connected.requests]
    assert methods.count("telephony.externalcall.finish") == 2  # the expired token, then the real one
    assert rows[0].progress["crm_call_id"]
    # the register that succeeded was not sent again when the finish failed
    answered = [r for r in connected.of("telephony.externalcall.register")]
    assert len(answered) >= 2 and rows[0].last_error is None


def test_a_request_the_crm_refuses_fails_the_job_at_once_and_holds_up_no_other(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    connected.queue("telephony.externalcall.register", "wrong_user.json")
    started(people, call_id="c1", ended_at="2026-12-07T06:01:40Z")
    started(people, call_id="c2", ended_at="2026-12-07T06:01:40Z")
    rows = wait_for_jobs(
        database, lambda rows: len(rows) == 2 and {r.state for r in rows} == {"failed", "done"}
    )
    failed = next(r for r in rows if r.state == "failed")
    assert failed.attempts == 1 and "USER_ID or USER_PHONE_INNER" in (failed.last_error or "")


def test_a_crm_that_keeps_failing_is_retried_a_bounded_number_of_times(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    connected.queue("telephony.externalcall.register", *["garbage.html"] * 10)
    started(people)
    rows = wait_for_jobs(database, lambda rows: rows[0].state == "failed", timeout=30)
    assert rows[0].attempts == 3 and len(connected.of("telephony.externalcall.register")) == 3
    assert "not a Bitrix24 answer" in (rows[0].last_error or "")


@BOTH
def test_a_contact_created_in_ringdesk_is_created_in_the_crm_unless_it_knows_the_number(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    headers = people.headers(people.op_n1)
    for name, phone in (("Ольга Петрова", "+79125550199"), ("Пётр Кузнецов", PETR)):
        answer = people.client.post("/contacts", json={"name": name, "phones": [phone]}, headers=headers)
        assert answer.status_code == 201, answer.text
    rows = wait_for_jobs(database, lambda rows: len(rows) == 2 and all(r.state == "done" for r in rows))
    assert [r.progress for r in rows] == [
        {"crm_contact_id": "45", "created": True},
        {"crm_contact_id": "27", "created": False},
    ]
    added = connected.of("crm.contact.add")
    assert len(added) == 1 and added[0].params["fields"]["NAME"] == "Ольга"


def test_nothing_is_queued_while_no_crm_is_configured(people: People, database: Database) -> None:
    started(people, ended_at="2026-12-07T06:01:40Z")
    assert jobs(database) == []


def test_the_screen_pop_gets_the_crms_contact_marked_with_its_source(
    people: People, connected: BitrixReplay
) -> None:
    answer = people.client.get(
        "/contacts/lookup", params={"phone": "8 912 555-01-27"}, headers=people.headers(people.op_n1)
    )
    assert answer.status_code == 404
    body = answer.json()
    assert body["crm"]["source"] == "bitrix24" and body["crm"]["name"] == "Пётр Кузнецов"
    assert body["crm"]["external_id"] == "27" and body["crm"]["email"] == "p.kuznetsov@example.ru"
    assert "bitrix24" in body["detail"]

    html = people.client.get("/contacts/lookup", params={"phone": ANNA}, headers=people.headers(people.op_n1))
    assert html.json()["crm"]["name"] == "<b>Анна</b> <img src=x onerror=alert(1)>"  # as the CRM has it

    unknown = people.client.get(
        "/contacts/lookup", params={"phone": "+79990000000"}, headers=people.headers(people.op_n1)
    )
    assert unknown.status_code == 404 and unknown.json() == {"detail": "no contact has this number"}


def test_a_slow_crm_answers_not_found_within_the_budget_and_slows_nothing_else(
    people: People, connected: BitrixReplay, settings: Settings
) -> None:
    connected.queue("crm.duplicate.findbycomm", HANG, HANG)
    headers = people.headers(people.op_n1)
    created = people.client.post(
        "/contacts", json={"name": "Known", "phones": ["+79125550150"]}, headers=headers
    )
    assert created.status_code == 201
    connected.wait_for(lambda seen: len(seen) >= 1)  # the new contact's job: the CRM hangs on it
    t0 = time.monotonic()
    answer = people.client.get("/contacts/lookup", params={"phone": PETR}, headers=headers)
    took = time.monotonic() - t0
    assert answer.status_code == 404 and "crm" not in answer.json()
    assert took < settings.crm_lookup_timeout_seconds + 1.0, took  # in time: the CRM hangs for a minute

    # while a screen pop waits on the hanging CRM, a caller ringdesk knows is found: before it ends
    done: dict[str, float] = {}

    def unknown() -> None:
        people.client.get("/contacts/lookup", params={"phone": "+79990000001"}, headers=headers)
        done["unknown"] = time.monotonic()

    connected.queue("crm.duplicate.findbycomm", *[HANG] * 5)  # the contact job's retries take some
    waiting = threading.Thread(target=unknown)
    waiting.start()
    connected.wait_for(lambda seen: sum(r.method == "crm.duplicate.findbycomm" for r in seen) >= 3)
    found = people.client.get("/contacts/lookup", params={"phone": "+79125550150"}, headers=headers)
    done["known"] = time.monotonic()
    waiting.join(10)
    assert found.status_code == 200 and done["known"] < done["unknown"]


@BOTH
def test_a_job_whose_worker_died_is_taken_again_after_its_lease_without_repeating_a_step(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    """A server killed after Bitrix24 registered the call (its id recorded) and before the finish:
    the job stays ``working`` until its lease runs out, then any worker finishes it, once."""
    with database.session() as session:
        session.add(
            CrmJob(
                crm="bitrix24",
                kind="call",
                key="died-1",
                revision=1,
                state="working",
                attempts=1,
                data={
                    "phone": PETR,
                    "operator": "op_n1",
                    "answered_at": "2026-12-07T06:00:05+00:00",
                    "ended_at": "2026-12-07T06:00:35+00:00",
                    "result": "answered",
                },
                progress={"crm_call_id": "externalCall.died"},
                next_at=datetime.now(UTC),
                lease_until=datetime.now(UTC) - timedelta(seconds=1),
            )
        )
        session.commit()
    rows = wait_for_jobs(database, lambda rows: rows[0].state == "done")
    assert [r.method for r in connected.requests] == ["telephony.externalcall.finish"]
    assert connected.requests[0].params["CALL_ID"] == "externalCall.died"
    assert connected.requests[0].params["DURATION"] == 30 and rows[0].attempts == 2


@pytest.mark.usefixtures("catalogue")
def test_the_operators_disposition_finishes_a_call_whose_end_no_report_gave(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    answer = report(
        people.client,
        call_id="d1",
        outcome="accepted",
        missed_reason=None,
        caller=PETR,
        arrived_at="2026-03-02T07:00:00Z",
    )
    assert answer.status_code == 200, answer.text
    wait_for_jobs(database, lambda rows: rows[0].state == "waiting")
    stored = post(people, people.op_n1, call("op_n1", call_id="d1"), new_key())
    assert stored.status_code == 201, stored.text
    wait_for_jobs(database, lambda rows: rows[0].state == "done")
    [finish] = connected.of("telephony.externalcall.finish")
    assert (finish.params["USER_ID"], finish.params["DURATION"], finish.params["STATUS_CODE"]) == (
        12,
        175,
        "200",
    )


def test_garbage_from_the_crm_is_not_found_on_the_screen_pop_and_a_bounded_failure_in_the_outbox(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    connected.queue("crm.duplicate.findbycomm", "odd_shape.json", *["odd_shape.json"] * 3)
    headers = people.headers(people.op_n1)
    answer = people.client.get("/contacts/lookup", params={"phone": PETR}, headers=headers)
    assert answer.status_code == 404 and answer.json() == {"detail": "no contact has this number"}
    created = people.client.post(
        "/contacts", json={"name": "Ольга", "phones": ["+79125550199"]}, headers=headers
    )
    assert created.status_code == 201
    rows = wait_for_jobs(database, lambda rows: bool(rows) and rows[0].state == "failed", timeout=30)
    assert rows[0].attempts == 3 and "unexpected shape" in (rows[0].last_error or "")
