"""The desktop against a real server behind TLS with a certificate from the centre's own CA (uvicorn
with ``--ssl-certfile``, ``tests/sync/tls_server.py``): trusted when that CA is in the operating
system's trust store or in ``server_ca_file``, and otherwise refused with the login dialog saying the
certificate is not trusted (not that the server does not answer); a client for a plain ``http://``
server loads no CA at all and so refuses any TLS it is taken to."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.client.api import ApiClient
from app.credentials import SecretStore
from app.sync.me_feed import MeFeed
from app.sync.service import SyncService
from app.wire.auth import UserOut
from tests.e2e.conftest import until
from tests.server.live import REPO
from tests.support.patience import patient
from tests.sync.conftest import MemoryKeyring
from tests.sync.server import PASSWORD
from tests.sync.tls_server import Pki, TlsServer, make_pki
from ui.login_dialog import LoginDialog
from ui.login_flow import log_in
from ui.sync_banner import SyncBanner


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    directory = tmp_path_factory.mktemp("tls")
    with TlsServer(make_pki(directory / "pki"), directory) as running:
        yield running


@dataclass
class Options:
    """What :func:`ui.login_flow.log_in` reads of the desktop's options."""

    server_url: str
    user: str
    password: str | None
    database: Path | None


def dialog_login(
    loop: asyncio.AbstractEventLoop, tmp_path: Path, server: TlsServer, ca_file: str
) -> tuple[str, UserOut | None]:
    """Log in through the login dialog as the desktop does at start (no saved session): the password
    typed and "Log in" clicked; the text the dialog then shows under the fields (empty: it closed),
    and the user logged in. (The widgets are driven inside the loop without processing Qt events
    there: qtbot's key clicks would run qasync's callbacks outside the running loop.)"""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quits = app.quitOnLastWindowClosed()
    app.setQuitOnLastWindowClosed(False)  # as the desktop: the dialog closing must not end the loop

    async def scenario() -> tuple[str, UserOut | None]:
        database = tmp_path / "desk" / "ringdesk.sqlite3"
        sync = SyncService.open(
            server.base_url,
            account="operator1",
            database=database,
            secrets=SecretStore(MemoryKeyring()),
            ca_file=ca_file,
        )
        login = asyncio.ensure_future(log_in(Options(server.base_url, "operator1", None, database), sync))
        dialogs: list[LoginDialog] = []

        def shown() -> bool:
            widgets = QApplication.topLevelWidgets()
            dialogs[:] = [w for w in widgets if isinstance(w, LoginDialog) and w.isVisible()]
            return bool(dialogs)

        await until(shown, timeout=patient(10))
        dialog = dialogs[0]
        dialog.password.setText(PASSWORD)
        dialog.login_button.click()
        await until(lambda: bool(dialog.error.text()) or not dialog.isVisible(), timeout=patient(15))
        said = dialog.error.text()
        if dialog.isVisible():
            dialog.reject()  # the operator gives up
        current, user = await login
        await current.close()
        return said, user

    try:
        return loop.run_until_complete(scenario())
    finally:
        app.setQuitOnLastWindowClosed(quits)


def test_a_certificate_from_a_ca_this_computer_does_not_trust_is_refused_and_said_so(
    server: TlsServer,
    tmp_path: Path,
    qapp: QApplication,
    loop: asyncio.AbstractEventLoop,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="ringdesk.client"):
        said, user = dialog_login(loop, tmp_path, server, ca_file="")
    assert user is None
    assert said.startswith("The server's certificate is not trusted on this computer")
    assert server.base_url in said
    assert "does not answer" not in said
    # ...and IT finds why in the desktop's log
    assert f"the certificate of {server.base_url} is not trusted: unable to get local issuer" in caplog.text


def test_the_ca_file_it_names_in_the_settings_is_trusted_by_the_login_and_the_live_feed(
    server: TlsServer, tmp_path: Path, qapp: QApplication, loop: asyncio.AbstractEventLoop
) -> None:
    said, user = dialog_login(loop, tmp_path, server, ca_file=str(server.pki.ca))
    assert said == ""
    assert user is not None and user.name == "operator1"

    async def feed() -> None:  # the operator's own live feed: a wss:// socket, the same trust
        api = ApiClient(server.base_url, account="operator1", ca_file=str(server.pki.ca))
        connected: list[bool] = []
        me = MeFeed(api, lambda request: None, on_connected=connected.append)
        try:
            await api.login("operator1", PASSWORD)
            me.start()
            await until(lambda: True in connected, timeout=patient(10))
        finally:
            await me.stop()
            await api.aclose()

    loop.run_until_complete(feed())


def run_client(server: TlsServer, trust_store: Pki) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env["SSL_CERT_FILE"] = str(trust_store.ca)
    done = subprocess.run(
        [sys.executable, "-m", "tests.sync.tls_client", server.base_url, "operator1"],
        input=PASSWORD,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=patient(60),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_operating_systems_trust_store_is_used_and_a_plain_http_client_trusts_nothing(
    server: TlsServer,
) -> None:
    result = run_client(server, server.pki)
    assert result["user"] == "operator1"  # the CA is in the store OpenSSL reads (SSL_CERT_FILE here)
    assert result["https_cas"] == 1  # that store, not certifi's ~140 CAs
    # the client for http://... loaded no CA: even a certificate the store trusts is refused
    assert result["http_cas"] == 0
    assert str(result["http_context"]).startswith("untrusted: ")


def test_a_saved_login_at_start_says_the_certificate_is_not_trusted_not_that_the_server_is_down(
    server: TlsServer, tmp_path: Path, qapp: QApplication, loop: asyncio.AbstractEventLoop
) -> None:
    """The desktop resumes the login kept in the keyring at start: when this computer no longer
    trusts the server's certificate (IT removed the CA, the server got a new one), the operator works
    on from the cache and the status bar says what IT must mend, not "Server unreachable"."""
    keyring = MemoryKeyring()
    database = tmp_path / "desk" / "ringdesk.sqlite3"

    async def start(ca_file: str) -> tuple[UserOut | None, str]:
        sync = SyncService.open(
            server.base_url,
            account="operator1",
            database=database,
            secrets=SecretStore(keyring),
            ca_file=ca_file,
        )
        try:
            user = await sync.resume() if ca_file == "" else await sync.login("operator1", PASSWORD)
            banner = SyncBanner()
            banner.show_status(sync.status)
            return user, "" if banner.isHidden() else banner.text()
        finally:
            await sync.close()

    user, banner = loop.run_until_complete(start(str(server.pki.ca)))  # yesterday: trusted, logged in
    assert user is not None and banner == ""
    user, banner = loop.run_until_complete(start(""))  # today: the CA is gone from this computer
    assert user is not None and user.name == "operator1"  # from the cache: the operator works on
    assert banner.startswith("The server's certificate is not trusted on this computer")
    assert "Tell IT" in banner and "unreachable" not in banner
