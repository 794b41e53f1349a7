"""The hot paths' caches and what they must not change (``server.api.principal``,
``server.api.caches``, ``server.crud.dispositions.guarded_insert``, ``server.crud.contact_lookup``).

* A single ``POST /dispositions`` sends one INSERT (on PostgreSQL with the report rollups in the
  same statement, short enough for psycopg's cache) and one COMMIT: no user row, no catalogue, no
  read-back (a regression guard on the statement count, not a timing).
* A catalogue change is seen by the next post, whether made through ``PUT /catalogue`` on this
  process or behind its cache (another worker, straight in the database).
* A deactivated user, or one whose role changed, is refused: at once by dispositions everywhere; by
  reads at once on the process that deactivated them, else within ``auth_cache_seconds``.
* A pooled PostgreSQL connection killed while idle is replaced, without a ping per request.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from fastapi import FastAPI
from psycopg import _queries
from sqlalchemy import event, text, update
from sqlalchemy.dialects import postgresql

from app.wire.calls import CallOutcome, CallReportIn
from server.crud import calls as crud_calls
from server.crud.dispositions import _guarded_insert_statement
from server.db import Database
from server.models import Contact, ContactPhone, Disposition, DispositionCode, Role, User
from server.settings import Settings
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.test_dispositions import CODES, call, count, new_key, post
from tests.support.patience import patient

AUTH_CACHE_S = 1.0


@pytest.fixture
def settings(db_url: str) -> Settings:
    # no desk-presence beat: it reads and writes through the same engine every few seconds, and on a
    # loaded machine one beat fell inside a counted block (an extra SELECT after the COMMIT)
    return make_settings(db_url, auth_cache_seconds=AUTH_CACHE_S, desk_silence_seconds=0)


@pytest.fixture
def catalogue(people: People) -> None:
    for spec in CODES:
        response = people.client.put(
            f"/catalogue/dispositions/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text


class Statements:
    """The SQL a block of code sends through ``database``'s engine (COMMITs included)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.sent: list[str] = []

    def _execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.sent.append(statement.split(None, 1)[0].upper())

    def _commit(self, _conn: Any) -> None:
        self.sent.append("COMMIT")

    def __enter__(self) -> list[str]:
        event.listen(self.database.engine, "before_cursor_execute", self._execute)
        event.listen(self.database.engine, "commit", self._commit)
        return self.sent

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.database.engine, "before_cursor_execute", self._execute)
        event.remove(self.database.engine, "commit", self._commit)


def recent(operator: str, **changes: Any) -> dict[str, Any]:
    """A call that ended a minute ago (an older one also adds a late-record note: another INSERT)."""
    ring = datetime.now(UTC) - timedelta(minutes=3)
    times = {
        "ring_at": ring.isoformat(),
        "answer_at": (ring + timedelta(seconds=5)).isoformat(),
        "end_at": (ring + timedelta(minutes=1)).isoformat(),
        "acw_end_at": (ring + timedelta(minutes=2)).isoformat(),
    }
    return call(operator, **times, **changes)


def _rollups(database: Database) -> list[tuple[Any, ...]]:
    with database.engine.connect() as conn:
        return [
            tuple(row) for row in conn.execute(text("SELECT * FROM report_rollup ORDER BY 1, 2, 3, 4, 5"))
        ]


def test_a_single_post_sends_one_insert_its_report_rollup_and_one_commit(
    people: People, catalogue: None, database: Database, backend: str
) -> None:
    # the caller stays cached however slow this machine is: the count must not depend on timing
    app = cast(FastAPI, people.client.app)
    app.state.ringdesk.principals.ttl = 3600.0
    assert post(people, people.op_n1, recent("op_n1"), new_key()).status_code == 201  # caches warm
    with Statements(database) as sent:
        response = post(people, people.op_n1, recent("op_n1", comment="ok"), new_key())
    assert response.status_code == 201, response.text
    # SQLite's BEGIN IMMEDIATE is a statement of its own (server.db); PostgreSQL's BEGIN is not counted.
    # The report rollups in the same transaction (issue 20, docs/reports.md): on PostgreSQL in the
    # INSERT's own statement (the call's lock and line, the disposition's fact, the rollup upsert:
    # two statements, as the floor app's); on SQLite the line, the fact and the upsert after it
    expected = (
        ["BEGIN", "INSERT", "SELECT", "INSERT", "INSERT", "COMMIT"]
        if backend == "sqlite"
        else ["WITH", "COMMIT"]
    )
    assert sent == expected
    # the answer is built from what was written, and is the one a replay gets; the rollups count
    # the first post and not its replay (the guarded INSERT stores nothing, so adds nothing)
    key = new_key()
    before = _rollups(database)
    first = post(people, people.op_n1, call("op_n1", call_id="same@pbx"), key)
    counted = _rollups(database)
    again = post(people, people.op_n1, call("op_n1", call_id="same@pbx"), key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert counted != before
    assert _rollups(database) == counted
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.headers["Location"] == again.headers["Location"] == f"/dispositions/{first.json()['id']}"


def test_a_post_that_waited_for_a_pbx_report_of_its_call_files_the_reports_line(
    people: People, catalogue: None, database: Database, backend: str
) -> None:
    """The post's statement takes the call's lock and then reads the call's line (DNIS): a PBX's
    report of the same call that held the lock and committed meanwhile must be seen, or the sale is
    missing from its advertising line's conversion until ``reports rebuild`` (migration 0020)."""
    if backend != "postgresql":
        pytest.skip("SQLite takes writers one at a time: nothing waits inside a statement")
    body = recent("op_n1", call_id="raced@pbx")
    report = CallReportIn(
        call_id="raced@pbx",
        outcome=CallOutcome.ACCEPTED,
        caller="+79161234567",
        dnis="+74951112233",
        queue="sales",
        operator="op_n1",
        arrived_at=datetime.fromisoformat(body["ring_at"]),
        answered_at=datetime.fromisoformat(body["answer_at"]),
        ended_at=datetime.fromisoformat(body["end_at"]),
    )
    answers: list[int] = []
    with database.session() as pbx:  # the PBX's report, its transaction open: it holds the call's lock
        crud_calls.record(pbx, report, source="pbx", non_target_seconds=5)
        pbx.flush()
        poster = threading.Thread(
            target=lambda: answers.append(post(people, people.op_n1, body, new_key()).status_code)
        )
        poster.start()
        with database.engine.connect() as watch:  # the post is waiting for that lock
            deadline = time.monotonic() + patient(30)
            while not watch.execute(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            ).scalar_one():
                assert poster.is_alive() and time.monotonic() < deadline, f"the post did not wait: {answers}"
                time.sleep(0.01)
        pbx.commit()
    poster.join(patient(30))
    assert answers == [201]
    with database.engine.connect() as conn:
        lines = (
            conn.execute(
                text("SELECT dnis FROM report_facts WHERE call_id = 'raced@pbx' AND disposition_id <> 0")
            )
            .scalars()
            .all()
        )
    assert lines == ["+74951112233"]


def test_a_catalogue_change_through_put_is_seen_by_the_next_post(people: People, catalogue: None) -> None:
    admin = people.headers(people.admin)
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201  # "sale" cached
    sale = {**CODES[0], "comment_required": True}
    assert people.client.put("/catalogue/dispositions/sale", json=sale, headers=admin).status_code == 200
    refused = post(people, people.op_n1, call("op_n1"), new_key())
    assert refused.status_code == 422
    assert "requires a comment" in refused.text
    assert post(people, people.op_n1, call("op_n1", comment="sold"), new_key()).status_code == 201
    retired = {**sale, "active": False}
    assert people.client.put("/catalogue/dispositions/sale", json=retired, headers=admin).status_code == 200
    refused = post(people, people.op_n1, call("op_n1", comment="sold"), new_key())
    assert refused.status_code == 422
    assert "retired" in refused.text
    new = {"code": "promised", "label_en": "Promised", "label_ru": "Обещал", "category": "success"}
    assert people.client.put("/catalogue/dispositions/promised", json=new, headers=admin).status_code == 201
    assert post(people, people.op_n1, call("op_n1", code="promised"), new_key()).status_code == 201


def test_a_catalogue_change_behind_the_cache_is_caught_by_the_insert(
    people: People, catalogue: None, database: Database
) -> None:
    """Another worker (or an admin in psql) changed the catalogue: this process's cache is stale,
    and the guarded INSERT notices (no NOTIFY is needed for the refusal)."""
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201  # "sale" cached
    stored = count(database)
    with database.session() as session:
        session.execute(update(DispositionCode).where(DispositionCode.code == "sale").values(active=False))
        session.commit()
    refused = post(people, people.op_n1, call("op_n1"), new_key())
    assert refused.status_code == 422
    assert "retired" in refused.text
    assert count(database) == stored
    with database.session() as session:
        session.execute(
            update(DispositionCode)
            .where(DispositionCode.code == "sale")
            .values(active=True, queue="vip")  # now offered in another queue only
        )
        session.commit()
    refused = post(people, people.op_n1, call("op_n1"), new_key())
    assert refused.status_code == 422
    assert "belongs to queue 'vip'" in refused.text
    assert post(people, people.op_n1, call("op_n1", queue="vip"), new_key()).status_code == 201


def test_a_code_added_behind_the_cache_is_accepted_at_once(
    people: People, catalogue: None, database: Database
) -> None:
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201  # catalogue cached
    with database.session() as session:
        session.add(
            DispositionCode(code="fresh", label_en="Fresh", label_ru="Новый", category="other", position=99)
        )
        session.commit()
    assert post(people, people.op_n1, call("op_n1", code="fresh"), new_key()).status_code == 201


def test_an_unknown_contact_is_refused_and_a_known_one_stored(
    people: People, catalogue: None, database: Database
) -> None:
    with database.session() as session:
        contact = Contact(name="Анна", custom_fields={}, phones=[ContactPhone(e164="+79123456789")])
        session.add(contact)
        session.commit()
        contact_id = contact.id
    refused = post(people, people.op_n1, call("op_n1", contact_id=contact_id + 1000), new_key())
    assert refused.status_code == 422
    assert f"no contact has id {contact_id + 1000}" in refused.text
    stored = post(people, people.op_n1, call("op_n1", contact_id=contact_id), new_key())
    assert stored.status_code == 201
    assert stored.json()["contact_id"] == contact_id


def _set_user(database: Database, user_id: int, **values: Any) -> None:
    """Change a user behind the server's back (the ``user`` command, another worker)."""
    with database.session() as session:
        session.execute(update(User).where(User.id == user_id).values(**values))
        session.commit()


def _user_id(database: Database, name: str) -> int:
    with database.session() as session:
        return int(session.execute(text("SELECT id FROM users WHERE name = :n"), {"n": name}).scalar_one())


def test_a_user_deactivated_through_the_api_is_refused_at_once(
    people: People, catalogue: None, database: Database
) -> None:
    operator = people.headers(people.op_n1)
    assert (
        people.client.get("/contacts/lookup", params={"phone": "+79123456789"}, headers=operator).status_code
        == 404
    )
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201  # cached
    user_id = _user_id(database, "op_n1")
    deactivated = people.client.post(f"/users/{user_id}/deactivate", headers=people.headers(people.admin))
    assert deactivated.status_code == 200, deactivated.text
    # a read first: nothing but the cache's own invalidation can refuse it this soon
    lookup = people.client.get("/contacts/lookup", params={"phone": "+79123456789"}, headers=operator)
    assert lookup.status_code == 401
    assert lookup.json()["detail"] == "this account is deactivated"
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 401


def test_a_user_deactivated_elsewhere_cannot_post_and_cannot_read_past_the_ttl(
    people: People, catalogue: None, database: Database
) -> None:
    operator = people.headers(people.op_n1)
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201  # cached
    stored = count(database)
    _set_user(database, _user_id(database, "op_n1"), active=False)
    changed_at = time.monotonic()
    refused = post(people, people.op_n1, call("op_n1"), new_key())
    assert refused.status_code == 401, refused.text
    assert refused.json()["detail"] == "this account is deactivated"
    assert count(database) == stored
    # reads: refused within auth_cache_seconds (the post above already dropped the entry here, so
    # this is refused at once; the bound is what a read-only client on another worker sees)
    lookup = people.client.get("/contacts/lookup", params={"phone": "+79123456789"}, headers=operator)
    assert lookup.status_code == 401
    assert time.monotonic() - changed_at < 60


def test_a_read_only_client_is_refused_within_the_ttl(people: People, database: Database) -> None:
    operator = people.headers(people.op_n1)

    def lookup() -> int:
        response = people.client.get("/contacts/lookup", params={"phone": "+79123456789"}, headers=operator)
        return int(response.status_code)

    assert lookup() == 404  # found nobody, but let in: the user is cached now
    _set_user(database, _user_id(database, "op_n1"), active=False)
    changed_at = time.monotonic()
    while lookup() != 401:
        assert time.monotonic() - changed_at < AUTH_CACHE_S + 5, "still let in long after the TTL"
    assert time.monotonic() - changed_at >= 0  # the refusal came; how soon is bounded above


def test_a_lead_lowered_to_operator_cannot_post_for_the_team_any_more(
    people: People, catalogue: None, database: Database
) -> None:
    assert post(people, people.lead_n, call("op_n1"), new_key()).status_code == 201  # cached as a lead
    stored = count(database)
    _set_user(database, _user_id(database, "lead_n"), role=Role.OPERATOR)
    refused = post(people, people.lead_n, call("op_n1"), new_key())
    assert refused.status_code == 403, refused.text
    assert count(database) == stored
    again = post(people, people.lead_n, call("op_n1"), new_key())  # now read fresh: an operator
    assert again.status_code == 403
    assert again.json()["detail"] == "operators post their own dispositions only"


@pytest.fixture
def idle_ping_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("server.db.PING_AFTER_IDLE_S", 0.0)


def test_a_connection_killed_while_idle_is_replaced(
    people: People, catalogue: None, database: Database, backend: str, idle_ping_at_once: None
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201  # a pooled connection
    killer = Database.connect(database.engine.url, pooled=False)
    try:
        with killer.engine.connect() as conn:
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'ringdesk-server' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        killer.dispose()
    assert killed >= 1
    assert post(people, people.op_n1, call("op_n1"), new_key()).status_code == 201


def test_a_batch_from_a_user_deactivated_elsewhere_is_refused_whole(
    people: People, catalogue: None, database: Database
) -> None:
    headers = people.headers(people.op_n1)

    def batch() -> int:
        items = [{"idempotency_key": new_key(), "disposition": call("op_n1")} for _ in range(3)]
        response = people.client.post("/dispositions/batch", json={"items": items}, headers=headers)
        return int(response.status_code)

    assert batch() == 200  # the caller is cached now
    stored = count(database)
    _set_user(database, _user_id(database, "op_n1"), active=False)
    assert batch() == 401
    assert count(database) == stored


def test_the_post_statement_is_short_enough_for_psycopgs_cache() -> None:
    """psycopg converts a statement's ``%(name)s`` placeholders once and caches the result only for
    a text of at most 4,096 characters and 50 parameters; past either it parses the text again on
    every post (a third of the route's CPU when the rollups first joined the INSERT, at 4,445
    characters). The longest shape: a disposition naming a contact."""
    names = tuple(column.name for column in Disposition.__table__.c if column.name != "id")
    for has_contact in (False, True):
        compiled = _guarded_insert_statement(
            "postgresql", names, has_contact=has_contact, with_rollups=True
        ).compile(dialect=postgresql.psycopg.dialect())
        assert len(str(compiled).encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH
        assert len(compiled.params) <= _queries.MAX_CACHED_STATEMENT_PARAMS
