"""The X side of a journey: a private Xvfb display, real input through XTEST (xdotool), screenshots.

Why a display of its own: the journeys run the real program with the real ``xcb`` platform (not Qt's
offscreen one), so window activation, keyboard focus and shortcuts behave as on an operator's PC. Each
test session starts its own Xvfb on a display number Xvfb picks itself (``-displayfd``), so parallel
sessions never meet, and stops it by its process id at the end.

A small window manager (Openbox) runs on it: without one X sends the keyboard to whatever window is
under the pointer and Qt never considers its window active, so the window's shortcuts (F5, F8...) would
not fire, which is not what an operator's desktop does. With it, a new window is focused, a click
focuses a window, and the desktop's own ``activateWindow`` works as it does on a PC.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WIDTH, HEIGHT = 1366, 768


def screen_tools_missing() -> str:
    """Why the journeys cannot run here ("" when they can)."""
    missing = [
        tool for tool in ("Xvfb", "xdotool", "import", "openbox", "xprop") if shutil.which(tool) is None
    ]
    return f"{', '.join(missing)} not installed (tools/system-deps.sh installs them)" if missing else ""


@contextmanager
def xvfb(width: int = WIDTH, height: int = HEIGHT) -> Iterator[str]:
    """A private X display (``":N"``) for the block; Xvfb is stopped by its pid afterwards."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    manager: subprocess.Popen[bytes] | None = None
    wm_home = Path(tempfile.mkdtemp(prefix="ringdesk-wm-"))
    try:
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
        if not number.strip():
            raise RuntimeError("Xvfb did not report its display number")
        display = f":{number.decode().strip()}"
        manager = _window_manager(display, wm_home)
        yield display
    finally:
        os.close(read)
        if manager is not None:
            manager.terminate()
            manager.wait(10)
        shutil.rmtree(wm_home, ignore_errors=True)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _window_manager(display: str, home: Path) -> subprocess.Popen[bytes]:
    """Openbox on ``display``, once it has announced itself on the root window (EWMH)."""
    env = {**os.environ, "DISPLAY": display, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    env["XDG_CACHE_HOME"] = str(home / "cache")
    manager = subprocess.Popen(
        ["openbox", "--sm-disable"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    # a wait, not a judgement of speed: on a machine loaded to 25 (helpers' benchmarks beside a full
    # run) openbox took longer than the 20 s this once allowed
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and manager.poll() is None:
        check = subprocess.run(
            ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if "window id" in check.stdout:
            return manager
        time.sleep(0.1)
    manager.terminate()
    raise RuntimeError("openbox did not start on the test display")


class Screen:
    """Real input and screenshots on one display; every screenshot lands in ``shots``, numbered."""

    def __init__(self, display: str, shots: Path) -> None:
        self.display = display
        self.shots = shots
        self.shots.mkdir(parents=True, exist_ok=True)
        self._count = 0

    def _xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def key(self, *keys: str) -> None:
        """Press and release each key (xdotool names: ``Return``, ``F8``, ``ctrl+Return``, ``2``)."""
        self._xdotool("key", "--delay", "40", *keys)

    def type(self, text: str) -> None:
        """Type ``text`` as keystrokes."""
        self._xdotool("type", "--delay", "25", text)

    def click(self, x: int, y: int) -> None:
        """Move the pointer there and click the left button."""
        self._xdotool("mousemove", "--sync", str(x), str(y))
        self._xdotool("click", "1")

    def click_rect(self, rect: list[int]) -> None:
        """Click the middle of a ``[x, y, w, h]`` rectangle (a widget's, from the probe)."""
        x, y, w, h = rect
        self.click(x + w // 2, y + h // 2)

    def focus_window(self, xid: int) -> None:
        """Give a top-level window the keyboard, as clicking its title bar does under a window manager."""
        self._xdotool("windowfocus", "--sync", str(xid))

    def shot(self, name: str) -> Path:
        """Save the whole screen as ``NN-name.png`` (ImageMagick's ``import`` of the root window)."""
        self._count += 1
        path = self.shots / f"{self._count:02d}-{name}.png"
        subprocess.run(
            ["import", "-display", self.display, "-window", "root", str(path)],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return path
