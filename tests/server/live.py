"""``ringdesk-server`` as a real process: for end-to-end tests over HTTP and for CLI tests.

``LiveServer`` runs ``ringdesk-server serve`` on a free port with its stderr (the JSON log) in a
file, waits for ``/health``, and stops it with SIGTERM (SIGKILL after a grace). Like the Kamailio
harness it starts the child under ``setpriv --pdeathsig TERM`` in its own process group, so it dies
with the test process, and an ``atexit`` hook stops any server a test forgot.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx

from tests.support.patience import patient
from tests.support.ports import free_port

REPO = Path(__file__).resolve().parents[2]
_live: weakref.WeakSet[LiveServer] = weakref.WeakSet()


def server_command() -> list[str]:
    """The installed ``ringdesk-server`` entry point, else ``python -m server``."""
    script = Path(sys.executable).with_name("ringdesk-server")
    return [str(script)] if script.exists() else [sys.executable, "-m", "server"]


def server_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test process's environment without any RINGDESK_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGDESK_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def run_cli(
    args: Sequence[str], *, env: Mapping[str, str] | None = None, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``ringdesk-server ARGS`` to completion (stdin is a pipe, so passwords are read from it)."""
    return subprocess.run(
        [*server_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=server_env(env),
        cwd=REPO,
        timeout=patient(timeout),
        check=False,
    )


def _pdeath_prefix() -> list[str]:
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []


class LiveServer:
    def __init__(
        self, log_path: Path, *, args: Sequence[str] = (), env: Mapping[str, str] | None = None
    ) -> None:
        self.port = free_port("tcp")
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.args = [*args, "--host", "127.0.0.1", "--port", str(self.port)]
        self.env = server_env(env)
        # call recordings land next to the log unless a test chose a place: never in the user's data dir
        self.env.setdefault("RINGDESK_RECORDINGS_DIR", str(log_path.parent / "server-recordings"))
        self._proc: subprocess.Popen[bytes] | None = None
        _live.add(self)

    def command(self) -> list[str]:
        """What runs (a subclass may serve another app the same way: ``bench.floor_apps``)."""
        return [*server_command(), "serve", *self.args]

    @property
    def pid(self) -> int | None:
        """The process id, which is also its process group's (every worker is in it)."""
        return self._proc.pid if self._proc is not None else None

    def start(self, timeout: float = 30.0) -> Self:
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [*_pdeath_prefix(), *self.command()],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=REPO,
                start_new_session=True,
            )
        timeout = patient(timeout)
        deadline = time.monotonic() + timeout
        # one client for the whole wait: ``httpx.get`` builds a client, and its TLS context, per call
        # (30-90 ms of CPU), so polling every 50 ms took most of a core from the server starting up
        with self.health_client() as http:
            while time.monotonic() < deadline:
                if self._proc.poll() is not None:
                    raise RuntimeError(
                        f"ringdesk-server exited with {self._proc.returncode}:\n{self.log_text()}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if http.get(f"{self.base_url}/health").status_code == 200:
                        return self
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"ringdesk-server did not answer /health within {timeout}s:\n{self.log_text()}")

    def health_client(self) -> httpx.Client:
        """What polls ``/health`` while the server starts (a server behind TLS trusts its test CA)."""
        return httpx.Client(timeout=1, trust_env=False)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (uvicorn shuts down gracefully), SIGKILL after ``timeout``; the exit status."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            return proc.wait(timeout=10)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    #: How long ``with`` waits for ``/health`` (benchmarks on a loaded machine raise it).
    start_timeout = 30.0

    def __enter__(self) -> Self:
        try:
            return self.start(self.start_timeout)
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@atexit.register
def _stop_leftovers() -> None:
    for server in list(_live):
        with contextlib.suppress(Exception):
            server.stop(timeout=2)
