"""Proof 3: behind a proxy that fails on purpose (500s, 503 + Retry-After, timeouts, connections
dropped after the server committed, JSON cut in half, a captive portal's page), every disposition and
status change is delivered exactly once, or parked when the server refuses it, never lost."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx

from app.store.database import LocalStore
from app.sync.pump import RetryPolicy
from app.wire.statuses import OperatorStatus, StatusChangeIn
from tests.sync.conftest import Running, disposition
from tests.sync.hostile import Fate, HostileProxy
from tests.sync.server import SyncServer

DISPOSITIONS = 200
REFUSED_EVERY = 25  # every 25th needs a comment it lacks: the server refuses it (422) and it is parked


def test_hostile_server_nothing_lost_nothing_doubled(store: LocalStore, live_server: SyncServer) -> None:
    start = datetime.now(UTC) - timedelta(hours=3)
    with HostileProxy(live_server.base_url, silence_s=0.6) as proxy:

        async def main() -> tuple[list[str], list[str]]:
            run = Running(
                store,
                proxy.base_url,
                "support1",
                timeout=httpx.Timeout(0.4, connect=0.4),
                policy=RetryPolicy(initial=0.005, cap=0.05),
            )
            async with run:
                refused, statuses = [], []
                for n in range(DISPOSITIONS):
                    if n % REFUSED_EVERY == 0:
                        saved = run.outbox.add_disposition(
                            disposition(50_000 + n, operator="support1", code="interested", comment="")
                        )
                        refused.append(str(saved.key))
                    else:
                        run.outbox.add_disposition(disposition(50_000 + n, operator="support1"))
                    if n % 10 == 0:
                        status = OperatorStatus.READY if n % 20 else OperatorStatus.ACW
                        change = StatusChangeIn(
                            operator="support1", status=status, at=start + timedelta(seconds=n)
                        )
                        statuses.append(str(run.outbox.add_status_change(change).key))
                await run.flushed(120)
                assert sorted(i.key for i in run.outbox.parked()) == sorted(refused)
                assert all(i.http_status == 422 for i in run.outbox.parked())
                return refused, statuses

        refused, statuses = asyncio.run(main())

    assert all(proxy.fates[fate] > 0 for fate in Fate), proxy.fates
    stored = [d for d in live_server.dispositions() if d.call_id.endswith("-support1@pbx.test")]
    calls = Counter(d.call_id for d in stored)
    assert max(calls.values()) == 1, "a disposition was stored twice"
    assert len(stored) == DISPOSITIONS - len(refused)
    assert not {d.key for d in stored} & set(refused)
    stored_statuses = [key for key, _, _ in live_server.status_changes() if key in set(statuses)]
    assert stored_statuses == statuses, "status changes lost, doubled or out of order"
    # Retry-After: 1 was honoured: the next try of the same record came at least a second later.
    tried: dict[str, list[tuple[Fate, float]]] = {}
    for key, fate, at in proxy.log:
        tried.setdefault(key, []).append((fate, at))
    gaps = [
        later[1] - earlier[1]
        for attempts in tried.values()
        for earlier, later in itertools.pairwise(attempts)
        if earlier[0] is Fate.BUSY_503
    ]
    assert gaps
    assert min(gaps) >= 1.0
    print("\nproxy fates:", {fate.value: n for fate, n in proxy.fates.items()})
