"""``ringdesk phone`` as IT uses it: password kept in the keyring, clear errors, clean exits."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.telephony import events as ev
from app.telephony.events import RegState
from tests.conftest import REPO
from tests.support.kamailio import Kamailio, kamailio_available
from tests.support.phone import Phone
from tests.support.ports import free_port
from tests.support.secret_service import SecretService, running_secret_service, secret_service_available

StartPhone = Callable[..., Phone]
ACCOUNT = "sip:1001@ringdesk.test"


@pytest.fixture(scope="module")
def secret_service() -> Iterator[SecretService]:
    """The OS keyring as on an operator's Linux PC (GNOME Keyring on a private D-Bus)."""
    if not secret_service_available():
        pytest.skip("gnome-keyring / dbus-daemon not installed (make test installs them)")
    with running_secret_service() as service:
        yield service


def keyring_env(service: SecretService | None = None, backend: str | None = None) -> dict[str, str]:
    env = {"PYTHONPATH": str(REPO)}
    if service is not None:
        env.update(service.env)
    if backend is not None:
        env["PYTHON_KEYRING_BACKEND"] = backend
    return env


def phone_cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "phone", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        check=False,
        text=True,
        timeout=30,
        env={**os.environ, **env},
    )


@pytest.mark.skipif(not kamailio_available(), reason="kamailio is not installed (make test installs it)")
def test_password_stored_once_then_used_from_the_keyring(
    secret_service: SecretService, start_phone: StartPhone
) -> None:
    env = keyring_env(secret_service)
    stored = phone_cli("--account", ACCOUNT, "--set-password", env=env, stdin="s3cret-1001\n")
    assert stored.returncode == 0, stored.stderr
    assert "stored in the OS keyring" in stored.stderr
    with Kamailio({"1001": "s3cret-1001"}) as kam:
        phone = start_phone(
            "--listen",
            f"127.0.0.1:{free_port()}",
            "--no-audio",
            "--account",
            ACCOUNT,
            "--registrar",
            kam.uri(),
            "--sip-log-level",
            "5",
            env=env,
        )
        phone.wait_for(ev.RegistrationChanged, lambda e: e.state is RegState.REGISTERED)
        kam.wait_registered("1001")
        assert phone.terminate() == 0
    assert "s3cret-1001" not in phone.log_path.read_text(errors="replace")  # not even at SIP log level 5


def test_missing_password_says_how_to_store_it(secret_service: SecretService) -> None:
    result = phone_cli(
        "--listen",
        f"127.0.0.1:{free_port()}",
        "--account",
        "sip:1999@ringdesk.test",
        env=keyring_env(secret_service),
    )
    assert result.returncode == 2
    assert "--set-password" in result.stderr


def test_unavailable_keyring_is_a_clear_error() -> None:
    env = keyring_env(backend="keyring.backends.fail.Keyring")
    result = phone_cli("--account", ACCOUNT, "--set-password", env=env, stdin="x\n")
    assert result.returncode == 1
    assert "keyring is not available" in result.stderr
    result = phone_cli("--listen", f"127.0.0.1:{free_port()}", "--account", ACCOUNT, env=env)
    assert result.returncode == 2 and "--password-stdin" in result.stderr


def test_bad_arguments_are_explained(tmp_path: Path) -> None:
    assert "HOST:PORT" in phone_cli("--listen", "nonsense", env={}).stderr
    assert "SIP URI" in phone_cli("--account", "not-a-uri", "--password-stdin", env={}, stdin="x\n").stderr


def test_port_in_use_is_reported_not_crashed(start_phone: StartPhone) -> None:
    first = start_phone("--listen", f"127.0.0.1:{free_port()}", "--no-audio")
    port = first.started.listen[0].rsplit(":", 1)[1]
    result = phone_cli("--listen", f"127.0.0.1:{port}", "--no-audio", env={})
    assert result.returncode == 2
    errors = [line for line in result.stdout.splitlines() if '"type":"error"' in line]
    assert errors and "cannot start" in errors[0]


def test_ctrl_c_stops_the_phone_cleanly(start_phone: StartPhone) -> None:
    import signal

    phone = start_phone("--listen", f"127.0.0.1:{free_port()}", "--no-audio")
    phone.proc.send_signal(signal.SIGINT)
    assert phone.proc.wait(15) == 0
    phone.wait_for(ev.EngineStopped)
