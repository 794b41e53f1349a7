"""The desktop's sync engine as a process the kill -9 proof can murder: it saves dispositions at a
random pace and flushes its outbox to the server until it is killed (or, with ``drain``, until the
outbox is empty).

Started through a ``multiprocessing`` *forkserver* that preloads this module, so a trial costs a
``fork()`` rather than a Python start-up and the imports (~0.4 s): 200 trials fit in CI. After each
``add_disposition`` returns, the key is sent to the test on a pipe: a key the test received was
acknowledged as saved, and must reach the server. Before each disposition the after-call form is
saved a few times as a draft (acknowledged as ``draft <call id> <n>``), as the operator types it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

from app.client.api import ApiClient
from app.store.database import open_store
from app.store.drafts import Drafts
from app.sync.deliver import Deliverer
from app.sync.outbox import Outbox
from app.sync.pump import RetryPolicy, SyncPump
from app.sync.status import SyncMonitor
from app.wire.dispositions import DispositionIn

OPERATOR = "operator1"
READY = b"ready"
"""Sent once logged in: the test times most kills from here, so a loaded machine (a slow start-up)
cannot turn every trial into a kill before the first save."""


@dataclass(frozen=True)
class Trial:
    data_dir: str
    base_url: str
    password: str
    number: int
    drain: bool = False
    """Save nothing: send what is pending and exit."""


def run(trial: Trial, acks: Connection | None) -> None:
    """Process entry point (see the module docstring)."""
    asyncio.run(_main(trial, acks))


async def _main(trial: Trial, acks: Connection | None) -> None:
    rng = random.Random(trial.number)
    base_url, password, drain = trial.base_url, trial.password, trial.drain
    store = open_store(Path(trial.data_dir) / "ringdesk.sqlite3")
    outbox = Outbox(store)
    drafts = Drafts(store)
    api = ApiClient(base_url, account=OPERATOR, timeout=httpx.Timeout(5.0, connect=1.0))
    pump = SyncPump(outbox, Deliverer(api), SyncMonitor(outbox), policy=RetryPolicy(initial=0.05, cap=0.5))
    await api.login(OPERATOR, password)
    if acks is not None:
        acks.send_bytes(READY)
    task = asyncio.create_task(pump.run())
    try:
        if drain:
            await pump.until_empty()
            return
        ring = datetime.now(UTC) - timedelta(minutes=30)
        for n in range(rng.randint(1, 40)):
            call_id = f"kill-{trial.number}-{n}@pbx.test"
            for typed in range(rng.randint(0, 3)):  # the after-call form, saved as it is typed
                await asyncio.sleep(rng.expovariate(1 / 0.003))
                drafts.save(call_id, {"comment": f"typed {typed}"})
                if acks is not None:
                    acks.send_bytes(f"draft {call_id} {typed}".encode())
            await asyncio.sleep(rng.expovariate(1 / 0.008))
            saved = outbox.add_disposition(
                DispositionIn(
                    call_id=call_id,
                    operator=OPERATOR,
                    queue="sales",
                    ring_at=ring,
                    answer_at=ring + timedelta(seconds=3),
                    end_at=ring + timedelta(seconds=40 + n),
                    code=rng.choice(("sale", "busy", "no_answer", "voicemail")),
                    comment=f"trial {trial.number} call {n}",
                )
            )
            if acks is not None:
                acks.send_bytes(str(saved.key).encode())
        await pump.until_empty()
        await asyncio.sleep(3600)  # wait for the kill
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await api.aclose()
        store.close()
