"""Recordings on the server (issue 18): resumable upload checked by SHA-256, content-addressed files
outside the database, access by role with every play audited, deletion after the retention period."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from server.db import Database
from server.models.base import utcnow
from server.recordings import Store, purge_expired
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People, TestUser, audit_rows
from tests.server.test_dispositions import call, catalogue, new_key, post

__all__ = ["catalogue"]  # the fixture


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, recordings_dir=str(tmp_path / "recordings"))


def announce(people: People, who: TestUser, data: bytes, call_id: str = "call-1") -> Any:
    body = {
        "call_id": call_id,
        "queue": "sales",
        "started_at": "2026-12-06T10:00:00Z",
        "seconds": 61.5,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "pauses": [{"start": 2.02, "end": 3.54}],
    }
    return people.client.post("/recordings", json=body, headers=people.headers(who))


def put(people: People, who: TestUser, rec_id: int, offset: int, chunk: bytes) -> Any:
    headers = {**people.headers(who), "Content-Type": "application/octet-stream"}
    return people.client.put(f"/recordings/{rec_id}/content?offset={offset}", content=chunk, headers=headers)


def upload(people: People, who: TestUser, data: bytes, call_id: str = "call-1") -> dict[str, Any]:
    first = announce(people, who, data, call_id)
    assert first.status_code in (200, 201), first.text
    rec = first.json()
    offset = rec["received"]
    while offset < len(data):
        answer = put(people, who, rec["id"], offset, data[offset : offset + 100_000])
        assert answer.status_code == 200, answer.text
        rec = answer.json()
        offset = rec["received"]
    assert rec["stored"] is True
    return dict(rec)


def test_upload_resumes_at_the_servers_offset_and_stores_by_content(
    people: People, settings: Settings
) -> None:
    data = os.urandom(250_000)
    rec = announce(people, people.op_n1, data).json()
    assert rec["received"] == 0 and rec["stored"] is False
    assert put(people, people.op_n1, rec["id"], 0, data[:100_000]).json()["received"] == 100_000
    # the desktop restarts: announcing again tells it where the server is
    again = announce(people, people.op_n1, data)
    assert (
        again.status_code == 200 and again.json()["id"] == rec["id"] and again.json()["received"] == 100_000
    )
    wrong = put(people, people.op_n1, rec["id"], 0, data[:100_000])  # a resend of what is already held
    assert wrong.status_code == 409 and wrong.json()["received"] == 100_000
    assert put(people, people.op_s1, rec["id"], 100_000, data[100_000:]).status_code == 403
    done = put(people, people.op_n1, rec["id"], 100_000, data[100_000:]).json()
    assert done["stored"] is True and done["received"] == len(data)
    digest = hashlib.sha256(data).hexdigest()
    stored = Path(settings.recordings_dir) / digest[:2] / digest[2:4] / f"{digest}.ogg"
    assert stored.read_bytes() == data
    assert not list((Path(settings.recordings_dir) / "incoming").iterdir())
    # a chunk sent again after the end changes nothing: stored once
    assert put(people, people.op_n1, rec["id"], 100_000, data[100_000:]).json()["stored"] is True
    assert stored.read_bytes() == data
    assert announce(people, people.op_n1, b"other bytes").status_code == 409


def test_a_corrupted_upload_starts_again(people: People) -> None:
    data = os.urandom(10_000)
    rec = announce(people, people.op_n1, data).json()
    bad = put(people, people.op_n1, rec["id"], 0, b"x" + data[1:])
    assert bad.status_code == 422
    assert announce(people, people.op_n1, data).json()["received"] == 0
    assert put(people, people.op_n1, rec["id"], 0, data).json()["stored"] is True


def test_only_the_operator_their_lead_and_admins_hear_it_and_each_play_is_audited(
    people: People, database: Database
) -> None:
    data = os.urandom(30_000)
    rec = upload(people, people.op_n1, data)
    path = f"/recordings/{rec['id']}/audio"
    for who in (people.op_s1, people.op_n2, people.lead_s):
        answer = people.client.get(path, headers=people.headers(who))
        assert answer.status_code == 403, (who.name, answer.status_code)
        assert people.client.get(f"/recordings/{rec['id']}", headers=people.headers(who)).status_code == 403
    for who in (people.op_n1, people.lead_n, people.admin):
        answer = people.client.get(path, headers=people.headers(who))
        assert answer.status_code == 200 and answer.content == data
        assert answer.headers["content-type"] == "audio/ogg"
    seek = people.client.get(path, headers={**people.headers(people.lead_n), "Range": "bytes=1000-1999"})
    assert seek.status_code == 206 and seek.content == data[1000:2000]
    plays = [(e.actor_name, e.target) for e in audit_rows(database, "recording.play")]
    target = f"recording:{rec['id']}"
    assert plays == [("op_n1", target), ("lead_n", target), ("admin", target), ("lead_n", target)]
    listed = people.client.get(f"/recordings/{rec['id']}/plays", headers=people.headers(people.lead_n)).json()
    assert [p["user"] for p in listed] == ["op_n1", "lead_n", "admin", "lead_n"]
    by_call = people.client.get("/recordings?call_id=call-1", headers=people.headers(people.op_s1))
    assert by_call.json() == []


def test_retention_deletes_the_file_and_keeps_the_record(
    people: People, database: Database, settings: Settings
) -> None:
    data = os.urandom(5_000)
    rec = upload(people, people.op_n1, data)
    store = Store(settings.recordings_path())
    with database.sessions() as session:
        assert purge_expired(session, store, 90, utcnow() + timedelta(days=89)) == 0
    assert store.stored(rec["sha256"]).exists()
    with database.sessions() as session:
        assert purge_expired(session, store, 90, utcnow() + timedelta(days=91)) == 1
    assert not store.stored(rec["sha256"]).exists()
    gone = people.client.get(f"/recordings/{rec['id']}/audio", headers=people.headers(people.admin))
    assert gone.status_code == 410
    assert people.client.get(f"/recordings/{rec['id']}", headers=people.headers(people.admin)).json()[
        "purged"
    ]


@pytest.mark.usefixtures("catalogue")
def test_the_contacts_history_shows_the_recording_and_its_pauses_to_those_who_may_hear_it(
    people: People,
) -> None:
    contact = people.client.post(
        "/contacts", json={"name": "Петров", "phones": ["+79123456780"]}, headers=people.headers(people.op_n1)
    ).json()["id"]
    body = call("op_n1", contact_id=contact)
    assert post(people, people.op_n1, body, new_key()).status_code == 201
    rec = upload(people, people.op_n1, os.urandom(2_000), call_id=body["call_id"])

    def history(who: TestUser) -> Any:
        answer = people.client.get(f"/contacts/{contact}/history", headers=people.headers(who))
        assert answer.status_code == 200, answer.text
        [item] = answer.json()["items"]
        return item["recording"]

    for who in (people.op_n1, people.lead_n, people.admin):
        shown = history(who)
        assert shown["id"] == rec["id"] and shown["stored"] is True
        assert shown["pauses"] == [{"start": 2.02, "end": 3.54}]
    for who in (people.op_n2, people.op_s1, people.lead_s):
        assert history(who) is None


def test_an_upload_abandoned_past_retention_is_refused_not_resumed(
    people: People, database: Database, settings: Settings
) -> None:
    data = os.urandom(3_000)
    rec = announce(people, people.op_n1, data).json()
    with database.sessions() as session:
        purge_expired(session, Store(settings.recordings_path()), 90, utcnow() + timedelta(days=91))
    again = announce(people, people.op_n1, data).json()
    assert again["purged"] is True and again["stored"] is False
    assert put(people, people.op_n1, rec["id"], 0, data).status_code == 410
