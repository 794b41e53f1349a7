"""Authenticode signing with the key on a PKCS#11 token, as public CAs issue code-signing keys.

A throw-away SoftHSM2 token (its own ``SOFTHSM2_CONF`` and token directory) gets the RSA key of a
code-signing certificate issued by the tests' throw-away CA; the PEM copy of the key is then deleted,
so the token is the only place it exists. The build signs through ``pkcs11:token=...;object=...`` with
the PIN from ``RINGDESK_CODESIGN_PASS`` (CI secret) or ``RINGDESK_CODESIGN_PASS_FILE``; osslsigncode
verifies against the CA. A wrong PIN, a missing key or token, and a PIN inside the URI fail with a
message that names the cause and never contains the PIN.

No PyInstaller bundle is needed: ``python -m installer msi`` wraps the stand-in payload (seconds).
GPG signing from a token is not covered: gpg-agent's scdaemon speaks to OpenPGP cards, not PKCS#11.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from installer.common import BuildError
from installer.keys import CodeSigningKey, codesigning_key
from installer.msi import authenticode_sign, stand_in_payload
from tests.installer.signing import CodeSigningCA, make_codesigning_ca, sh, timestamp_authority

REPO = Path(__file__).resolve().parents[2]
SOFTHSM_MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
LABEL, OBJECT = "ringdesk-test-token", "ringdesk-codesign"
PIN, SO_PIN = "461937", "80240815"  # throw-away token; distinctive so a leak into a message is caught


@dataclass(frozen=True)
class Token:
    module: str
    conf: Path
    ca: CodeSigningCA

    def uri(self, token: str = LABEL, obj: str = OBJECT) -> str:
        return f"pkcs11:token={token};object={obj};type=private"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RINGDESK_")}
        env.update(PYTHONPATH=str(REPO), SOFTHSM2_CONF=str(self.conf), **extra)
        return env


def softhsm_module() -> str | None:
    return next((m for m in SOFTHSM_MODULES if Path(m).is_file()), None)


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Token:
    module = softhsm_module()
    if module is None or shutil.which("softhsm2-util") is None:
        pytest.skip(
            "softhsm2 is not installed, so there is no PKCS#11 token to sign with "
            "(tools/system-deps.sh installs it)"
        )
    if shutil.which("osslsigncode") is None:
        pytest.fail("osslsigncode is missing: tools/system-deps.sh installs it")
    base = tmp_path_factory.mktemp("pkcs11")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    monkeypatch_module.setenv(
        "SOFTHSM2_CONF", str(conf)
    )  # the build's tools inherit it, as on a signing host
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    sh("softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin", PIN, "--so-pin", SO_PIN, env=env)
    ca = make_codesigning_ca(base / "ca")
    sh(
        "softhsm2-util",
        "--import",
        ca.key,
        "--token",
        LABEL,
        "--label",
        OBJECT,
        "--id",
        "c0de",
        "--pin",
        PIN,
        env=env,
    )
    ca.key.unlink()  # from now on the private key exists only on the token
    return Token(module, conf, ca)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def verify(path: Path, ca: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(ca), "-TSA-CAfile", str(ca), "-in", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def stand_in_exe(tmp_path: Path) -> Path:
    return stand_in_payload(tmp_path) / "ringdesk.exe"


def test_msi_and_exe_signed_by_the_token_key_with_the_pin_from_the_environment(
    token: Token, tmp_path: Path
) -> None:
    """``python -m installer msi --test-signing`` with the key named by a pkcs11: URI, as a release names it
    (the stand-in MSI itself is only ever signed by a test certificate, as here)."""
    out = tmp_path / "out"
    with timestamp_authority(token.ca, tmp_path / "tsa") as tsa_url:
        env = token.env(
            RINGDESK_CODESIGN_CERT=str(token.ca.cert_chain),
            RINGDESK_CODESIGN_KEY=token.uri(),
            RINGDESK_PKCS11_MODULE=token.module,
            RINGDESK_CODESIGN_PASS=PIN,
            RINGDESK_TIMESTAMP_URL=tsa_url,
        )
        result = subprocess.run(
            [sys.executable, "-m", "installer", "msi", "--out", str(out), "--test-signing"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert PIN not in result.stdout + result.stderr
    msi = next(out.glob("ringdesk-*-TEST-stand-in-x64.msi"))
    for signed in (msi, out / "msi-payload" / "ringdesk.exe"):
        check = verify(signed, token.ca.root)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "Timestamp Server Signature verification: ok" in check.stdout
        assert "CN=ringdesk test code signing" in check.stdout
        assert verify(signed, token.ca.other_root).returncode != 0


def test_pin_from_a_file(token: Token, tmp_path: Path) -> None:
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN + "\n")
    pin_file.chmod(0o600)
    key = codesigning_key(
        {
            "RINGDESK_CODESIGN_CERT": str(token.ca.cert_chain),
            "RINGDESK_CODESIGN_KEY": f"pkcs11:token={LABEL};id=%c0%de;type=private",  # by id this time
            "RINGDESK_PKCS11_MODULE": token.module,
            "RINGDESK_CODESIGN_PASS_FILE": str(pin_file),
        }
    )
    assert key is not None and key.on_token
    exe = stand_in_exe(tmp_path)
    authenticode_sign(exe, key)
    check = verify(exe, token.ca.root)
    assert check.returncode == 0, check.stdout + check.stderr


def key(
    token: Token, uri: str | None = None, pin: str | None = PIN, module: str | None = None
) -> CodeSigningKey:
    return CodeSigningKey(
        cert=token.ca.cert_chain,
        key=uri or token.uri(),
        pkcs11_module=module or token.module,
        passphrase=pin,
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong PIN", "the token refused the PIN from RINGDESK_CODESIGN_PASS"),
        ("no PIN", "the token wants a PIN"),
        ("missing key", f"no private key matches pkcs11:token={LABEL};object=no-such-key"),
        ("missing token", "no token matches pkcs11:token=no-such-token"),
        ("unloadable module", "cannot load the PKCS#11 library"),
        ("PIN in the URI", "holds the PIN (pin-value=...)"),
        ("certificate of another key", "is not the certificate of pkcs11:"),
    ],
)
def test_signing_fails_with_a_clear_cause_and_never_shows_the_pin(
    token: Token, tmp_path: Path, case: str, expected: str
) -> None:
    wrong = {
        "wrong PIN": key(token, pin="000000"),
        "no PIN": key(token, pin=None),
        "missing key": key(token, uri=token.uri(obj="no-such-key")),
        "missing token": key(token, uri=token.uri(token="no-such-token")),
        "unloadable module": key(token, module=str(token.conf)),  # a file, but no library
        "PIN in the URI": key(token, uri=token.uri() + f";pin-value={PIN}"),
        "certificate of another key": CodeSigningKey(
            cert=token.ca.root, key=token.uri(), pkcs11_module=token.module, passphrase=PIN
        ),
    }[case]
    exe = stand_in_exe(tmp_path)
    before = exe.read_bytes()
    with pytest.raises(BuildError) as failure:
        authenticode_sign(exe, wrong)
    message = str(failure.value)
    assert expected in message, message
    assert PIN not in message
    assert PIN not in repr(wrong) or case == "PIN in the URI"  # repr shows the key, not the passphrase
    assert exe.read_bytes() == before, "a failed signing must leave the file as it was"
    assert not exe.with_name("ringdesk.exe.signed").exists()
