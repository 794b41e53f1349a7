"""Calls the operators place (the dial pad, a callback task) reach Bitrix24 too: the server learns
of them from the operator's disposition, which now says the call's direction and the number dialled.
Each is registered as an outgoing call (``TYPE=1``) on its operator, finished once with its talk
time and result, and gets its recording's link, against the replayed Bitrix24 the CRM tests use
(``tests/server/crm/recorded/``: answers shaped after Bitrix24's documentation, not captured from a
live portal)."""

from __future__ import annotations

import pytest

from server.db import Database
from tests.server.crm.bitrix_replay import BitrixReplay
from tests.server.crm.test_crm_outbox import (
    BOTH,
    PETR,
    RECORDING_URL,
    backend,
    catalogue,
    connected,
    jobs,
    portal,
    settings,
    upload_recording,
    wait_for_jobs,
)
from tests.server.helpers import People
from tests.server.test_dispositions import call, new_key, post

__all__ = ["backend", "catalogue", "connected", "portal", "settings"]  # the fixtures


@BOTH
@pytest.mark.usefixtures("catalogue")
def test_an_outbound_call_is_registered_as_outgoing_and_finished_with_its_recording(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    body = call("op_n1", call_id="out-1", direction="outbound", number="8 912 555-01-27")
    stored = post(people, people.op_n1, body, new_key())
    assert stored.status_code == 201, stored.text
    assert (stored.json()["direction"], stored.json()["number"]) == ("outbound", PETR)
    wait_for_jobs(database, lambda rows: len(rows) == 1 and rows[0].state == "done")
    [register] = connected.of("telephony.externalcall.register")
    assert (register.params["TYPE"], register.params["PHONE_NUMBER"], register.params["USER_ID"]) == (
        1,
        PETR,
        12,
    )
    assert register.params["CALL_START_DATE"] == "2026-03-02T07:00:00+00:00"  # the ring time
    [finish] = connected.of("telephony.externalcall.finish")
    assert (finish.params["USER_ID"], finish.params["DURATION"], finish.params["STATUS_CODE"]) == (
        12,
        175,
        "200",
    )
    rec = upload_recording(people, "out-1")
    link = RECORDING_URL.replace("{id}", str(rec["id"]))
    wait_for_jobs(database, lambda rows: rows[0].progress.get("recording") == link)
    [attached] = connected.of("telephony.externalCall.attachRecord")
    assert attached.params["RECORD_URL"] == link


@pytest.mark.usefixtures("catalogue")
def test_an_unanswered_outbound_call_is_finished_as_missed_and_an_inbound_disposition_adds_no_call(
    people: People, connected: BitrixReplay, database: Database
) -> None:
    unanswered = call("op_n1", call_id="out-2", direction="outbound", number="+79125550127", answer_at=None)
    inbound = call("op_n1", call_id="in-9", direction="inbound")  # no report of it: nothing to finish
    for body in (inbound, unanswered):
        assert post(people, people.op_n1, body, new_key()).status_code == 201
    wait_for_jobs(database, lambda rows: len(rows) == 1 and rows[0].state == "done")
    [register] = connected.of("telephony.externalcall.register")
    assert register.params["TYPE"] == 1
    [finish] = connected.of("telephony.externalcall.finish")
    assert (finish.params["DURATION"], finish.params["STATUS_CODE"]) == (0, "304")
    assert [j.key for j in jobs(database)] == ["out-2"]
