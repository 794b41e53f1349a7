"""Proof 1: a client killed with SIGKILL at random moments loses nothing and doubles nothing.

200 trials against one real server (``ringdesk-server serve`` on SQLite: the server is not what is
being killed). In each, a fresh client process (forked from a preloaded forkserver, see
``crashy_client``) logs in, saves dispositions at a random pace and flushes its outbox; it is killed
with SIGKILL after a random delay: while starting, saving, sending, or waiting for an answer the
server has already committed. The next trial restarts on the same data dir. At the end a last client
drains the outbox, and the server must hold every disposition in the client's database (which holds
every one the client acknowledged) exactly once, and the client must know each one's server id. A
form killed mid-typing comes back as last saved; a saved disposition leaves no draft behind.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

from app.store.database import open_store
from app.store.schema import OutboxState
from tests.sync.server import PASSWORD, SyncServer

TRIALS = int(os.environ.get("RINGDESK_KILL_TRIALS", "200"))
MAX_LIFETIME_S = 0.6
STARTUP_KILLS = 0.2
"""The share of kills timed from the fork (killing the start-up: opening the store, migrating,
logging in); the rest are timed from the client's "ready", so their moment falls in its work
however slowly the machine starts processes."""
READY_WAIT_S = 60.0


class Kill:
    """When a trial's client dies: ``after`` seconds from the fork, or from its "ready"."""

    def __init__(self, after: float, from_ready: bool) -> None:
        self.after = after
        self.from_ready = from_ready

    @classmethod
    def draw(cls, rng: random.Random) -> Kill:
        if rng.random() < STARTUP_KILLS:
            return cls(rng.uniform(0, MAX_LIFETIME_S), from_ready=False)
        return cls(rng.uniform(0, MAX_LIFETIME_S), from_ready=True)


def _trial(
    ctx: multiprocessing.context.ForkServerContext,
    data_dir: Path,
    base_url: str,
    trial: int,
    kill: Kill | None,
) -> list[str]:
    from tests.sync import crashy_client

    reader, writer = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=crashy_client.run,
        args=(crashy_client.Trial(str(data_dir), base_url, PASSWORD, trial, kill is None), writer),
        daemon=True,
    )
    process.start()
    writer.close()
    if kill is None:
        process.join(120)
        assert process.exitcode == 0, f"the draining client exited with {process.exitcode}"
    else:
        if kill.from_ready:
            assert reader.poll(READY_WAIT_S), f"trial {trial}: the client never logged in"
            assert reader.recv_bytes() == crashy_client.READY
        time.sleep(kill.after)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGKILL)
        process.join(10)
    acked: list[str] = []
    while True:
        try:
            acked.append(reader.recv_bytes().decode())
        except (EOFError, OSError):
            break
    reader.close()
    return [line for line in acked if line != crashy_client.READY.decode()]


def _unsent(data_dir: Path) -> int:
    """Items still pending right after a kill (read with plain sqlite3: cheap, no migrations)."""
    path = data_dir / "ringdesk.sqlite3"
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path, timeout=10)) as db:
        try:
            return int(db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0])
        except sqlite3.OperationalError:
            return 0  # killed before the schema was created


def test_kill_minus_nine_loses_and_doubles_nothing(live_server: SyncServer, tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.sync.crashy_client"])
    data_dir = tmp_path / "client"
    rng = random.Random(int(os.environ.get("RINGDESK_KILL_SEED", "6")))
    acked: list[str] = []
    killed_with_unsent = 0
    began = time.monotonic()
    for trial in range(TRIALS):
        acked += _trial(ctx, data_dir, live_server.base_url, trial, Kill.draw(rng))
        killed_with_unsent += _unsent(data_dir) > 0
    acked += _trial(ctx, data_dir, live_server.base_url, TRIALS, None)
    elapsed = time.monotonic() - began

    store = open_store(data_dir / "ringdesk.sqlite3")
    with store.reading() as db:
        local = {row["key"]: row for row in db.execute("SELECT key, call_id, server_id FROM dispositions")}
        states = Counter(state for (state,) in db.execute("SELECT state FROM outbox"))
        drafts = {
            row["call_id"]: json.loads(row["form"])["comment"] for row in db.execute("SELECT * FROM drafts")
        }
    store.close()
    typed = {line.split()[1]: int(line.split()[2]) for line in acked if line.startswith("draft ")}
    acked = [line for line in acked if not line.startswith("draft ")]
    assert acked, "no trial lived long enough to save a disposition: the proof proved nothing"
    assert set(acked) <= set(local), "an acknowledged disposition is missing from the client's database"
    dispositioned = {row["call_id"] for row in local.values()}
    assert not set(drafts) & dispositioned, "a draft outlived the disposition that replaced it"
    for call_id, last in typed.items():
        if call_id not in dispositioned:  # killed mid-form: the form comes back as last saved (or later)
            assert int(drafts[call_id].split()[1]) >= last, f"the draft of {call_id} went back in time"
    assert dict(states) == {OutboxState.DELIVERED.value: len(local)}

    stored = [d for d in live_server.dispositions() if d.call_id.startswith("kill-")]
    by_call = Counter(d.call_id for d in stored)
    assert [call for call, n in by_call.items() if n > 1] == [], "a disposition was stored twice"
    assert {d.key for d in stored} == set(local), "the server and the client disagree"
    assert {str(d.id) for d in stored} == {str(row["server_id"]) for row in local.values()}
    assert killed_with_unsent > TRIALS // 10, "too few kills hit a client with work in progress"
    print(f"\n{TRIALS} kills in {elapsed:.0f} s, {killed_with_unsent} of them with items unsent:")
    print(f"{len(acked)} acknowledged, {len(local)} saved, {len(stored)} stored once")
    print(f"{len(set(typed) - dispositioned)} forms killed mid-typing came back as last saved")
