"""The desktop's sync engine uploading one call recording, as a process the test can SIGKILL.

``run`` opens the local store, queues the recording (first run only) and runs the pump until the outbox
is empty. Each chunk's offset is appended to ``offsets`` before it is sent (a spy around the real
client method), so the test can tell where a restarted upload began.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.client.api import ApiClient
from app.store.database import open_store
from app.sync.deliver import Deliverer
from app.sync.outbox import Outbox
from app.sync.pump import RetryPolicy, SyncPump
from app.sync.status import SyncMonitor
from app.wire.recordings import RecordingIn, RecordingOut

OPERATOR = "operator1"
CALL_ID = "rec-kill@pbx.test"


@dataclass(frozen=True)
class Run:
    data_dir: str
    base_url: str
    password: str
    audio: str
    offsets: str
    queue_it: bool


def recording_of(path: Path) -> RecordingIn:
    data = path.read_bytes()
    return RecordingIn(
        call_id=CALL_ID,
        queue="sales",
        started_at=datetime.now(UTC),
        seconds=3600.0,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def run(spec: Run) -> None:
    asyncio.run(_main(spec))


async def _main(spec: Run) -> None:
    store = open_store(Path(spec.data_dir) / "ringdesk.sqlite3")
    outbox = Outbox(store)
    api = ApiClient(spec.base_url, account=OPERATOR, timeout=httpx.Timeout(10.0, connect=2.0))
    real = api.put_recording_chunk

    async def spy(recording_id: int, offset: int, data: bytes) -> RecordingOut:
        with open(spec.offsets, "a") as f:
            f.write(f"{offset}\n")
        return await real(recording_id, offset, data)

    api.put_recording_chunk = spy  # type: ignore[method-assign]
    if spec.queue_it:
        outbox.add_recording(OPERATOR, recording_of(Path(spec.audio)), spec.audio)
    pump = SyncPump(outbox, Deliverer(api), SyncMonitor(outbox), policy=RetryPolicy(initial=0.05, cap=0.5))
    await api.login(OPERATOR, spec.password)
    task = asyncio.create_task(pump.run())
    try:
        await pump.until_empty()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await api.aclose()
        store.close()
