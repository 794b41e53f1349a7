"""One signed build per test session: throw-away keys, a loopback time-stamping authority, then
``python -m installer all`` exactly as ``make installer`` runs it, with the keys named by environment
variables. Packages use gzip here (xz of ~300 MB of bundles costs a minute and proves nothing more).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.installer.signing import (
    CodeSigningCA,
    GpgRelease,
    make_codesigning_ca,
    make_gpg_key,
    stop_gpg_agent,
    timestamp_authority,
)

REPO = Path(__file__).resolve().parents[2]
TOOLS = (
    "dpkg-deb",
    "debsigs",
    "debsig-verify",
    "apt-ftparchive",
    "objdump",
    "readelf",
    "wixl",
    "wixl-heat",
    "msibuild",
    "msiinfo",
    "msiextract",
    "osslsigncode",
    "gpg",
    "openssl",
)


@dataclass(frozen=True)
class Build:
    out: Path
    gpg: GpgRelease
    ca: CodeSigningCA
    seconds: float

    @property
    def debs(self) -> Path:
        return self.out / "debs"

    def deb(self, name: str) -> Path:
        return next(self.debs.glob(f"{name}_*.deb"))

    @property
    def msi(self) -> Path:
        return next(self.out.glob("ringdesk-*-TEST-stand-in-x64.msi"))


def need_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing build tools {missing}: tools/system-deps.sh installs them")
    if subprocess.run([sys.executable, "-c", "import PyInstaller"], check=False).returncode != 0:
        pytest.fail("PyInstaller is missing: pip install -e '.[installer]' (make test does)")


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GpgRelease, CodeSigningCA]]:
    base = tmp_path_factory.mktemp("keys")
    gpg = make_gpg_key(base / "gnupg")
    try:
        yield gpg, make_codesigning_ca(base / "ca")
    finally:
        stop_gpg_agent(gpg)


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory, keys: tuple[GpgRelease, CodeSigningCA]) -> Build:
    """Everything ``make installer`` makes, signed with throw-away keys, built once per session."""
    need_tools()
    gpg, ca = keys
    out = tmp_path_factory.mktemp("installer")
    with timestamp_authority(ca, tmp_path_factory.mktemp("tsa")) as tsa_url:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "RINGDESK_GPG_HOME": str(gpg.home),
            "RINGDESK_GPG_KEY": gpg.fingerprint,
            "RINGDESK_CODESIGN_CERT": str(ca.cert_chain),
            "RINGDESK_CODESIGN_KEY": str(ca.key),
            "RINGDESK_TIMESTAMP_URL": tsa_url,
        }
        started = time.monotonic()
        result = subprocess.run(
            [
                *(sys.executable, "-m", "installer", "all", "--out", str(out)),
                *("--deb-compression", "gzip", "--test-signing"),
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stderr)
    for scratch in ("work", "stage"):  # half a gigabyte the tests never read
        shutil.rmtree(out / scratch, ignore_errors=True)
    return Build(out, gpg, ca, seconds)
