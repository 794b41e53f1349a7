"""Fixtures for the desktop-under-faults tests (issue 14): the e2e server and loop, and a small real
filesystem (a tmpfs of a few hundred KiB) the local store can be put on and filled."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, loop, seed_demo, server  # noqa: F401 - fixtures
from tests.server.live import LiveServer, run_cli
from tests.sync.conftest import memory_keyring  # noqa: F401 - fixture


class SmallDisk:
    """A tmpfs mounted for one test: ``fill()`` takes every free byte, ``free()`` gives them back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self) -> None:
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (65536, 4096, 1):  # down to the last byte
                with contextlib.suppress(OSError):
                    while os.write(fd, b"\0" * size):
                        pass
        finally:
            os.close(fd)

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


def can_mount() -> bool:
    return os.geteuid() == 0 and Path("/proc/filesystems").read_text().find("tmpfs") >= 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A real, small filesystem: a full disk is made, not simulated."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (root and CAP_SYS_ADMIN needed): {done.stderr.strip()}")
    try:
        yield SmallDisk(mount)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


SILENCE_S = 4.0
ROUTING_KEY = "routing-key-for-the-killed-desktop-test"
OPERATOR = "operator2"


@pytest.fixture(scope="module")
def quick_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo's server, noticing a silent desk after 4 s, routing the queue ``shop`` to operator3."""
    directory = tmp_path_factory.mktemp("presence-server")
    database = seed_demo(directory)
    routed = run_cli(
        [
            "user",
            "routing",
            OPERATOR,
            "--sip-uri",
            "sip:op2@pbx.example",
            "--queues",
            "shop",
            "--db",
            database,
        ]
    )
    assert routed.returncode == 0, routed.stderr
    env = {
        "RINGDESK_DESK_SILENCE_SECONDS": str(SILENCE_S),
        "RINGDESK_ROUTING_KEY": ROUTING_KEY,
        "RINGDESK_ROUTING_OFFER_SECONDS": "0",
    }
    with LiveServer(directory / "server.log", args=["--db", database, "--dev"], env=env) as live:
        yield live


def lead_client(live: LiveServer) -> httpx.Client:
    client = httpx.Client(base_url=live.base_url, timeout=10)
    login = client.post("/auth/login", json={"name": "lead", "password": PASSWORD})
    login.raise_for_status()
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return client


def board_row(lead: httpx.Client, operator: str) -> dict[str, object]:
    rows = lead.get("/statuses/board").json()
    return next(row for row in rows if row["operator"] == operator)


def history(lead: httpx.Client, operator: str, since: datetime) -> list[tuple[str, str | None, str]]:
    changes = lead.get("/statuses/history", params={"operator": operator, "since": since.isoformat()}).json()
    return [(c["status"], c["reason"], c["source"]) for c in changes]
