"""A real Secret Service for tests: a private D-Bus session bus with GNOME Keyring on it.

The operator's Linux PC keeps ringdesk's secrets in the Secret Service (GNOME Keyring, KWallet's
provider); this starts the same daemon the desktop talks to there, in a temporary home, unlocked with a
throw-away password, so tests exercise the real ``keyring`` backend, D-Bus and the encrypted keyring
file instead of a stand-in. Every process started here is stopped on exit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

UNLOCK_PASSWORD = "test-unlock-5e1f"


def secret_service_available() -> bool:
    return shutil.which("gnome-keyring-daemon") is not None and shutil.which("dbus-daemon") is not None


@dataclass(frozen=True)
class SecretService:
    """A running session bus + GNOME Keyring; ``env`` makes a child process use them."""

    home: Path
    env: dict[str, str]

    @property
    def keyring_files(self) -> list[Path]:
        return sorted((self.home / "data" / "keyrings").glob("*"))


@contextlib.contextmanager
def running_secret_service() -> Iterator[SecretService]:
    """Start the bus and the keyring daemon; yield once the Secret Service answers; stop both."""
    home = Path(tempfile.mkdtemp(prefix="ringdesk-secrets-"))
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **env},
    )
    keyring: subprocess.Popen[bytes] | None = None
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not print its address")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        keyring = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, **env},
        )
        assert keyring.stdin is not None
        keyring.stdin.write(UNLOCK_PASSWORD.encode())
        keyring.stdin.close()
        _wait_for_service(env)
        yield SecretService(home, env)
    finally:
        for process in (keyring, bus):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(home, ignore_errors=True)


def _wait_for_service(env: dict[str, str], timeout: float = 10) -> None:
    """Until ``org.freedesktop.secrets`` has an owner on the bus."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=False,
        )
        if "boolean true" in probe.stdout:
            return
        time.sleep(0.05)
    raise RuntimeError("GNOME Keyring did not take org.freedesktop.secrets on the test bus")
