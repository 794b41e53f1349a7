"""The MSI built by wixl around the stand-in payload: per-machine x64, stable UpgradeCode, major
upgrades, public properties that are secure, remembered across upgrades and written to HKLM; the
executables and the MSI Authenticode-signed with an RFC 3161 timestamp from a loopback TSA.

What only Windows can show (msiexec really installing, upgrading and keeping SERVER_URL) runs in
``.github/workflows/windows.yml``; here the MSI's tables are read back with msiinfo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import SETTINGS
from installer.common import BuildError
from installer.ice import check_msi
from installer.keys import CodeSigningKey
from installer.msi import build_msi, public_properties
from tests.installer.conftest import Build
from tests.installer.signing import sh

REPO = Path(__file__).resolve().parents[2]

UPGRADE_CODE = "{818667BC-CCAA-51BF-98C5-E531888F0E7D}"  # never changes: every version upgrades the last

#: the session build (two PyInstaller bundles, packages, signing) runs inside the first test
pytestmark = pytest.mark.timeout(900)


def table(msi: Path, name: str) -> list[list[str]]:
    out = subprocess.run(["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True)
    return [line.split("\t") for line in out.stdout.splitlines()[3:]]


def verify(path: Path, ca: Path, tsa_ca: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = ["osslsigncode", "verify", "-CAfile", str(ca), "-in", str(path)]
    if tsa_ca is not None:
        cmd[2:2] = ["-TSA-CAfile", str(tsa_ca)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=60)


def test_per_machine_x64_with_major_upgrades(build: Build) -> None:
    info = subprocess.run(["msiinfo", "suminfo", str(build.msi)], capture_output=True, text=True, check=True)
    assert "Template: x64;1033" in info.stdout
    props = dict(row[:2] for row in table(build.msi, "Property"))
    assert props["ALLUSERS"] == "1"
    assert props["UpgradeCode"] == UPGRADE_CODE  # upper case: Windows compares the codes as strings
    upgrade = table(build.msi, "Upgrade")
    assert {row[0].upper() for row in upgrade} == {UPGRADE_CODE}
    assert {row[-1] for row in upgrade} == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    sequence = {row[0]: row for row in table(build.msi, "InstallExecuteSequence")}
    assert "RemoveExistingProducts" in sequence


def test_public_properties_are_secure_remembered_and_written_to_hklm(build: Build) -> None:
    names = public_properties()
    assert {"SERVER_URL", "SIP_DOMAIN", "SIP_TRANSPORT"} <= set(names)
    props = dict(row[:2] for row in table(build.msi, "Property"))
    assert set(names) <= set(props["SecureCustomProperties"].split(";"))

    registry = {row[3]: row for row in table(build.msi, "Registry") if row[2] == r"SOFTWARE\ringdesk"}
    locators = {row[3]: row for row in table(build.msi, "RegLocator")}
    actions = {row[2]: row for row in table(build.msi, "CustomAction")}
    sequences = [
        {row[0]: int(row[2]) for row in table(build.msi, name)}
        for name in ("InstallExecuteSequence", "InstallUISequence")
    ]
    sequence = {row[0]: row for row in table(build.msi, "InstallExecuteSequence")}
    reg_names = {spec.reg_name for spec in SETTINGS}
    for name in names:
        value = next(row for row in registry.values() if row[4] == f"[{name}]")
        assert value[1] == "2", f"{name} must go to HKLM"
        assert value[3] in reg_names, f"{name} writes {value[3]}, which app/config does not read"
        # remembered: the previous value is searched for (64-bit view) and used when not given again
        assert locators[value[3]][1:4] == ["2", r"SOFTWARE\ringdesk", value[3]]
        assert int(locators[value[3]][4]) & 16, "RegLocator must read the 64-bit registry view"
        action = actions[name]
        assert action[3] == f"[SAVED_{name}]"
        assert int(action[1]) & 0x3F == 51  # set a property
        assert sequence[action[0]][1] == f"SAVED_{name} AND NOT {name}"
        # after AppSearch has read the old value, before anything uses the property (costing, conditions,
        # WriteRegistryValues): after InstallFinalize a silent upgrade wrote empty values
        for seq in sequences:
            assert (
                seq["AppSearch"]
                < seq[action[0]]
                < seq["CostInitialize"]
                < seq.get("InstallInitialize", 10**6)
            )


def test_msi_passes_the_ice_rules_checked_here_and_a_broken_one_does_not(
    build: Build, tmp_path: Path
) -> None:
    assert check_msi(build.msi) == []
    broken = tmp_path / "broken.msi"
    shutil.copyfile(build.msi, broken)
    lower = UPGRADE_CODE.lower()
    for query in (
        "UPDATE InstallExecuteSequence SET Sequence = 6601 WHERE Action = 'RememberServerUrl'",
        f"UPDATE Property SET Value = '{lower}' WHERE Property = 'UpgradeCode'",
        "UPDATE Property SET Value = 'WIX_UPGRADE_DETECTED' WHERE Property = 'SecureCustomProperties'",
    ):
        sh("msibuild", broken, "-q", query)
    problems = "\n".join(check_msi(broken))
    assert "RD01: InstallExecuteSequence: RememberServerUrl (6601)" in problems
    assert f"ICE03: Property.UpgradeCode '{lower}'" in problems
    assert "ICE61: Upgrade.ActionProperty WIX_DOWNGRADE_DETECTED" in problems


def test_executable_and_msi_signed_with_a_timestamp(build: Build, tmp_path: Path) -> None:
    result = verify(build.msi, build.ca.root, build.ca.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Timestamp Server Signature verification: ok" in result.stdout
    assert "Current MsiDigitalSignatureEx" in result.stdout  # the MSI's metadata is signed too
    assert "CN=ringdesk test code signing" in result.stdout
    assert build.msi.name == "ringdesk-0.1.0-TEST-stand-in-x64.msi"
    subprocess.run(["msiextract", "-C", str(tmp_path), str(build.msi)], check=True, capture_output=True)
    exe = next(tmp_path.rglob("ringdesk.exe"))
    assert verify(exe, build.ca.root, build.ca.root).returncode == 0
    assert "STAND-IN" in next(tmp_path.rglob("STAND-IN.txt")).read_text()


def test_tampered_msi_or_untrusted_root_is_refused(build: Build, tmp_path: Path) -> None:
    assert verify(build.msi, build.ca.other_root).returncode != 0
    tampered = tmp_path / "tampered.msi"
    data = bytearray(build.msi.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    result = verify(tampered, build.ca.root, build.ca.root)
    assert result.returncode != 0
    assert "MISMATCH" in result.stdout + result.stderr


def release_like_key(tmp_path: Path) -> CodeSigningKey:
    """A code-signing key whose certificate does not say "test", as a release certificate would not."""
    key, cert = tmp_path / "release.key", tmp_path / "release.pem"
    sh(
        *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert),
        *("-days", "2", "-subj", "/O=Example Contact Centre Ltd/CN=Example Contact Centre Ltd"),
        *("-addext", "extendedKeyUsage=codeSigning"),
    )
    return CodeSigningKey(cert=cert, key=str(key))


def test_stand_in_msi_is_never_release_signed(tmp_path: Path) -> None:
    """The release key configured as for ``make installer``: the stand-in is built unsigned, named TEST,
    and asking to sign it with that key is refused."""
    release = release_like_key(tmp_path)
    with pytest.raises(BuildError, match="refusing to sign the stand-in MSI with the release key"):
        build_msi(tmp_path / "a", "0.1.0", release)
    with pytest.raises(BuildError, match="needs a test certificate"):
        build_msi(tmp_path / "b", "0.1.0", release, test_signing=True)

    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RINGDESK_CODESIGN_CERT": str(release.cert),
        "RINGDESK_CODESIGN_KEY": release.key,
    }
    command = [sys.executable, "-m", "installer", "msi", "--out", str(tmp_path / "out")]
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "left unsigned (the release key never signs it)" in result.stderr
    [msi] = (tmp_path / "out").glob("*.msi")
    assert msi.name == "ringdesk-0.1.0-TEST-stand-in-x64.msi"
    assert "MSI file has no signature" in verify(msi, release.cert).stderr
    refused = subprocess.run(
        [*command, "--test-signing"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    assert "--test-signing needs a test certificate" in refused.stderr
