"""The demo's past calls: seeded once (idempotent), served as each demo contact's history over HTTP
(newest first, by the demo's other operators), with the callback promised on a latest call open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.db import Database
from server.seed import seed_demo
from server.seed_content import seed_demo_content
from server.seed_history import DEMO_HISTORY
from server.settings import Settings
from tests.server.helpers import TestClient, login


def test_demo_contacts_have_a_history_seeded_once(
    database: Database, settings: Settings, client: TestClient
) -> None:
    for _ in range(2):
        with database.session() as session:
            seed_demo(session, settings, password="demo-password-long")
            added = seed_demo_content(session)
            session.commit()
    assert added["past calls"] == 0  # the second run adds nothing
    token = login(client, "operator1", "demo-password-long")["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    petrova = client.get("/contacts/lookup", params={"phone": "+74951234567"}, headers=headers).json()
    items = client.get(f"/contacts/{petrova['id']}/history", headers=headers).json()["items"]
    assert len(items) == len([p for p in DEMO_HISTORY if p.phone == "+74951234567"])
    assert [i["disposition"]["code"] for i in items] == ["callback", "new_order", "no_answer"]
    assert {i["operator"] for i in items} <= {"operator2", "support1"}
    callback = datetime.fromisoformat(items[0]["disposition"]["callback_at"])
    assert callback > datetime.now(UTC)
    admin = login(client, "admin", "demo-password-long")["access_token"]
    today = datetime.now(UTC).date()
    period = {"from": str(today - timedelta(days=100)), "to": str(today), "tz": "UTC", "whole": "true"}
    whole = client.get("/reports/calls", params=period, headers={"Authorization": f"Bearer {admin}"})
    assert whole.status_code == 200, whole.text
    [row] = whole.json()["rows"]
    assert row["handled"] + row["unanswered"] == len(DEMO_HISTORY)  # the reports count the past calls
