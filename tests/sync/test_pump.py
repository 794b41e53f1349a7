"""The pump against a real server: delivery and bookkeeping, parking, token refresh, logins, edits."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from app.client.errors import TransientError, classify, retry_after
from app.store.cache import ContactCache
from app.store.database import LocalStore
from app.sync.deliver import DISPOSITION_BATCH, Delivered, Deliverer, Outcome, Refused
from app.sync.items import OutboxItem
from app.sync.outbox import Outbox
from app.sync.pump import RetryPolicy
from app.wire.auth import TokenPair
from app.wire.contacts import ContactOut, ContactPatch
from app.wire.statuses import OperatorStatus, StatusChangeIn
from tests.sync.conftest import Running, disposition
from tests.sync.server import PASSWORD, SyncServer


def test_dispositions_and_statuses_arrive_with_their_original_times(
    store: LocalStore, live_server: SyncServer
) -> None:
    start = datetime.now(UTC) - timedelta(hours=2)
    changes = [
        StatusChangeIn(operator="operator2", status=OperatorStatus.NOT_READY, reason="shift_start", at=start),
        StatusChangeIn(operator="operator2", status=OperatorStatus.READY, at=start + timedelta(minutes=5)),
        StatusChangeIn(operator="operator2", status=OperatorStatus.OFFLINE, at=start + timedelta(minutes=9)),
    ]

    async def main() -> None:
        async with Running(store, live_server.base_url, "operator2") as run:
            threads = _store_threads(run.outbox)
            keys = [str(run.outbox.add_status_change(change).key) for change in changes]
            for n in range(5):
                run.outbox.add_disposition(disposition(1000 + n, operator="operator2"))
            await run.flushed()
            assert run.monitor.status.online is True
            # the pump reads and marks its items off the loop's thread (the GUI's in the desktop): a
            # delivery never holds up a screen pop (issue 15)
            assert threads["loop"] == set()
            assert threads["store thread"] >= {"head", "mark_delivered"}
            stored = [row for row in live_server.status_changes() if row[0] in keys]
            assert [(k, s, at.replace(tzinfo=UTC)) for k, s, at in stored] == [
                (k, c.status.value, c.at) for k, c in zip(keys, changes, strict=True)
            ]

    asyncio.run(main())
    calls = [d.call_id for d in live_server.dispositions() if d.call_id.endswith("-operator2@pbx.test")]
    assert calls == [f"call-{1000 + n}-operator2@pbx.test" for n in range(5)]


def test_a_refusal_parks_the_item_and_the_rest_goes_on(store: LocalStore, live_server: SyncServer) -> None:
    async def main() -> None:
        async with Running(store, live_server.base_url) as run:
            run.outbox.add_disposition(disposition(2000, code="interested", comment=""))  # needs a comment
            run.outbox.add_disposition(disposition(2001))
            await run.flushed()
            [parked] = run.outbox.parked()
            assert parked.http_status == 422
            assert "requires a comment" in (parked.last_error or "")
            assert run.monitor.status.parked == 1
            fixed = disposition(2000, code="interested", comment="wants the price list")
            run.outbox.requeue(parked.id, fixed)
            await run.flushed()
            assert run.outbox.parked() == []

    asyncio.run(main())
    calls = [d.call_id for d in live_server.dispositions()]
    assert calls.count("call-2000-operator1@pbx.test") == 1
    assert calls.count("call-2001-operator1@pbx.test") == 1


def test_an_expired_access_token_is_refreshed_and_a_dead_login_waits_for_the_operator(
    store: LocalStore, live_server: SyncServer
) -> None:
    async def main() -> None:
        async with Running(store, live_server.base_url) as run:
            pair = run.api.tokens._pair
            assert pair is not None
            # The server says 401 to a garbage token: the client refreshes and sends again.
            run.api.tokens._pair = TokenPair.model_validate({**pair.model_dump(), "access_token": "x.y.z"})
            run.outbox.add_disposition(disposition(3000))
            await run.flushed()
            # Now the login itself is gone (refresh token revoked): nothing is sent, nothing is lost.
            await run.api.logout()
            run.api.tokens._pair = TokenPair.model_validate({**pair.model_dump(), "access_token": "x.y.z"})
            run.outbox.add_disposition(disposition(3001))
            for _ in range(100):
                if run.monitor.status.login_required:
                    break
                await asyncio.sleep(0.02)
            assert run.monitor.status.login_required
            assert run.monitor.status.offline
            assert run.outbox.counts().pending == 1
            await run.api.login("operator1", PASSWORD)
            run.pump.logged_in()
            await run.flushed()

    asyncio.run(main())
    calls = [d.call_id for d in live_server.dispositions()]
    assert {"call-3000-operator1@pbx.test", "call-3001-operator1@pbx.test"} <= set(calls)


def test_a_contact_edit_whose_answer_was_lost_is_not_sent_twice_nor_forced(
    store: LocalStore, live_server: SyncServer
) -> None:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        token = http.post("/auth/login", json={"name": "lead", "password": PASSWORD}).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        created = http.post("/contacts", json={"name": "Сидоров", "phones": ["+79131112233"]}, headers=auth)
        assert created.status_code == 201, created.text
    contact = ContactOut.model_validate(created.json())
    ContactCache(store).put(contact)

    async def main() -> None:
        async with Running(store, live_server.base_url) as run:
            run.outbox.add_contact_edit(contact.id, ContactPatch(city="Томск"))
            [item] = run.outbox.pending()
            deliverer = Deliverer(run.api)
            first = await deliverer.deliver([item])
            again = await deliverer.deliver([item])  # as if the first answer never arrived
            assert isinstance(first[0], Delivered)
            assert isinstance(again[0], Delivered)
            assert first[0].server_ref == again[0].server_ref == str(contact.version + 1)
            # Someone else edits the contact; our next edit on the old version is parked, not forced.
            async with httpx.AsyncClient(base_url=live_server.base_url) as http:
                other = await http.patch(
                    f"/contacts/{contact.id}",
                    json={"city": "Омск"},
                    headers={**auth, "If-Match": f'"{contact.version + 1}"'},
                )
                assert other.status_code == 200
            run.outbox.mark_delivered(item, first[0].server_ref, first[0].contact)
            run.outbox.add_contact_edit(contact.id, ContactPatch(name="Сидоров Пётр"))
            [late] = run.outbox.pending()
            [outcome] = await deliverer.deliver([late])
            assert isinstance(outcome, Refused)
            assert outcome.http_status == 412

    asyncio.run(main())


def test_retry_after_is_honoured_with_jitter_and_backoff_is_capped() -> None:
    import random

    rng = random.Random(1)
    policy = RetryPolicy(initial=0.5, cap=15)
    assert all(0 <= policy.wait(n, None, rng) <= min(15, 0.5 * 2 ** (n - 1)) for n in range(1, 30))
    assert all(30 <= policy.wait(1, 30, rng) <= 31 for _ in range(50))
    request = httpx.Request("POST", "http://x/dispositions")
    limited = httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "slow down"}, request=request)
    error = classify(limited)
    assert isinstance(error, TransientError)
    assert error.retry_after == 7
    dated = httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, request=request)
    assert retry_after(dated) == 0


@pytest.mark.parametrize(
    ("status", "kind"), [(500, TransientError), (502, TransientError), (408, TransientError)]
)
def test_server_failures_are_transient(status: int, kind: type[Exception]) -> None:
    response = httpx.Response(status, content=b"<html>", request=httpx.Request("GET", "http://x/"))
    assert isinstance(classify(response), kind)


def test_a_backlog_goes_in_batches_and_a_bad_item_is_parked_alone(
    store: LocalStore, live_server: SyncServer
) -> None:
    """A shift's backlog (saved while the pump was not running) goes in a few batch requests; the one
    refused item is parked with the server's reason, every other item is stored once, in order."""
    outbox = Outbox(store)
    for n in range(7000, 7250):
        bad = n == 7100
        outbox.add_disposition(disposition(n, code="interested", comment="") if bad else disposition(n))
    requests: list[int] = []

    class Counting(Deliverer):
        async def deliver(self, items: Sequence[OutboxItem]) -> list[Outcome]:
            requests.append(len(items))
            return await super().deliver(items)

    async def main() -> None:
        async with Running(store, live_server.base_url) as run:
            run.pump._deliverer = Counting(run.api)
            await run.flushed()
            [parked] = run.outbox.parked()
            assert "requires a comment" in (parked.last_error or "") and parked.http_status == 422

    asyncio.run(main())
    assert max(requests) == DISPOSITION_BATCH and sum(requests) == 250 and len(requests) <= 3
    calls = [d.call_id for d in live_server.dispositions() if d.call_id.startswith("call-7")]
    expected = [f"call-{n}-operator1@pbx.test" for n in range(7000, 7250) if n != 7100]
    assert sorted(calls) == sorted(expected) and len(calls) == len(set(calls))


def _store_threads(outbox: Outbox) -> dict[str, set[str]]:
    """Which of the outbox's pump-side methods run from now on on the loop's thread, which elsewhere."""
    loop_thread = threading.get_ident()
    seen: dict[str, set[str]] = {"loop": set(), "store thread": set()}
    for name in ("head", "pending_streams", "mark_delivered", "note_attempt"):
        method = getattr(outbox, name)

        def watched(*args: object, _name: str = name, _method: Any = method, **kwargs: object) -> object:
            where = "loop" if threading.get_ident() == loop_thread else "store thread"
            seen[where].add(_name)
            return _method(*args, **kwargs)

        setattr(outbox, name, watched)
    return seen


def test_while_a_call_pops_a_status_change_goes_out_and_a_disposition_waits(
    store: LocalStore, live_server: SyncServer
) -> None:
    """Issue 15: what can wait is sent after the ringing call's card is shown (``quiet``: the core's
    ``PopWatch``), not beside its lookup; a status change never waits (the PBX routes by it). Nothing
    is dropped: the disposition arrives once the pop is over."""
    popped = asyncio.Event()
    asked: list[str] = []

    async def quiet() -> None:
        asked.append("quiet")
        await popped.wait()

    async def main() -> None:
        async with Running(store, live_server.base_url, "operator2", quiet=quiet) as run:
            held = run.outbox.add_disposition(disposition(3000, operator="operator2"))
            ready = StatusChangeIn(operator="operator2", status=OperatorStatus.READY, at=datetime.now(UTC))
            key = str(run.outbox.add_status_change(ready).key)
            for _ in range(200):  # the status change delivered and marked so
                if run.outbox.counts().pending == 1:
                    break
                await asyncio.sleep(0.05)
            assert any(row[0] == key for row in live_server.status_changes())
            calls = [d.call_id for d in live_server.dispositions()]
            assert "call-3000-operator2@pbx.test" not in calls  # waiting for the card
            assert asked and run.outbox.counts().pending == 1
            popped.set()
            await run.flushed()
            assert held.key is not None

    asyncio.run(main())
    calls = [d.call_id for d in live_server.dispositions()]
    assert calls.count("call-3000-operator2@pbx.test") == 1
