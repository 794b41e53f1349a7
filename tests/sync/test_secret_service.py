"""Secrets in the real Linux keyring: GNOME Keyring on a private D-Bus, as on an operator's PC.

The other credential tests use stand-ins to provoke failures; these prove the path an operator's PC
takes: ``keyring`` finds the Secret Service by itself, what the desktop stores survives a restart, the
phone's command line and the desktop share one entry, and the secret is nowhere in clear on disk.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.patience import patient
from tests.support.secret_service import SecretService, running_secret_service, secret_service_available

pytestmark = pytest.mark.skipif(
    not secret_service_available(),
    reason="gnome-keyring / dbus-daemon not installed (make test installs them)",
)

TOKEN = "refresh-Токен-" + "9c1d2b7f3e"
SIP_PASSWORD = "sip-Пароль-" + "2b7f3e9c1d"
SIP_URI = "sip:1001@pbx.example"


@pytest.fixture(scope="module")
def service() -> Iterator[SecretService]:
    with running_secret_service() as running:
        yield running


def python(
    service: SecretService, code: str, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTHON_KEYRING", "RINGDESK_TEST_KEYRING"))
    }
    return subprocess.run(
        [sys.executable, *(["-c", code] if code else []), *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=patient(60),
        check=False,
        env={**env, **service.env, "PYTHONPATH": str(REPO)},
    )


STORE = """
import sys
from app.credentials import SecretKind, SecretStore
store = SecretStore()
print(type(store._backend).__module__, store.problem)
if sys.argv[1] == "set":
    store.set(SecretKind.REFRESH_TOKEN, "operator1", sys.argv[2])
    store.set(SecretKind.SIP_PASSWORD, sys.argv[3], sys.argv[4])
else:
    print(store.get(SecretKind.REFRESH_TOKEN, "operator1"))
    print(store.get(SecretKind.SIP_PASSWORD, sys.argv[2]))
"""


def test_what_the_desktop_stores_is_there_after_a_restart_and_nowhere_in_clear(
    service: SecretService,
) -> None:
    stored = python(service, STORE, "set", TOKEN, SIP_URI, SIP_PASSWORD)
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.split() == ["keyring.backends.SecretService", "None"]

    read = python(service, STORE, "get", SIP_URI)  # a new process: the desktop started again
    assert read.returncode == 0, read.stderr
    assert read.stdout.splitlines()[1:] == [TOKEN, SIP_PASSWORD]

    assert service.keyring_files, "GNOME Keyring wrote no keyring file"
    for path in service.home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (TOKEN, SIP_PASSWORD):
                assert secret.encode() not in data, f"{secret[:8]}... in clear in {path}"


def test_the_phone_command_line_and_the_desktop_share_the_sip_password(service: SecretService) -> None:
    uri = "sip:2002@pbx.example"
    stored = python(
        service,
        "",
        "-m",
        "ui.cli",
        "phone",
        "--account",
        "2002@pbx.example",
        "--set-password",
        stdin=SIP_PASSWORD + "\n",
    )
    assert stored.returncode == 0, stored.stderr
    assert f"password for {uri} stored in the OS keyring" in stored.stderr
    read = python(service, STORE, "get", uri)
    assert read.stdout.splitlines()[-1] == SIP_PASSWORD


def test_a_locked_keyring_keeps_secrets_in_memory_and_says_so() -> None:
    """Locked and nobody to type the unlock password (no prompter on this bus): memory only, and why."""
    code = """
import secretstorage
from app.credentials import SecretKind, SecretStore
connection = secretstorage.dbus_init()
secretstorage.get_default_collection(connection).lock()
store = SecretStore()
store.set(SecretKind.REFRESH_TOKEN, "operator1", "kept-in-memory")
print(store.get(SecretKind.REFRESH_TOKEN, "operator1"))
print(store.problem)
"""
    with running_secret_service() as own:  # its own: the lock must not leak into the other tests
        result = python(own, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["kept-in-memory", "the system keyring failed (KeyringLocked)"]


DESKTOP = """
import sys, time
from app.credentials import SecretKind, SecretStore
store = SecretStore.for_desktop()
print(store.backend_name, store.problem)
remote = store._backend  # the helper, once it answered
store.set(SecretKind.REFRESH_TOKEN, "operator7", sys.argv[1])
print(store.get(SecretKind.REFRESH_TOKEN, "operator7"), store.get(SecretKind.SIP_PASSWORD, "sip:none@x"))
store.delete(SecretKind.SIP_PASSWORD, "sip:none@x")  # nothing there: not an error
helper = remote._proc
print("keyring" in sys.modules, remote.started, helper.poll() is None)
deadline = time.monotonic() + 30
while helper.poll() is None and time.monotonic() < deadline:
    time.sleep(0.1)
print(helper.poll(), store.get(SecretKind.REFRESH_TOKEN, "operator7") == sys.argv[1], remote.started)
"""


def test_the_desktop_reads_and_writes_through_a_helper_and_never_loads_keyring_itself(
    service: SecretService,
) -> None:
    """The desktop's store (issue 15: ~10 MB of ``keyring``, ``secretstorage`` and ``cryptography`` out
    of its memory): the same Secret Service entry, the helper gone once idle and started again when
    asked, and the desktop process itself never imports ``keyring``."""
    token = "refresh-через-помощника-" + "5e8a1f"
    result = python(service, DESKTOP, token)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "keyring.backends.SecretService.Keyring None"
    assert lines[1] == f"{token} None"
    assert lines[2] == "False 1 True"  # keyring not loaded here; one helper for all of it, still there
    assert lines[3] == "0 True 2"  # it left when idle; the next question started another
    read = python(service, STORE, "get", SIP_URI)  # the in-process store of before reads the same
    assert read.returncode == 0, read.stderr
    stored = python(
        service,
        "from app.credentials import *; print(SecretStore().get(SecretKind.REFRESH_TOKEN, 'operator7'))",
    )
    assert stored.stdout.strip() == token


def test_a_helper_that_cannot_start_leaves_secrets_in_memory_and_says_why() -> None:
    from app.credentials import SecretKind, SecretStore
    from app.secrets_helper import RemoteKeyring

    store = SecretStore(RemoteKeyring(["/nonexistent/ringdesk", "secrets-helper"]))
    assert store.problem == "the system keyring failed (RemoteKeyringError)"
    store.set(SecretKind.REFRESH_TOKEN, "operator1", "kept-in-memory")
    assert store.get(SecretKind.REFRESH_TOKEN, "operator1") == "kept-in-memory"
    assert store.backend_name == "memory"


def test_the_store_starts_its_helper_and_does_not_wait_for_it_until_a_secret_is_needed() -> None:
    """Issue 15: the desktop's start waited for the helper's own start-up (Python and the keyring's
    backend discovery) before anything else; the helper now starts at once and is asked only when a
    secret is first needed, so its start-up runs beside the desktop's."""
    from app.credentials import SecretKind, SecretStore
    from app.secrets_helper import RemoteKeyring

    gate = Path(tempfile.mkdtemp()) / "answer"
    helper = (
        "import json, os, sys, time\n"  # a helper that answers only once the test lets it
        f"while not os.path.exists({str(gate)!r}): time.sleep(0.01)\n"
        "for line in sys.stdin:\n"
        "    op = json.loads(line)['op']\n"
        "    reply = {'backend': 'test', 'problem': None} if op == 'hello' else {'ok': True, 'value': 'v'}\n"
        "    print(json.dumps(reply), flush=True)\n"
    )
    remote = RemoteKeyring([sys.executable, "-c", helper])
    store = SecretStore(remote)  # returns although the helper has not answered
    try:
        assert remote.started == 1  # ...and the helper is on its way
        gate.touch()
        assert store.get(SecretKind.REFRESH_TOKEN, "operator1") == "v"
        assert (store.backend_name, store.problem) == ("test", None)
    finally:
        remote.close()
