"""The MSI built by wixl around the stand-in payload: per-machine x64, stable UpgradeCode, major
upgrades, public properties that are secure, remembered across upgrades and written to HKLM; the
executables and the MSI Authenticode-signed with an RFC 3161 timestamp from a loopback TSA.

What only Windows can show (msiexec really installing, upgrading and keeping SERVER_URL) runs in
``.github/workflows/windows.yml``; here the MSI's tables are read back with msiinfo.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.config import SETTINGS
from installer.msi import public_properties
from tests.installer.conftest import Build

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
    assert props["UpgradeCode"].upper() == UPGRADE_CODE
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
        assert int(sequence[action[0]][2]) > int(sequence["AppSearch"][2])


def test_executable_and_msi_signed_with_a_timestamp(build: Build, tmp_path: Path) -> None:
    result = verify(build.msi, build.ca.root, build.ca.root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Timestamp Server Signature verification: ok" in result.stdout
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
