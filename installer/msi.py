"""The Windows MSI, built here with ``wixl`` (msitools) and Authenticode-signed with ``osslsigncode``.

On Linux there is no Windows bundle, so the MSI wraps a *stand-in payload*: ``ringdesk.exe`` is
setuptools' 64-bit GUI launcher (a real signed-able PE32+ file), plus a note saying so. That exercises
the whole packaging and signing path (harvest, WiX source, properties, secure properties, signing the
executables and the MSI) without pretending the program works. The Windows CI workflow builds the real
PyInstaller bundle and MSI from the same ``ringdesk.wxs`` with WiX and signtool.

wixl gaps handled here: it ignores ``Secure="yes"``, so the ``SecureCustomProperties`` row is
rewritten with msibuild before signing (managed installs would otherwise drop the properties); its
output is not byte-reproducible (it stamps the time and a fresh package code).

The stand-in MSI is a test build and says so: it is named ``ringdesk-<v>-TEST-stand-in-x64.msi`` and is
never signed with the release key. It is signed only when the caller asks for test signing and the
certificate says it is a test certificate (its subject contains "test"); otherwise it stays unsigned.
A release certificate on a stand-in would make a file that Windows trusts as ringdesk but is not.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from installer.common import INSTALLER, BuildError, build_env, run, say
from installer.ice import check_msi
from installer.keys import CodeSigningKey

WXS = INSTALLER / "windows" / "ringdesk.wxs"
STAND_IN_NOTE = """This MSI was built on Linux with wixl around a STAND-IN payload: ringdesk.exe is
setuptools' 64-bit launcher, not ringdesk. It exists to test packaging and signing. The real MSI is
built by the Windows CI workflow (.github/workflows/windows.yml) around the PyInstaller bundle.
"""


def public_properties() -> list[str]:
    """The MSI's public properties, read from the WiX source (upper-case Ids without SAVED_)."""
    ids = re.findall(r'<Property Id="([A-Z_]+)" Secure="yes"/>', WXS.read_text(encoding="utf-8"))
    return [i for i in ids if not i.startswith("SAVED_")]


def msi_name(version: str, stand_in: bool) -> str:
    """The MSI's file name: a stand-in build says so, so it is never mistaken for the real installer."""
    return f"ringdesk-{version}-TEST-stand-in-x64.msi" if stand_in else f"ringdesk-{version}-x64.msi"


def certificate_subject(cert: Path) -> str:
    """The subject of the first (leaf) certificate of a PEM chain, as openssl prints it."""
    return run(["openssl", "x509", "-noout", "-subject", "-in", cert]).strip()


def check_test_signing(key: CodeSigningKey, test_signing: bool) -> None:
    """Refuse to put a release signature on the stand-in: only a test certificate may sign it."""
    if not test_signing:
        raise BuildError(
            "refusing to sign the stand-in MSI with the release key: it holds a stand-in ringdesk.exe, not "
            "ringdesk. The real MSI is built and signed by .github/workflows/windows.yml; to test signing "
            "here, pass --test-signing with a test certificate"
        )
    subject = certificate_subject(key.cert)
    if "test" not in subject.lower():
        raise BuildError(
            f"refusing to sign the stand-in MSI with {key.cert} ({subject}): --test-signing needs a test "
            "certificate (its subject names it a test one), never the release certificate"
        )


def stand_in_payload(out: Path) -> Path:
    import importlib.util

    payload = out / "msi-payload"
    if payload.exists():
        shutil.rmtree(payload)
    payload.mkdir(parents=True)
    spec = importlib.util.find_spec("setuptools")
    if spec is None or spec.origin is None:
        raise BuildError("setuptools is not installed: the stand-in payload uses its Windows launcher")
    launcher = Path(spec.origin).parent / "gui-64.exe"
    if not launcher.is_file():
        raise BuildError(f"{launcher} is missing: the stand-in payload needs setuptools' Windows launcher")
    shutil.copyfile(launcher, payload / "ringdesk.exe")
    (payload / "STAND-IN.txt").write_text(STAND_IN_NOTE, encoding="utf-8")
    return payload


def authenticode_sign(path: Path, key: CodeSigningKey) -> None:
    """Sign a PE or MSI in place with SHA-256 and, when configured, an RFC 3161 timestamp.

    The key is a PEM file or a ``pkcs11:`` URI on a token; a failure names its cause (wrong PIN, no such
    token or key, certificate not matching the key) before osslsigncode's own words. ``path`` is left
    untouched unless signing succeeded.
    """
    signed = path.with_name(path.name + ".signed")
    signed.unlink(missing_ok=True)
    try:
        run(
            [
                "osslsigncode",
                "sign",
                *key.osslsigncode_args(),
                "-h",
                "sha256",
                "-n",
                "ringdesk",
                "-i",
                "https://ringdesk.example/",
                *(["-add-msi-dse"] if path.suffix.lower() == ".msi" else []),
                "-in",
                path,
                "-out",
                signed,
            ],
            stdin=key.stdin(),
        )
    except BuildError as exc:
        signed.unlink(missing_ok=True)
        cause = key.explain(str(exc))
        if cause is None:
            raise
        raise BuildError(f"cannot sign {path.name} with {key.key}: {cause}\n{exc}") from exc
    signed.replace(path)


def build_msi(
    out: Path,
    version: str,
    key: CodeSigningKey | None,
    payload: Path | None = None,
    *,
    test_signing: bool = False,
) -> Path:
    """Harvest ``payload`` (default: the stand-in), build the x64 MSI, fix secure properties, sign.

    With the stand-in, ``key`` must be a test key and ``test_signing`` set (see :func:`check_test_signing`).
    """
    stand_in = payload is None
    if key is not None and stand_in:
        check_test_signing(key, test_signing)
    payload = payload or stand_in_payload(out)
    if key is not None:
        for exe in sorted(payload.rglob("*.exe")):
            authenticode_sign(exe, key)
    # wixl resolves sources relative to its working directory and rejects absolute ones
    rel = Path(os.path.relpath(payload, out))
    files = "\n".join(str(rel / p.relative_to(payload)) for p in sorted(payload.rglob("*")) if p.is_file())
    harvest = _heat(files + "\n", rel)
    fragment = out / "bundle-files.wxs"
    fragment.write_text(harvest, encoding="utf-8")
    msi = out / msi_name(version, stand_in)
    for old in out.glob(f"ringdesk-{version}-*x64.msi"):
        old.unlink()
    run(
        [
            "wixl",
            "-a",
            "x64",
            "-D",
            f"Version={version}",
            "-D",
            "Win64=yes",
            "-D",
            f"BundleDir={rel}",
            "-o",
            msi,
            WXS,
            fragment.name,
        ],
        cwd=out,
    )
    secure = ";".join(["WIX_DOWNGRADE_DETECTED", "WIX_UPGRADE_DETECTED", *public_properties()])
    run(
        [
            "msibuild",
            msi,
            "-q",
            f"UPDATE Property SET Value = '{secure}' WHERE Property = 'SecureCustomProperties'",
        ]
    )
    problems = check_msi(msi)
    if problems:
        raise BuildError(f"{msi.name} fails validation (installer/ice.py):\n" + "\n".join(problems))
    if key is not None:
        authenticode_sign(msi, key)
    state = ("TEST-signed" if stand_in else "signed") if key else "UNSIGNED"
    what = "stand-in payload, a test build" if stand_in else "bundle"
    say(f"msi {msi.name}: {msi.stat().st_size / 1e3:.0f} kB ({state}, {what})")
    return msi


def _heat(files: str, payload: Path) -> str:
    """wixl-heat: one component per file under INSTALLDIR, grouped as BundleFiles (heat.exe on Windows)."""
    import subprocess

    result = subprocess.run(
        [
            "wixl-heat",
            "-p",
            f"{payload}/",
            "--component-group",
            "BundleFiles",
            "--var",
            "var.BundleDir",
            "--directory-ref",
            "INSTALLDIR",
            "--win64",
        ],
        input=files,
        capture_output=True,
        text=True,
        check=False,
        env=build_env(),
    )
    if result.returncode != 0:
        raise BuildError(f"wixl-heat failed: {result.stderr}")
    return result.stdout
