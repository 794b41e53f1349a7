"""Journey fixtures: a display, a seeded server, a keyring, customers' phones, and the real program.

Each journey module gets its own X display (Xvfb + Openbox) and its own keyring; the seeded server is
shared by the session (each journey logs in a different person). Screenshots of every step are kept in
``build/journeys/<module>/`` for a person to look at after a run, pass or fail.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.journey.desktop import REPO, RingdeskProcess
from tests.journey.screen import Screen, screen_tools_missing
from tests.server.live import LiveServer, server_command, server_env
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.support.secret_service import SecretService, running_secret_service, secret_service_available

PASSWORD = "journey-password-long-enough"
SHOTS = REPO / "build" / "journeys"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Journeys need the display tools: without them every journey is skipped with the reason (an
    allowed skip only where the tools cannot be installed; ``make test`` installs them)."""
    reason = screen_tools_missing() or (
        "" if secret_service_available() else "gnome-keyring is not installed"
    )
    if reason:
        for item in items:
            if "tests/journey/" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def journey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The central server on SQLite, seeded like the demo (users, catalogue, contacts, scripts)."""
    directory = tmp_path_factory.mktemp("journey-server")
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


def shots_dir(module: str) -> Path:
    path = SHOTS / module
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(scope="module")
def keyring() -> Iterator[SecretService]:
    with running_secret_service() as service:
        yield service


@contextlib.contextmanager
def api(server: LiveServer, user: str) -> Iterator[httpx.Client]:
    """A plain HTTP client logged in as ``user`` (to check what reached the server, or to play a
    colleague whose own desktop is not under test)."""
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        login = client.post("/auth/login", json={"name": user, "password": PASSWORD})
        login.raise_for_status()
        client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield client


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Customers:
    """Customers' phones: real ``ringdesk phone`` processes (pjsua2) that call the operator with the
    identity and queue headers a PBX adds, and follow a transfer like any SIP phone."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.phones: list[Phone] = []

    def phone(self, name: str, *extra: str) -> Phone:
        port = free_port("udp")
        phone = Phone(
            [
                "--listen",
                f"127.0.0.1:{port}",
                "--local-user",
                name,
                "--no-audio",
                "--sip-log-level",
                "0",
                *extra,
            ],
            log_dir=self.log_dir,
            name=name,
        )
        phone.port = port  # type: ignore[attr-defined]
        self.phones.append(phone)
        return phone

    def stop(self) -> None:
        for phone in self.phones:
            if phone.proc.poll() is None:
                phone.terminate()


@pytest.fixture(scope="module")
def customers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Customers]:
    made = Customers(tmp_path_factory.mktemp("customers"))
    yield made
    made.stop()


def launch(
    *,
    tmp: Path,
    display: str,
    screen: Screen,
    keyring: SecretService,
    server: LiveServer,
    language: str = "en",
    args: list[str] | None = None,
) -> RingdeskProcess:
    return RingdeskProcess(
        home=tmp,
        display=display,
        screen=screen,
        keyring_env=keyring.env,
        server_url=server.base_url,
        language=language,
        args=args or [],
    )


def log_in(desk: RingdeskProcess, user: str) -> None:
    """What a person does at the login dialog: click the login field, type, Tab, type the password,
    Enter. The server address is prefilled from the configuration."""
    desk.window("LoginDialog", timeout=60)
    desk.screen.shot("login-dialog")
    # started ahead of the login for a saved session (issue 15: the cold start), the telephony
    # service is not left running unseen while the dialog waits for a password
    assert desk.telephony_services() == []
    desk.click("LoginDialog.user")
    desk.screen.type(user)
    desk.screen.key("Tab")
    desk.screen.type(PASSWORD)
    desk.screen.key("Return")
    desk.window("MainWindow", timeout=60)
    assert len(desk.telephony_services()) == 1
