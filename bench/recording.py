"""Call recording: the encoder's CPU per call and the upload of an hour of audio (issue 18).

* **Encoder CPU**: 60 s of 20 ms frame pairs through the real ``OpusWriter`` (the thread that encodes a
  call), as CPU time over call time, in % of one core. "conversation": the caller and the operator take
  turns of 5 s (band-limited noise at speech level on one side, silence on the other), which is what a
  call is; "both loud": noise on both channels at once, the worst case. Target < 5 % for a conversation.
* **Upload of an hour**: a 17 MB file (an hour at the worst-case bitrate, docs/quality.md) through the
  desktop's outbox (announce, 512 KiB chunks, SHA-256 checked by the server) to ``ringdesk-server serve``
  on SQLite on this machine: seconds until the server has stored it.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.common import BenchResult

NAME = "recording"
CPU_TARGET_PERCENT = 5.0
HOUR_BYTES = 17 * 1000 * 1000


def run(log_dir: Path) -> BenchResult:
    result = BenchResult(NAME)
    with tempfile.TemporaryDirectory(prefix="rd-rec-bench-") as tmp:
        base = Path(tmp)
        conversation = _encoder_percent(base / "conversation.ogg", turns=True)
        worst = _encoder_percent(base / "worst.ogg", turns=False)
        result.add("encoder CPU, a conversation", round(conversation, 2), "%", CPU_TARGET_PERCENT)
        result.add("encoder CPU, both sides loud (worst case)", round(worst, 2), "%")
        result.add("upload of an hour (17 MB)", round(_upload_seconds(base, log_dir), 2), "s")
    return result


def _encoder_percent(path: Path, *, turns: bool, seconds: int = 60) -> float:
    from sip.recording.writer import OpusWriter

    rng = np.random.default_rng(1)
    silence = bytes(640)
    frames = []
    for i in range(seconds * 50):
        loud = [(rng.standard_normal(320) * 3000).astype(np.int16).tobytes() for _ in range(2)]
        if turns:
            caller_talks = (i // 250) % 2 == 0
            frames.append((loud[0] if caller_talks else silence, silence if caller_talks else loud[1], False))
        else:
            frames.append((loud[0], loud[1], False))
    writer = OpusWriter(path)
    started = time.process_time()
    writer.start()
    for frame in frames:
        writer.queue.put(frame)
    writer.finish()
    return (time.process_time() - started) / seconds * 100.0


def _upload_seconds(base: Path, log_dir: Path) -> float:
    from tests.sync.server import SyncServer, prepare_database

    url = f"sqlite:///{base / 'server.sqlite3'}"
    prepare_database(url)
    env = {"RINGDESK_RECORDINGS_DIR": str(base / "server-recordings")}
    with SyncServer(url, log_dir / "recording-server.log", extra_env=env) as server:
        return asyncio.run(_upload(server.base_url, base))


async def _upload(base_url: str, base: Path) -> float:
    from app.store.database import open_store
    from app.wire.recordings import RecordingIn
    from tests.sync.conftest import Running

    audio = base / "hour.ogg"
    data = os.urandom(HOUR_BYTES)
    audio.write_bytes(data)
    store = open_store(base / "desk.sqlite3")
    try:
        async with Running(store, base_url) as running:
            recording = RecordingIn(
                call_id="bench-hour@pbx",
                started_at=datetime.now(UTC),
                seconds=3600.0,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
            started = time.perf_counter()
            running.outbox.add_recording("operator1", recording, str(audio))
            await running.flushed(600)
            return time.perf_counter() - started
    finally:
        store.close()
