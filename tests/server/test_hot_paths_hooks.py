"""What the disposition post's hooks cost (``server.chains.trigger``, ``server.crm.outbox``,
``server.webhooks.events``): a regression guard on the statements one ``POST /dispositions`` sends,
beside ``test_hot_paths`` (which counts a post on a server with nothing configured).

* Nothing wants the disposition (a chain for another code, an endpoint for another event, no CRM):
  the post sends what it sends with nothing configured, whatever else is set up.
* A chain for the code, a CRM that knows the call and an endpoint for ``disposition.stored``: a
  fixed, short list per post, the same for the next post (no read of the chains, the contact or the
  call's number on the way).
* The map of chains is dropped by an upload and by a disable through the API: the next post starts
  the new chain, and none after the disable.

The statements counted are those of the request's own thread from its disposition INSERT to its
COMMIT: the CRM and webhook workers wake at that commit and work on other threads meanwhile.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import event, func, select

from server.crm import connection as connections
from server.crm.bitrix24 import Bitrix24Config
from server.db import Database
from server.models import ChainRun, CrmJob, WebhookEndpoint
from server.settings import Settings
from server.webhooks import events as webhook_events
from tests.server.chains.support import chain
from tests.server.conftest import make_settings
from tests.server.helpers import People
from tests.server.test_dispositions import CODES, new_key, post
from tests.server.test_hot_paths import recent

CLOSED_PORT = "http://127.0.0.1:9/rest/1/token/"
"""Nothing listens there: a worker that does try to send fails at once, on this machine."""


@pytest.fixture
def settings(db_url: str) -> Settings:
    quiet = {f"{worker}_poll_seconds": 60.0 for worker in ("webhook", "chain", "crm")}
    return make_settings(
        db_url,
        desk_silence_seconds=0,
        crm_retry_base_seconds=3600.0,
        webhook_retry_base_seconds=3600.0,
        chain_retry_base_seconds=3600.0,
        **quiet,
    )


@pytest.fixture
def catalogue(people: People) -> None:
    for spec in CODES:
        response = people.client.put(
            f"/catalogue/dispositions/{spec['code']}", json=spec, headers=people.headers(people.admin)
        )
        assert response.status_code == 201, response.text
    cast(FastAPI, people.client.app).state.ringdesk.principals.ttl = 3600.0


class RequestStatements:
    """The statements (first word) and COMMITs sent on the thread that inserted a disposition, from
    that INSERT to the COMMIT after it (SQLite's BEGIN before it included)."""

    def __init__(self, database: Database) -> None:
        self.engine = database.engine
        self._sent: list[tuple[int, str]] = []

    def _execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self._sent.append((threading.get_ident(), " ".join(statement.split()[:3]).upper()))

    def _commit(self, _conn: Any) -> None:
        self._sent.append((threading.get_ident(), "COMMIT"))

    def __enter__(self) -> RequestStatements:
        event.listen(self.engine, "before_cursor_execute", self._execute)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._execute)
        event.remove(self.engine, "commit", self._commit)

    def of_the_post(self) -> list[str]:
        sent = list(self._sent)
        start = next(
            i for i, (_, s) in enumerate(sent) if s.startswith(("INSERT INTO DISPOSITIONS", "WITH INS AS"))
        )
        thread = sent[start][0]
        if start > 0 and sent[start - 1][0] == thread and sent[start - 1][1].startswith("BEGIN"):
            start -= 1
        mine: list[str] = []
        for ident, statement in sent[start:]:
            if ident == thread:
                mine.append(statement.split()[0])
                if statement == "COMMIT":
                    return mine
        raise AssertionError(f"no COMMIT after the INSERT: {sent}")


def counted_post(people: People, database: Database, body: dict[str, Any]) -> list[str]:
    with RequestStatements(database) as statements:
        response = post(people, people.op_n1, body, new_key())
    assert response.status_code == 201, response.text
    return statements.of_the_post()


def plain(backend: str) -> list[str]:
    """What a post sends with nothing configured (``test_hot_paths``): the INSERT and the report
    rollups (on PostgreSQL one statement, on SQLite an INSERT, a SELECT and two INSERTs), the COMMIT."""
    if backend == "sqlite":
        return ["BEGIN", "INSERT", "SELECT", "INSERT", "INSERT", "COMMIT"]
    return ["WITH", "COMMIT"]


def upload(people: People, document: dict[str, Any]) -> None:
    response = people.client.post("/chains", json=document, headers=people.headers(people.admin))
    assert response.status_code == 201, response.text


def runs(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ChainRun)) or 0


@pytest.fixture
def crm_and_webhook(database: Database) -> None:
    """A CRM configured and an endpoint for ``disposition.stored``, both at a closed local port."""
    with database.session() as session:
        connections.save(
            session, connections.Connection(kind="bitrix24", bitrix24=Bitrix24Config(url=CLOSED_PORT))
        )
        session.add(WebhookEndpoint(url=CLOSED_PORT, events=["disposition.stored"], secret="whsec_t"))
        session.commit()
        webhook_events.forget(session)


def crm_knows(database: Database, call_id: str) -> None:
    """The call's job, as the PBX's report of the call leaves it (``crm_outbox.call_recorded``)."""
    now = datetime.now(UTC)
    with database.session() as session:
        session.add(
            CrmJob(
                crm="bitrix24",
                kind="call",
                key=call_id,
                data={"phone": "+79123456789"},
                progress={},
                revision=1,
                state="waiting",
                attempts=0,
                next_at=now,
            )
        )
        session.commit()


def test_a_post_nothing_wants_costs_what_it_costs_with_nothing_configured(
    people: People, catalogue: None, database: Database, backend: str
) -> None:
    upload(people, chain(trigger={"event": "disposition", "codes": ["refused"]}))
    with database.session() as session:
        session.add(WebhookEndpoint(url=CLOSED_PORT, events=["task.done"], secret="whsec_t"))
        session.commit()
        webhook_events.forget(session)
    post(people, people.op_n1, recent("op_n1"), new_key())  # every cache warm
    assert counted_post(people, database, recent("op_n1")) == plain(backend)
    assert runs(database) == 0


@pytest.mark.usefixtures("crm_and_webhook")
def test_a_post_a_chain_the_crm_and_a_webhook_want_sends_a_fixed_few_statements(
    people: People, catalogue: None, database: Database, backend: str
) -> None:
    upload(people, chain())  # on "sale", any queue, any contact
    post(people, people.op_n1, recent("op_n1"), new_key())  # every cache warm
    for n in range(2):  # the same for the next post: nothing read again
        body = recent("op_n1", call_id=f"hooks-{n}@pbx")
        crm_knows(database, body["call_id"])
        sent = counted_post(people, database, body)
        begin, (insert, *rollups_and_commit) = plain(backend)[:-5], plain(backend)[-5:]
        if backend == "postgresql":
            begin, (insert, *rollups_and_commit) = [], plain(backend)
        hooks = [
            "SELECT",  # webhooks: the endpoints again, under a share lock
            "INSERT",  # the event
            "INSERT",  # its delivery
            "SELECT",  # the CRM: the call's job, locked
            "UPDATE",  # its new facts
            "INSERT",  # the chain's run (the number it writes to read in the same statement)
            "INSERT",  # the run's first step
        ]
        assert sent == [*begin, insert, *hooks, *rollups_and_commit]
    assert runs(database) == 3
    with database.session() as session:
        phones = set(session.scalars(select(ChainRun.phone)))
    assert phones == {None}  # no report of these calls, no contact: nothing to write to, as before


def test_an_upload_and_a_disable_drop_the_map_of_chains(
    people: People, catalogue: None, database: Database
) -> None:
    post(people, people.op_n1, recent("op_n1"), new_key())  # the (empty) map is held now
    upload(people, chain())
    post(people, people.op_n1, recent("op_n1"), new_key())
    assert runs(database) == 1
    upload(people, chain(id="other", trigger={"event": "disposition", "codes": ["callback"]}))
    post(people, people.op_n1, recent("op_n1"), new_key())
    assert runs(database) == 2  # "sale" still starts "follow" only
    disabled = people.client.post("/chains/follow/disable", headers=people.headers(people.admin))
    assert disabled.status_code == 200, disabled.text
    post(people, people.op_n1, recent("op_n1"), new_key())
    assert runs(database) == 2
