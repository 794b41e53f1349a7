"""Records the server will not take never hold up the rest (issue 14).

* A 4xx is parked at once: sent once, kept, never sent again until the operator asks.
* A record the server keeps failing on (a 500 every time, while the server takes everything else)
  is retried with backoff, then parked after :data:`~app.sync.pump.POISON_ATTEMPTS` failures in a
  row, so the operator's other records go on; once the server is fixed, "send again" delivers it.
* A backlog of valid dispositions with long comments goes in batches sized by bytes, under the
  server's body limit (200 of them used to be one 1.6 MB request: 413, and every one parked).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import httpx

from app.store.database import LocalStore
from app.sync.deliver import BATCH_BYTES, Deliverer, Outcome
from app.sync.items import OutboxItem
from app.sync.pump import POISON_ATTEMPTS, RetryPolicy
from app.wire.statuses import OperatorStatus, StatusChangeIn
from tests.sync.conftest import Running, disposition
from tests.sync.hostile import Fate, HostileProxy, Request, _response
from tests.sync.server import SyncServer


class PoisonProxy(HostileProxy):
    """Passes everything through, except that any request whose body holds ``marker`` gets the
    server's own 500 (as an unhandled error inside the server answers it) while ``marker`` is set."""

    def __init__(self, upstream: str, marker: bytes) -> None:
        super().__init__(upstream)
        self._first = []
        self.marker: bytes | None = marker
        self.answered: list[bytes] = []
        self.failed: list[bytes] = []

    def _draw(self) -> Fate:
        return Fate.PASS

    async def _act(
        self, fate: Fate, upstream: httpx.AsyncClient, request: Request, writer: asyncio.StreamWriter
    ) -> None:
        if self.marker is not None and self.marker in request.body:
            self.failed.append(request.body)
            body = b'{"detail":"internal server error","request_id":"0123"}'
            writer.write(_response(500, "Internal Server Error", body, {}))
            await writer.drain()
            return
        self.answered.append(request.body)
        await super()._act(fate, upstream, request, writer)

    def answers(self, part: bytes) -> int:
        """How many requests holding ``part`` the server answered."""
        return sum(part in body for body in self.answered)

    def failures(self, part: bytes) -> int:
        """How many requests holding ``part`` got the 500."""
        return sum(part in body for body in self.failed)


def test_a_poison_record_is_parked_and_the_others_go_on(store: LocalStore, live_server: SyncServer) -> None:
    poison, refused = b"call-8005-", b"call-8008-"
    start = datetime.now(UTC) - timedelta(hours=1)
    with PoisonProxy(live_server.base_url, poison) as proxy:

        async def main() -> None:
            run = Running(store, proxy.base_url, policy=RetryPolicy(initial=0.005, cap=0.05))
            async with run:
                for n in range(8000, 8012):
                    bad = n == 8008  # needs a comment it lacks: the server refuses it (422)
                    run.outbox.add_disposition(
                        disposition(n, code="interested", comment="") if bad else disposition(n)
                    )
                change = StatusChangeIn(operator="operator1", status=OperatorStatus.READY, at=start)
                run.outbox.add_status_change(change)
                await run.flushed(60)
                parked = {item.http_status: item for item in run.outbox.parked()}
                assert sorted(parked) == [422, 500]
                assert poison.decode() in parked[500].payload
                assert "failed" in (parked[500].last_error or "")
                assert refused.decode() in parked[422].payload
                assert run.monitor.status.parked == 2
                assert proxy.answers(refused) == 1, "a refused record was sent again"
                assert proxy.failures(poison) >= POISON_ATTEMPTS

                proxy.marker = None  # the server is fixed: the operator sends it again
                run.outbox.requeue(parked[500].id)
                await run.flushed(30)
                assert [item.http_status for item in run.outbox.parked()] == [422]

        asyncio.run(main())

    calls = [d.call_id for d in live_server.dispositions() if d.call_id.startswith("call-80")]
    expected = [f"call-{n}-operator1@pbx.test" for n in range(8000, 8012) if n != 8008]
    assert sorted(calls) == sorted(expected) and len(calls) == len(set(calls))


def test_a_server_failing_on_everything_parks_nothing(store: LocalStore, live_server: SyncServer) -> None:
    """A 500 on every request, the health check included (the server's database is down), is an
    outage: however long it lasts, nothing is parked, and everything goes once it is over."""
    with PoisonProxy(live_server.base_url, b"") as proxy:  # b"" is in every body

        async def main() -> None:
            run = Running(store, proxy.base_url, policy=RetryPolicy(initial=0.001, cap=0.01))
            proxy.marker = None  # let the login through
            async with run:
                proxy.marker = b""
                for n in range(8100, 8105):
                    run.outbox.add_disposition(disposition(n))

                # three times what parks a poison record, or something parked (the defect)
                async def long_enough() -> None:
                    while proxy.failures(b"call-8100-") < 3 * POISON_ATTEMPTS and not run.outbox.parked():
                        await asyncio.sleep(0.01)

                await asyncio.wait_for(long_enough(), 60)
                assert run.outbox.parked() == []
                assert run.monitor.status.pending == 5
                proxy.marker = None
                await run.flushed(30)
                assert run.outbox.parked() == []

        asyncio.run(main())

    calls = {d.call_id for d in live_server.dispositions() if d.call_id.startswith("call-810")}
    assert calls == {f"call-{n}-operator1@pbx.test" for n in range(8100, 8105)}


def test_long_comments_go_in_batches_under_the_body_limit(store: LocalStore, live_server: SyncServer) -> None:
    comment = "Клиент просил перезвонить после обеда. " * 100  # 3,900 characters, 7 kB as UTF-8
    assert len(comment) <= 4000
    requests: list[int] = []

    class Measuring(Deliverer):
        async def deliver(self, items: Sequence[OutboxItem]) -> list[Outcome]:
            requests.append(sum(len(item.payload.encode()) for item in items))
            return await super().deliver(items)

    async def main() -> None:
        async with Running(store, live_server.base_url) as run:
            run.pump._deliverer = Measuring(run.api)
            for n in range(9000, 9200):
                run.outbox.add_disposition(disposition(n, comment=comment))
            await run.flushed(60)
            assert run.outbox.parked() == []

    asyncio.run(main())
    assert sum(requests) > 1024 * 1024 and max(requests) <= BATCH_BYTES and len(requests) < 10
    calls = {d.call_id for d in live_server.dispositions() if d.call_id.startswith("call-9")}
    assert len(calls) == 200
