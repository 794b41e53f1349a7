"""Drive a real ``ringdesk phone`` process from a test: start it, read its events, send it commands.

The phone runs as its own process exactly as the desktop runs it; the test reads the JSON lines it
prints and waits for the events a user would see.
"""

from __future__ import annotations

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

REPO = Path(__file__).resolve().parents[2]
E = TypeVar("E")


class PhoneError(AssertionError):
    """The phone did not do what the test expected; the message includes its recent log."""


class Phone:
    """A ``ringdesk phone`` child process with its event stream."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        log_dir: Path,
        stdin_first_line: str | None = None,
        name: str = "phone",
    ) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.stderr.log"
        self.events: list[ev.Event] = []
        self._cond = threading.Condition()
        self._refs = itertools.count(1)
        full_env = {**os.environ, **(env or {})}
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        self._stderr = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "phone", *args],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=full_env,
        )
        if stdin_first_line is not None:
            self._write(stdin_first_line.encode() + b"\n")
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.started = self.wait_for(ev.EngineStarted, timeout=15)

    # ----- reading -----------------------------------------------------------------------------

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            event = wire.decode_event(line)
            with self._cond:
                self.events.append(event)
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_for(
        self,
        kind: type[E],
        predicate: Callable[[E], bool] = lambda e: True,
        *,
        timeout: float = 10.0,
        after: int = 0,
    ) -> E:
        """The first event of ``kind`` from index ``after`` matching ``predicate``, within ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event in self.events[after:]:
                    if isinstance(event, kind) and predicate(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    break
                self._cond.wait(min(remaining, 0.2))
        raise PhoneError(
            f"{self.name}: no {kind.__name__} within {timeout} s (exit code {self.proc.poll()}).\n"
            f"events: {self.events[-15:]}\nlog tail:\n{self.log_tail()}"
        )

    def all(self, kind: type[E], predicate: Callable[[E], bool] = lambda e: True) -> list[E]:
        with self._cond:
            return [e for e in self.events if isinstance(e, kind) and predicate(e)]

    def mark(self) -> int:
        """Index of the next event, to wait only for what happens after this point."""
        with self._cond:
            return len(self.events)

    def log_tail(self, lines: int = 40) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    # ----- commands ----------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, command: Any, *, timeout: float = 10.0, expect_ok: bool = True) -> ev.CommandResult:
        """Send a command (its ``ref`` is filled in) and wait for its result."""
        ref = f"t{next(self._refs)}"
        command = type(command)(**{**command.__dict__, "ref": ref})
        self._write(wire.encode(command))
        result = self.wait_for(ev.CommandResult, lambda r: r.ref == ref, timeout=timeout)
        if expect_ok and not result.ok:
            raise PhoneError(f"{self.name}: {command.type} failed: {result.error}")
        return result

    def stats(self) -> ev.EngineStats:
        mark = self.mark()
        self.send(cmd.QueryStats())
        return self.wait_for(ev.EngineStats, after=mark)

    # ----- ending ------------------------------------------------------------------------------

    def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM and wait: returns the exit code (negative = killed by a signal, e.g. -6 abort)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
                raise PhoneError(f"{self.name} did not exit on SIGTERM\n{self.log_tail()}") from None
        self._reader.join(5)
        self._stderr.close()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        self._stderr.close()
