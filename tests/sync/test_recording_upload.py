"""Recordings through the outbox (issue 18): a kill -9 of the desktop's sync mid-upload continues
where the server stopped after a restart, stores the file once, and a recording the server cannot take
never holds up a disposition."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.store.database import LocalStore
from app.store.schema import OutboxState
from app.wire.recordings import CHUNK_BYTES_MAX
from server.db import Database
from server.models import Recording
from tests.support.patience import patient
from tests.sync import recording_client
from tests.sync.conftest import Running, disposition
from tests.sync.server import PASSWORD, SyncServer, prepare_database

SIZE = 48 * 1024 * 1024  # 96 chunks: long enough to be killed in the middle


@pytest.fixture
def server_with_recordings(tmp_path: Path) -> Iterator[tuple[SyncServer, Path]]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    prepare_database(url)
    root = tmp_path / "recordings"
    with SyncServer(url, tmp_path / "server.log", extra_env={"RINGDESK_RECORDINGS_DIR": str(root)}) as server:
        yield server, root


def _rows(url: str) -> list[Recording]:
    database = Database.connect(url, pooled=False)
    try:
        with database.session() as session:
            rows = list(session.scalars(select(Recording)))
            session.expunge_all()
            return rows
    finally:
        database.dispose()


def _client(spec: recording_client.Run) -> multiprocessing.process.BaseProcess:
    process = multiprocessing.get_context("spawn").Process(
        target=recording_client.run, args=(spec,), daemon=True
    )
    process.start()
    return process


def test_a_killed_upload_continues_where_the_server_stopped(
    server_with_recordings: tuple[SyncServer, Path], tmp_path: Path
) -> None:
    server, root = server_with_recordings
    data_dir = tmp_path / "desk"
    data_dir.mkdir()
    audio = data_dir / "call.ogg"
    audio.write_bytes(os.urandom(SIZE))
    original = tmp_path / "original.ogg"
    shutil.copy(audio, original)
    offsets = tmp_path / "offsets"
    spec = recording_client.Run(str(data_dir), server.base_url, PASSWORD, str(audio), str(offsets), True)

    first = _client(spec)
    deadline = time.monotonic() + patient(60)
    while not any(p.stat().st_size >= 2 * CHUNK_BYTES_MAX for p in (root / "incoming").glob("*.part")):
        assert first.is_alive() and time.monotonic() < deadline, "the upload never got going"
        time.sleep(0.002)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)
    first.join(10)
    [row] = _rows(server.url)
    held = row.received
    assert 0 < held < SIZE and not row.stored, f"killed at {held} of {SIZE} bytes: not mid-upload"
    sent_before = len(offsets.read_text().split())

    second = _client(recording_client.Run(**{**spec.__dict__, "queue_it": False}))
    second.join(patient(120))
    assert second.exitcode == 0
    resumed = [int(x) for x in offsets.read_text().split()[sent_before:]]
    assert resumed[0] >= held, f"the restarted upload began at {resumed[0]}, the server held {held}"
    assert resumed == list(range(resumed[0], SIZE, CHUNK_BYTES_MAX))  # each later chunk once, in order
    [row] = _rows(server.url)
    assert row.stored and row.received == SIZE
    stored = root / row.sha256[:2] / row.sha256[2:4] / f"{row.sha256}.ogg"
    assert stored.read_bytes() == original.read_bytes()
    assert not audio.exists()  # the PC keeps no copy once the server checked it
    with sqlite3.connect(data_dir / "ringdesk.sqlite3") as db:
        states = db.execute("SELECT state FROM outbox WHERE kind = 'recording'").fetchall()
    assert states == [(OutboxState.DELIVERED.value,)]


@pytest.fixture
def server_without_storage(tmp_path: Path) -> Iterator[SyncServer]:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    prepare_database(url)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("IT pointed the recordings at a file")
    with SyncServer(
        url, tmp_path / "server.log", extra_env={"RINGDESK_RECORDINGS_DIR": str(blocked)}
    ) as server:
        yield server


def test_a_recording_that_cannot_be_stored_does_not_hold_up_dispositions(
    server_without_storage: SyncServer, store: LocalStore, tmp_path: Path
) -> None:
    audio = tmp_path / "call.ogg"
    audio.write_bytes(os.urandom(100_000))

    async def scenario() -> None:
        async with Running(store, server_without_storage.base_url) as running:
            running.outbox.add_recording("operator1", recording_client.recording_of(audio), str(audio))
            deadline = time.monotonic() + patient(20)

            def tries() -> int:
                return sum(i.attempts for i in running.outbox.pending() if i.kind.value == "recording")

            while tries() < 1:  # the server has failed on the recording: it is being retried
                assert time.monotonic() < deadline, "the recording was never attempted"
                await asyncio.sleep(0.02)
            saved = running.outbox.add_disposition(disposition(1))
            while str(saved.key) not in {d.key for d in server_without_storage.dispositions()}:
                assert time.monotonic() < deadline, "the disposition waited behind the recording"
                await asyncio.sleep(0.02)
            pending = [i for i in running.outbox.pending() if i.kind.value == "recording"]
            assert len(pending) == 1 and pending[0].attempts >= 1  # still trying, not lost

    asyncio.run(scenario())
