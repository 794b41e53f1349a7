"""The chain worker in a process of its own, at a lower CPU priority than the HTTP workers:
``ringdesk-server serve`` on PostgreSQL starts one per HTTP worker (``chain_worker_mode``).

Why a process and ``nice``, not a task in the HTTP worker: in the same interpreter the chains and the
requests share one GIL and one event loop, and a burst of due chains (10,000 after a campaign) took
more than half of disposition ingestion's throughput while it lasted (docs/chains.md,
"Performance"). Yielding between batches or capping the worker's share of time would slow the chains
on a quiet machine too. A separate process at ``nice`` 10 gets about a tenth of a busy CPU's time
next to the requests' processes (the kernel's weights, 110 against 1024) and all of an idle one: the
chains take what the requests leave. The database work of both stays at normal priority (the
PostgreSQL backends), and it is the small part of a chain step.

Exactly once does not depend on where the worker runs: steps are claimed with ``FOR UPDATE SKIP
LOCKED`` by whichever processes run a worker (:mod:`server.chains.steps`). A step that a request
makes due now is seen within ``chain_poll_seconds`` (the in-process worker was woken at once).

``serve`` supervises them: one that dies is started again (its claimed steps come back when their
lease runs out); they stop with ``serve``, and die with it (``PR_SET_PDEATHSIG``) if it is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping

from server.settings import Settings

log = logging.getLogger("ringdesk.server.chains")
PR_SET_PDEATHSIG = 1
RESTART_DELAY_S = 1.0
READY_WAIT_S = 300.0
SETTINGS_ENV = "RINGDESK__WORKER_SETTINGS"
"""Where ``serve`` hands down its settings: :data:`server.api.main.SETTINGS_ENV` (the same name;
not imported from there, which would load the web app into this process for nothing)."""


def _die_with_parent() -> None:
    """Linux: SIGTERM when the ``serve`` process dies, whatever the cause (a kill -9 included)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


async def _serve(settings: Settings) -> None:
    from server.chains.worker import ChainWorker

    worker = ChainWorker(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await worker.start()
    try:
        await stop.wait()
    finally:
        await worker.stop()


def main() -> None:
    """``python -m server.chains.process``: the settings come as JSON in :data:`SETTINGS_ENV`."""
    from server.logs import configure_logging, register_secret

    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the signal was set up
        return
    settings = Settings.model_validate(json.loads(os.environ[SETTINGS_ENV]))
    os.nice(settings.chain_worker_nice)
    register_secret(settings.secret_key.get_secret_value())
    configure_logging(settings.log_level)
    asyncio.run(_serve(settings))


class ChainProcesses:
    """``count`` chain worker processes, started again when one dies, stopped by :meth:`stop`.

    They start once ``ready()`` holds (the HTTP workers answer): on a busy machine the interpreters
    importing at once delayed the HTTP workers' start by seconds, and chains can wait for requests."""

    def __init__(self, count: int, env: Mapping[str, str], ready: Callable[[], bool] = lambda: True) -> None:
        self.count = count
        self.env = dict(env)
        self.ready = ready
        self.procs: list[subprocess.Popen[bytes]] = []
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._watch: threading.Thread | None = None

    def _spawn(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "server.chains.process"], env=self.env)

    def start(self) -> None:
        self._watch = threading.Thread(target=self._supervise, name="chain-processes", daemon=True)
        self._watch.start()

    def _supervise(self) -> None:
        """Start the processes once ready, then start again one that died of anything but a clean
        stop (exit 0: it was told to)."""
        deadline = time.monotonic() + READY_WAIT_S
        while not self.ready() and time.monotonic() < deadline:
            if self._stopping.wait(0.2):
                return
        with self._lock:
            if self._stopping.is_set():
                return
            self.procs = [self._spawn() for _ in range(self.count)]
        while not self._stopping.wait(RESTART_DELAY_S):
            with self._lock:
                for i, proc in enumerate(self.procs):
                    if proc.poll() in (None, 0) or self._stopping.is_set():
                        continue
                    log.warning(
                        "chain worker process died: started again",
                        extra={"event": "chains.process_restarted", "status": proc.returncode},
                    )
                    self.procs[i] = self._spawn()

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            self._stopping.set()
            for proc in self.procs:
                if proc.poll() is None:
                    proc.terminate()
        deadline = time.monotonic() + timeout
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
