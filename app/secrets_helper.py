"""The OS keyring spoken to from a short-lived helper process (``ringdesk secrets-helper``).

Why: on Linux ``keyring``'s Secret Service backend brings ``secretstorage``, ``jeepney`` and
``cryptography`` (its Rust extension alone maps 5 MB): about 10 MB of the idle desktop's memory for
a few reads at start-up and a write at each token renewal (issue 15, docs/performance.md). A module
once imported stays for the life of the process, so the desktop asks a child instead: the child
imports ``keyring``, answers, and exits when it has been idle for :data:`IDLE_S` seconds.

The secrets cross a pipe between the desktop and its own child (the same user, nothing on disk, as
between ``keyring`` and the Secret Service daemon); they are never logged, and an error carries only
the exception's type. The child chooses its backend exactly as :class:`app.credentials.SecretStore`
does in-process (``keyrings.alt``, ``fail`` and ``null`` refused), honouring the same environment
(``PYTHON_KEYRING_BACKEND``, the D-Bus session).

Protocol: one JSON object per line each way. ``{"op": "hello"}`` -> ``{"backend": name, "problem":
reason or null}``; ``{"op": "get"|"set"|"delete", "service", "account"[, "secret"]}`` ->
``{"ok": true[, "value"]}`` or ``{"ok": false, "error": "ExceptionType"}``. End of input: the child
exits.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import IO, Any

IDLE_S = 5.0
"""How long the helper is kept after the last question (the start-up's reads come in a burst)."""
ANSWER_TIMEOUT_S = 30.0
"""A keyring that prompts (a locked GNOME Keyring) may take the operator's time; beyond this the
desktop goes on with secrets in memory."""


class RemoteKeyringError(Exception):
    """The helper could not be started, died, or answered nonsense (the type only: no secret)."""


class PasswordDeleteError(Exception):
    """Nothing was stored under that name (named as ``keyring``'s, which callers recognise)."""


def serve(stdin: IO[str] | None = None, stdout: IO[str] | None = None) -> int:
    """The child's side: answer questions until the desktop closes the pipe."""
    from app.credentials import SecretStore

    reader, writer = stdin or sys.stdin, stdout or sys.stdout
    store = SecretStore()
    backend = store._backend

    def answer(reply: dict[str, Any]) -> None:
        writer.write(json.dumps(reply) + "\n")
        writer.flush()

    for line in reader:
        try:
            request = json.loads(line)
            op = request["op"]
            if op == "hello":
                answer({"backend": store.backend_name, "problem": store.problem})
                continue
            if backend is None:
                answer({"ok": False, "error": "NoKeyring"})
                continue
            service, account = str(request["service"]), str(request["account"])
            if op == "get":
                answer({"ok": True, "value": backend.get_password(service, account)})
            elif op == "set":
                backend.set_password(service, account, str(request["secret"]))
                answer({"ok": True})
            elif op == "delete":
                backend.delete_password(service, account)
                answer({"ok": True})
            else:
                answer({"ok": False, "error": "UnknownOperation"})
        except Exception as exc:  # the type only: a backend's message could quote what it was given
            answer({"ok": False, "error": type(exc).__name__})
    return 0


class RemoteKeyring:
    """A ``keyring`` backend's three methods, answered by a helper process started on demand and
    let go after :data:`IDLE_S` seconds without a question. Thread-safe."""

    def __init__(self, argv: Sequence[str], *, idle_s: float = IDLE_S) -> None:
        self.argv = list(argv)
        self.idle_s = idle_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._timer: threading.Timer | None = None
        self.backend_name = "unknown"
        self.problem: str | None = None
        self.started = 0
        """How many helpers were started (tests and the bench read it)."""

    def begin(self) -> None:
        """Start the helper now without waiting for it (a failure to start is found by the first
        question, which tries again)."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                with contextlib.suppress(RemoteKeyringError):
                    self._start()

    def hello(self) -> tuple[str, str | None]:
        """The child's backend and why it cannot be used (``None``: it can)."""
        with self._lock:
            reply = self._ask({"op": "hello"})
        self.backend_name, self.problem = str(reply.get("backend")), reply.get("problem")
        return self.backend_name, self.problem

    def get_password(self, service: str, account: str) -> str | None:
        value = self._do({"op": "get", "service": service, "account": account}).get("value")
        return None if value is None else str(value)

    def set_password(self, service: str, account: str, secret: str) -> None:
        self._do({"op": "set", "service": service, "account": account, "secret": secret})

    def delete_password(self, service: str, account: str) -> None:
        self._do({"op": "delete", "service": service, "account": account})

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _do(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            reply = self._ask(request)
        if reply.get("ok"):
            return reply
        error = str(reply.get("error"))
        if error == "PasswordDeleteError":
            raise PasswordDeleteError()
        raise RemoteKeyringError(error)

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """One question and its answer (the lock held): a helper is started if none runs."""
        if self._timer is not None:
            self._timer.cancel()
        proc = self._proc if self._proc is not None and self._proc.poll() is None else self._start()
        assert proc.stdin is not None and proc.stdout is not None
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        try:
            proc.stdin.write(json.dumps(request) + "\n")
            proc.stdin.flush()
            reader.start()
            reader.join(ANSWER_TIMEOUT_S)
            reply = json.loads(answer[0]) if answer and answer[0] else None
        except (OSError, ValueError):
            reply = None
        if not isinstance(reply, dict):
            self._stop()
            raise RemoteKeyringError("NoAnswer")
        self._timer = threading.Timer(self.idle_s, self.close)
        self._timer.daemon = True
        self._timer.start()
        return reply

    def _start(self) -> subprocess.Popen[str]:
        try:
            self._proc = subprocess.Popen(
                self.argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
            )
        except OSError as exc:
            raise RemoteKeyringError(type(exc).__name__) from None
        self.started += 1
        return self._proc

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
