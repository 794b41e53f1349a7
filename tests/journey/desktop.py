"""The real ``ringdesk`` program as a person starts it, and what its screen shows (read through the probe).

The program is started by its entry point (``python -m ui.cli``, what the ``ringdesk`` script runs)
with its own user configuration file (the server it talks to, the language), a home of its own (its
local store, log and single-instance socket), the test session's keyring on a private D-Bus, the X
display, and ``RINGDESK_PROBE`` so :mod:`ui.probe` answers questions about the screen. The telephony
service is the program's own child, started by it. Nothing inside the process is touched: input goes
through X (:class:`~tests.journey.screen.Screen`), facts come back through the probe socket.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tests.journey.screen import Screen

REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")


@dataclass(frozen=True)
class Widget:
    """One visible widget as the probe reported it."""

    path: str
    cls: str
    window: str
    text: str
    texts: tuple[str, ...]
    enabled: bool
    focus: bool
    rect: list[int]
    checked: bool | None = None
    role: str | None = None
    rows: tuple[tuple[str, ...], ...] = ()
    current_row: int | None = None

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Widget:
        return cls(
            path=raw["path"],
            cls=raw["cls"],
            window=raw["window"],
            text=raw["text"],
            texts=tuple(raw["texts"]),
            enabled=raw["enabled"],
            focus=raw["focus"],
            rect=raw["rect"],
            checked=raw.get("checked"),
            role=raw.get("role"),
            rows=tuple(tuple(r) for r in raw.get("rows", ())),
            current_row=raw.get("current_row"),
        )

    def row_of(self, first_cell: str) -> tuple[str, ...] | None:
        """The row of a list or table whose first cell is ``first_cell``."""
        return next((row for row in self.rows if row and row[0] == first_cell), None)

    @property
    def name(self) -> str:
        """The last part of the path (``answer_button``)."""
        return self.path.rsplit(".", 1)[-1].rsplit("/", 1)[-1]

    def all_texts(self) -> list[str]:
        return [t for t in (self.text, *self.texts) if t]


class Shown:
    """One reading of every visible widget, with look-ups by path."""

    def __init__(self, widgets: Iterable[Widget]) -> None:
        self.widgets = list(widgets)

    def find(self, suffix: str) -> Widget | None:
        """The widget whose path ends with ``suffix`` (``ringing.answer_button``), if visible."""
        for widget in self.widgets:
            if (
                widget.path == suffix
                or widget.path.endswith("." + suffix)
                or widget.path.endswith("/" + suffix)
            ):
                return widget
        return None

    def __getitem__(self, suffix: str) -> Widget:
        widget = self.find(suffix)
        if widget is None:
            raise KeyError(f"no visible widget {suffix!r}; visible: {[w.path for w in self.widgets][:80]}")
        return widget

    def text(self, suffix: str) -> str:
        widget = self.find(suffix)
        return widget.text if widget is not None else ""

    def in_window(self, window_cls_or_path: str) -> list[Widget]:
        return [w for w in self.widgets if w.window == window_cls_or_path]

    def texts(self) -> list[str]:
        return [t for w in self.widgets for t in w.all_texts()]


class Probe:
    """A client of the desktop's probe socket: one JSON line out, one back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sock: socket.socket | None = None
        self._buffer = b""

    def connect(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(self.path))
            except OSError:
                sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
                continue
            sock.settimeout(30)
            self._sock = sock
            return

    def ask(self, query: str) -> Any:
        if self._sock is None:
            self.connect()
        assert self._sock is not None
        self._sock.sendall((json.dumps({"query": query}) + "\n").encode())
        while b"\n" not in self._buffer:
            chunk = self._sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("the desktop closed the probe socket")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer = json.loads(line)
        if isinstance(answer, dict) and "error" in answer:
            raise RuntimeError(f"probe: {answer['error']}")
        return answer

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class RingdeskProcess:
    """``ringdesk`` running on the test display, its probe, and the screen it draws on."""

    def __init__(
        self,
        *,
        home: Path,
        display: str,
        screen: Screen,
        keyring_env: dict[str, str],
        server_url: str,
        language: str = "en",
        args: Iterable[str] = (),
        settings: dict[str, str] | None = None,
    ) -> None:
        self.home = home
        self.screen = screen
        config = home / "config" / "ringdesk"
        config.mkdir(parents=True, exist_ok=True)
        lines = [f'server_url = "{server_url}"', f'language = "{language}"', 'theme = "light"']
        lines += [f'{k} = "{v}"' for k, v in (settings or {}).items()]
        (config / "ringdesk.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for part in ("data", "state", "cache", "tmp"):
            (home / part).mkdir(exist_ok=True)
        self.probe_path = home / "tmp" / "probe.sock"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("RINGDESK_", "QT_"))}
        env.update(keyring_env)
        env.update(
            {
                "HOME": str(home),
                "XDG_CONFIG_HOME": str(home / "config"),
                "XDG_DATA_HOME": str(home / "data"),
                "XDG_STATE_HOME": str(home / "state"),
                "XDG_CACHE_HOME": str(home / "cache"),
                "TMPDIR": str(home / "tmp"),  # the single-instance socket lives there
                "DISPLAY": display,
                "QT_QPA_PLATFORM": "xcb",
                "PYTHONPATH": str(REPO),
                "PYTHONUNBUFFERED": "1",
                "RINGDESK_PROBE": str(self.probe_path),
            }
        )
        self.log_path = home / "ringdesk.out"
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "ui.cli", *args],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.probe = Probe(self.probe_path)
        self.probe.connect()

    # ----- reading the screen --------------------------------------------------------------------

    def shown(self) -> Shown:
        self._alive()
        return Shown(Widget.of(raw) for raw in self.probe.ask("widgets"))

    def windows(self) -> list[dict[str, Any]]:
        self._alive()
        return list(self.probe.ask("windows"))

    def focus(self) -> dict[str, Any]:
        self._alive()
        return dict(self.probe.ask("focus"))

    def until(
        self, what: Callable[[Shown], T], timeout: float = 20, message: str = "", *, shot: bool = True
    ) -> T:
        """Read the screen until ``what(shown)`` is truthy; its value. The last screen in the error."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.shown()
            with contextlib.suppress(KeyError):
                value = what(shown)
                if value:
                    return value
            if time.monotonic() > deadline:
                path = self.screen.shot("timeout") if shot else None
                visible = "\n".join(f"  {w.path} {w.cls} {w.all_texts()!r}" for w in shown.widgets[:120])
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {message or what}; screenshot {path};\n"
                    f"visible:\n{visible}\nlog tail:\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def within(self, what: Callable[[Shown], T], timeout: float) -> T | None:
        """``what(shown)`` once it is truthy, or ``None`` when it is not within ``timeout``: for what a
        person expects to see at once, noted rather than failed on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(KeyError):
                value = what(self.shown())
                if value:
                    return value
            time.sleep(0.05)
        return None

    def window(self, cls: str, timeout: float = 20) -> dict[str, Any]:
        """The visible top-level window of class ``cls`` (waits for it)."""
        deadline = time.monotonic() + timeout
        while True:
            for window in self.windows():
                if window["cls"] == cls:
                    return window
            if time.monotonic() > deadline:
                raise AssertionError(f"no {cls} window; windows: {self.windows()}\n{self.log_tail()}")
            time.sleep(0.05)

    # ----- acting -----------------------------------------------------------------------------------

    def click(self, suffix: str, timeout: float = 20) -> None:
        """Click a visible, enabled widget (found by the end of its path) with the real pointer."""
        widget = self.until(lambda s: s[suffix] if s[suffix].enabled else None, timeout, f"{suffix} enabled")
        self.screen.click_rect(widget.rect)

    def focus_window(self, cls: str) -> None:
        self.screen.focus_window(self.window(cls)["xid"])

    # ----- ending -----------------------------------------------------------------------------------

    def telephony_services(self) -> list[int]:
        """The pids of this ringdesk's telephony services (``ringdesk phone --ipc`` in its session)."""
        found: list[int] = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                session = int(stat.read_text().rsplit(")", 1)[1].split()[3])
                argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
                if session == self.proc.pid and b"phone" in argv and b"--ipc" in argv:
                    found.append(int(stat.parent.name))
        return found

    def _alive(self) -> None:
        if self.proc.poll() is not None:
            raise AssertionError(f"ringdesk exited with {self.proc.returncode}:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def wait_exit(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """SIGTERM to the program's process group (it and its telephony service), SIGKILL after 10 s."""
        self.probe.close()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # a telephony service left behind
