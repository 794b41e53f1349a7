"""End-to-end fixtures: a seeded live server (module scope), a qasync loop, the in-memory keyring."""

from __future__ import annotations

import asyncio
import atexit
import functools
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from tests.server.live import LiveServer, server_command, server_env
from tests.support.ports import free_port
from tests.sync.conftest import memory_keyring  # noqa: F401 - fixture
from ui import gui_gc
from ui.i18n import Language
from ui.main import Desktop, DesktopOptions

PASSWORD = "e2e-password-long-enough"


@functools.cache
def _seeded_template() -> Path:
    """The demo's database, seeded once per test process (removed when it exits)."""
    template = Path(tempfile.mkdtemp(prefix="ringdesk-seeded-")) / "server.db"
    atexit.register(shutil.rmtree, template.parent, True)
    subprocess.run(
        [*server_command(), "seed-demo", "--db", f"sqlite:///{template}", "--password-stdin"],
        input=f"{PASSWORD}\n",
        text=True,
        check=True,
        capture_output=True,
        env=server_env(),
    )
    return template


def seed_demo(directory: Path) -> str:
    """A SQLite database in ``directory`` seeded as the demo's (every user's password: PASSWORD).

    ``ringdesk-server seed-demo`` runs once per test process, into a template that each caller gets a
    copy of: a seed costs 4-6 s (a process, the migrations, a password hash per demo user) and about
    twenty modules ask for one, on the critical path of ``make test``. The demo's history is dated in
    days, so a copy made minutes later shows what a fresh seed would."""
    shutil.copyfile(_seeded_template(), directory / "server.db")
    return f"sqlite:///{directory / 'server.db'}"


def seeded_demo_server(directory: Path, env: dict[str, str] | None = None) -> LiveServer:
    """A live ``--dev`` server on a freshly seeded demo database (enter it with ``with``)."""
    database = seed_demo(directory)
    return LiveServer(directory / "server.log", args=["--db", database, "--dev"], env=env)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with seeded_demo_server(tmp_path_factory.mktemp("e2e-server")) as live:
        yield live


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_gc(qapp: QApplication) -> None:
    """The desktop's garbage policy, as ``ui.main.run_qt`` installs it (``ui/gui_gc.py``)."""
    gui_gc.install(qapp)


@pytest.fixture
def loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop for one test; the windows the test's desktop opened are deleted after it.

    A stopped desktop closes its window (the process would exit next), but in the one test process
    the closed windows stayed, thousands of widgets by the end of the e2e tests, and every later
    application-wide restyle or language switch walked them all (seconds per widget test)."""
    before = set(QApplication.topLevelWidgets())
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()
    asyncio.set_event_loop(None)
    for widget in QApplication.topLevelWidgets():
        if widget not in before:
            widget.hide()
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


async def until(what: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait while the GUI, the phone and the pump run, until ``what()`` holds."""
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def direct_desktop(
    server_url: str,
    user: str,
    database: Path,
    *,
    phone_port: int | None = None,
    language: Language = Language.EN,
    **options: Any,
) -> Desktop:
    """The desktop as the e2e tests start it: English unless ``language``, a telephony service taking
    direct IP calls on ``phone_port`` (a free one if not given; no audio), the store at ``database`` (a
    restart reuses it); ``options``: any other :class:`DesktopOptions` (``acw``, ``phone_log``...)."""
    port = phone_port if phone_port is not None else free_port("udp")
    return Desktop(
        DesktopOptions(
            server_url=server_url,
            user=user,
            password=PASSWORD,
            phone_args=["--listen", f"127.0.0.1:{port}", "--local-user", "operator", "--no-audio"],
            language=language,
            database=database,
            **options,
        )
    )
