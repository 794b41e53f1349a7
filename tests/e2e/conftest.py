"""End-to-end fixtures: a seeded live server (module scope), a qasync loop, the in-memory keyring."""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from tests.server.live import LiveServer, server_command, server_env
from tests.sync.conftest import memory_keyring  # noqa: F401 - fixture

PASSWORD = "e2e-password-long-enough"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    directory = tmp_path_factory.mktemp("e2e-server")
    database = f"sqlite:///{directory / 'server.db'}"
    subprocess.run(
        [*server_command(), "seed-demo", "--db", database, "--password-stdin"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        env=server_env(),
    )
    with LiveServer(directory / "server.log", args=["--db", database, "--dev"]) as live:
        yield live


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)


async def until(what: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait while the GUI, the phone and the pump run, until ``what()`` holds."""
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
