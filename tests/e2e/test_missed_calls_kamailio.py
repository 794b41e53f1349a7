"""Real SIP callers that nobody takes become missed calls and callback tasks (issue 16's proof).

Kamailio (the Debian package) asks the ringdesk server's ``GET /routing/next`` for each call to
``q-support``, with the call's Call-ID, caller and dialled number and ``final=1`` (it keeps no queue:
a ``none`` answer is a ``480`` that ends the call). sipp places the calls. Read back through the API:

* nobody logged in: the call is missed (``nobody_logged_in``) and a callback task is made;
* the only operator logged in but not ready: missed (``rang_out``), a task;
* an operator ready: the call rings at her phone (a sipp UAS that rings and never answers); the
  caller cancels within the greeting (under ``non_target_seconds``): Kamailio reports the abandon to
  ``POST /calls/outcomes`` and the server makes it ``non_target``, no task; a caller who waited
  longer is missed (``abandoned``) and becomes a task.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.db import Database
from server.models import User
from tests.e2e.test_routing_kamailio import HTTP_CLIENT, add_admin
from tests.server.conftest import make_settings
from tests.server.helpers import add_user
from tests.server.live import LiveServer
from tests.support.kamailio import Kamailio, kamailio_available
from tests.support.sipp import Sipp, run_sipp, sipp_available

ROUTING_KEY = "kamailio-routing-key"
SOURCE_KEY = "kamailio-source-key"
NON_TARGET = 3

pytestmark = pytest.mark.skipif(
    not (kamailio_available() and sipp_available() and HTTP_CLIENT.exists()),
    reason="needs kamailio, kamailio-utils-modules (http_client) and sipp: make test installs them",
)

_ROUTED = re.compile(r"\{\d+ \d+ INVITE (\S+)\}[^\n]*?RDK-ROUTING queue=support code=(\d+)")


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
    """Poll ``condition`` until it returns something truthy (the server writes on its own time)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_unanswered_sip_callers_become_missed_calls_and_tasks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missed.sqlite3'}"
    settings = make_settings(url)
    env = {
        "RINGDESK_DATABASE_URL": url,
        "RINGDESK_SECRET_KEY": settings.secret_key.get_secret_value(),
        "RINGDESK_ROUTING_KEY": ROUTING_KEY,
        "RINGDESK_SOURCE_KEYS": f"kamailio:{SOURCE_KEY}",
        "RINGDESK_NON_TARGET_SECONDS": str(NON_TARGET),
        "RINGDESK_PASSWORD_TIME_COST": "1",
        "RINGDESK_PASSWORD_MEMORY_KIB": "1024",
        "RINGDESK_PASSWORD_PARALLELISM": "1",
    }
    with (
        LiveServer(tmp_path / "server.log", env=env) as server,
        Sipp("uas_ring.xml", calls=2, timeout=60) as phone,
    ):
        database = Database.connect(url)
        anna = add_user(database, settings, "anna", team="north")
        with database.session() as session:
            session.query(User).filter_by(name="anna").one().sip_uri = phone.uri("1001")
            session.commit()
        database.dispose()
        http = httpx.Client(base_url=server.base_url, timeout=10)
        admin = add_admin(url, settings, http)
        token = http.post("/auth/login", json={"name": "anna", "password": anna.password}).json()
        anna_auth = {"Authorization": f"Bearer {token['access_token']}"}
        minutes = [30.0]

        def status(value: str) -> None:
            minutes[0] -= 1
            at = (datetime.now(UTC) - timedelta(minutes=minutes[0])).isoformat()
            body = {"operator": "anna", "status": value, "at": at}
            assert http.post("/statuses", json=body, headers=anna_auth).status_code == 201

        with Kamailio(
            routing_url=f"{server.base_url}/routing/next",
            routing_key=ROUTING_KEY,
            outcomes_url=f"{server.base_url}/calls/outcomes",
            source_key=SOURCE_KEY,
        ) as kam:

            def call(scenario: str, caller: str, **variables: str) -> tuple[str, dict[str, Any]]:
                """Place one call; answer its SIP Call-ID (from Kamailio's log) and the merged call."""
                seen = len(_ROUTED.findall(kam.log_path.read_text()))
                vs = {"caller": caller, **variables}
                result = run_sipp(scenario, kam.target, service="q-support", variables=vs, timeout=20)
                new = wait_for(lambda: _ROUTED.findall(kam.log_path.read_text())[seen:], "the routing ask")
                [(call_id, code)] = new
                if scenario == "uac_cancel.xml":
                    assert code == "200" and result.ok, result.describe()  # rang, then cancelled
                else:
                    assert code == "404" and not result.ok, result.describe()  # 480 at once

                def merged() -> dict[str, Any] | None:
                    answer = http.get(f"/calls/{call_id}", headers=admin)
                    return answer.json() if answer.status_code == 200 else None

                return call_id, wait_for(merged, f"call {call_id} on the server")

            def tasks() -> dict[str, dict[str, Any]]:
                listed = http.get("/tasks", headers=admin, params={"state": ["open"]}).json()
                return {task["phone"]: task for task in listed}

            # Nobody logged in.
            _, night = call("uac_headers.xml", "+79123450001")
            assert (night["outcome"], night["missed_reason"]) == ("missed", "nobody_logged_in")
            assert night["sources"] == ["routing"] and night["queue"] == "support"
            assert night["dnis"] == "q-support"

            # Logged in, in after-call work: nobody ready, Kamailio keeps no queue.
            status("acw")
            _, busy = call("uac_headers.xml", "+79123450002")
            assert (busy["outcome"], busy["missed_reason"]) == ("missed", "rang_out")

            # Ready: the call rings at anna's phone; the caller gives up within the greeting.
            status("ready")
            _, quick = call("uac_cancel.xml", "+79123450003", ring_ms="200")
            assert (quick["outcome"], quick["sources"]) == ("non_target", ["kamailio"])

            # Ready again (the offer's reservation ends), and this caller waits past the greeting.
            status("ready")
            _, patient = call("uac_cancel.xml", "+79123450004", ring_ms=str((NON_TARGET + 1.5) * 1000.0))
            assert (patient["outcome"], patient["missed_reason"]) == ("missed", "abandoned")
            assert patient["wait_seconds"] >= NON_TARGET

        assert phone.wait(10).ok
        open_tasks = tasks()
        assert set(open_tasks) == {"+79123450001", "+79123450002", "+79123450004"}
        for number, reason in (
            ("+79123450001", "nobody_logged_in"),
            ("+79123450002", "rang_out"),
            ("+79123450004", "abandoned"),
        ):
            task = open_tasks[number]
            assert task["kind"] == "callback_missed" and task["queue"] == "support"
            assert [(a["kind"], a["outcome"]) for a in task["attempts"]] == [("missed_call", reason)]
