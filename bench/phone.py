"""A ``ringdesk phone`` child process whose events are time-stamped on arrival, in this process's clock.

Why not the test harness (``tests/support/phone.py``): a latency figure needs the moment each line
*reached the reader*, taken with ``time.perf_counter()`` in the same process that took the send time. The
event's own ``at`` is the phone's ``time.time()``: another clock, coarser, and blind to the cost of the
JSON pipe that the desktop pays too.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from app.telephony import commands as cmd
from app.telephony import events as ev
from app.telephony import wire
from bench.common import REPO

E = TypeVar("E")


class PhoneFailed(RuntimeError):
    """The phone did not do what the benchmark needed; the message names its log file."""


class BenchPhone:
    """``python -m ui.cli phone ARGS`` with ``(arrival perf_counter, event)`` pairs in :attr:`events`.

    Use as a context manager: the process is stopped (SIGTERM, then SIGKILL) however the block ends.
    """

    def __init__(self, args: Sequence[str], *, log_dir: Path, name: str, env: dict[str, str] | None = None):
        self.name = name
        self.args = list(args)
        self.env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}.stderr.log"
        self.events: list[tuple[float, ev.Event]] = []
        self._cond = threading.Condition()
        self._refs = itertools.count(1)
        self.proc: subprocess.Popen[bytes] | None = None
        self._reader: threading.Thread | None = None

    def __enter__(self) -> BenchPhone:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ui.cli", "phone", *self.args],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        self._reader = threading.Thread(target=self._read, name=f"{self.name}-reader", daemon=True)
        self._reader.start()
        try:
            self.wait_for(ev.EngineStarted, timeout=20)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def exit_code(self) -> int | None:
        """None while the phone runs; negative when a signal killed it (-6: a PJSIP assertion)."""
        return self.proc.poll() if self.proc is not None else None

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            arrived = time.perf_counter()  # before decoding: pydantic costs ~0.1 ms we must not count
            try:
                event = wire.decode_event(line)
            except wire.WireError:
                continue
            with self._cond:
                self.events.append((arrived, event))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def mark(self) -> int:
        """Index of the next event, to wait only for what happens after this point."""
        with self._cond:
            return len(self.events)

    def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda e: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> tuple[float, E]:
        """The first ``(arrival, event)`` of ``kind`` from index ``after`` matching ``predicate``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for arrived, event in self.events[after:]:
                    if isinstance(event, kind) and predicate(event):
                        return arrived, event
                left = deadline - time.monotonic()
                dead = self.proc is not None and self.proc.poll() is not None
                if left <= 0 or (dead and self._reader is not None and not self._reader.is_alive()):
                    break
                self._cond.wait(min(left, 0.2))
        code = self.proc.poll() if self.proc is not None else None
        how = f"it exited with code {code}" if code is not None else f"none within {timeout} s"
        raise PhoneFailed(f"{self.name}: no {kind.__name__}, {how} (log: {self.log_path})")

    def send(self, command: Any, *, timeout: float = 10.0) -> ev.CommandResult:
        """Send a command with a fresh ``ref`` and wait for its (successful) result."""
        assert self.proc is not None and self.proc.stdin is not None
        ref = f"b{next(self._refs)}"
        command = type(command)(**{**command.__dict__, "ref": ref})
        self.proc.stdin.write(wire.encode(command))
        self.proc.stdin.flush()
        _, result = self.wait_for(ev.CommandResult, lambda r: r.ref == ref, timeout=timeout)
        if not result.ok:
            raise PhoneFailed(f"{self.name}: {command.type} failed: {result.error}")
        return result

    def audio_stats(self) -> ev.AudioStats:
        """Ask for stats now; note ``max_callback_gap_ms`` restarts from zero after each query."""
        mark = self.mark()
        self.send(cmd.QueryStats())
        return self.wait_for(ev.AudioStats, after=mark)[1]

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (the phone releases its SIP objects and exits), SIGKILL if it hangs."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._reader is not None:
            self._reader.join(2)  # EOF follows the exit: let it read the last events first
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
