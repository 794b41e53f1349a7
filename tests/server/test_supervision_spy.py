"""Live supervision through Asterisk from the server's API (issue 18): ``POST /supervision/spy`` by the
operator's team lead drives the real AMI adapter against a recorded conversation
(``tests/pbx/recordings/asterisk_spy.ami``: Originate into ChanSpy with q, w, B; Hangup on stop);
without Asterisk configured for supervision it is 409, and other teams' leads get 403."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from server.api.main import create_app
from server.db import Database
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People, TestUser, audit_rows
from tests.support.fake_ami import FakeAmi

RECORDING = Path(__file__).parents[1] / "pbx" / "recordings" / "asterisk_spy.ami"


class FakeAmiThread:
    """The recorded Asterisk on a loop of its own, as the real one would be another process."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.fake: FakeAmi = asyncio.run_coroutine_threadsafe(self._enter(), self.loop).result(5)

    async def _enter(self) -> FakeAmi:
        return await FakeAmi(RECORDING).__aenter__()

    def wait(self, mark: str) -> None:
        event = self.fake.finished if mark == "finished" else self.fake.marks[mark]
        asyncio.run_coroutine_threadsafe(asyncio.wait_for(event.wait(), 10), self.loop).result(15)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.__aexit__(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def asterisk() -> Iterator[FakeAmiThread]:
    fake = FakeAmiThread()
    yield fake
    fake.close()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _set_up(people: People) -> None:
    admin = people.headers(people.admin)
    for who, uri in ((people.lead_n, "sip:2001@pbx"), (people.op_n1, "sip:1001@pbx")):
        answer = people.client.patch(f"/users/{who.id}/routing", json={"sip_uri": uri}, headers=admin)
        assert answer.status_code == 200, answer.text
    op = people.headers(people.op_n1)
    status_change = {"operator": "op_n1", "status": "on_call", "at": _now(), "source": "system"}
    assert people.client.post("/statuses", json=status_change, headers=op).status_code == 201
    live = {"call_id": "1772443000.9", "outcome": "accepted", "answered_at": _now()}
    assert people.client.post("/calls/desktop", json=live, headers=op).status_code == 200


def _spy(people: People, who: TestUser, mode: str) -> int:
    body = {"operator": "op_n1", "mode": mode}
    return int(people.client.post("/supervision/spy", json=body, headers=people.headers(who)).status_code)


def test_a_lead_listens_whispers_and_barges_through_chanspy(
    db_url: str, asterisk: FakeAmiThread, tmp_path: Path
) -> None:
    url = SecretStr(f"ami://ringdesk:s3cret@127.0.0.1:{asterisk.fake.port}")
    settings: Settings = make_settings(db_url, ami_url=url, supervision_via="asterisk")
    database = Database.connect(settings.database_url)
    try:
        with TestClient(create_app(settings, database=database)) as client:
            people = People.create(database, settings, client)
            asterisk.wait("connected")
            _set_up(people)
            policy = client.get("/supervision/policy", headers=people.headers(people.lead_n)).json()
            assert policy["via"] == "asterisk"  # the lead's desktop sends its intents here, not to a phone
            assert _spy(people, people.lead_s, "listen") == 403  # another team's lead
            assert _spy(people, people.lead_n, "listen") == 200
            asterisk.wait("listening")
            assert _spy(people, people.lead_n, "whisper") == 200
            asterisk.wait("whispering")
            assert _spy(people, people.lead_n, "barge") == 200
            asterisk.wait("barging")
            stop = client.delete("/supervision/spy", headers=people.headers(people.lead_n))
            assert stop.status_code == 204, stop.text
            asterisk.wait("finished")
        assert asterisk.fake.errors == []
        modes = [e.details["mode"] for e in audit_rows(database, "supervision.spy")]
        assert modes == ["listen", "whisper", "barge"]
    finally:
        database.dispose()


def test_without_asterisk_for_supervision_it_is_refused(people: People) -> None:
    _set_up(people)
    policy = people.client.get("/supervision/policy", headers=people.headers(people.lead_n)).json()
    assert policy["via"] == "ringdesk"
    assert _spy(people, people.lead_n, "listen") == 409
