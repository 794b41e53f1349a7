"""The .deb files themselves: contents, conffiles, the systemd unit, debsigs signatures checked by
debsig-verify against the policy the keyring package ships, and reproducibility of the package."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from installer import deb as debmod
from installer.common import version
from tests.installer.conftest import Build

#: the session build (two PyInstaller bundles, packages, signing) runs inside the first test
pytestmark = pytest.mark.timeout(900)


def dpkg_deb(*args: str | Path) -> str:
    return subprocess.run(["dpkg-deb", *map(str, args)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def debsig_trust(build: Build, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The policy and keyring dirs, taken from the ringdesk-archive-keyring package as clients get them."""
    root = tmp_path_factory.mktemp("keyring-pkg")
    dpkg_deb("-x", build.deb("ringdesk-archive-keyring"), root)
    return root / "etc/debsig/policies", root / "usr/share/debsig/keyrings"


def unsigned_copy(deb: Path, dest: Path) -> Path:
    shutil.copyfile(deb, dest)
    subprocess.run(["ar", "d", str(dest), "_gpgorigin"], check=True)
    return dest


def test_desktop_package_contents(build: Build) -> None:
    deb = build.deb("ringdesk")
    info = dpkg_deb("-f", deb)
    assert "libxcb-cursor0" in info and "libportaudio2" in info
    listing = dpkg_deb("-c", deb)
    assert "./usr/bin/ringdesk -> /opt/ringdesk/ringdesk" in listing
    assert "./usr/share/icons/hicolor/scalable/apps/ringdesk.svg" in listing
    assert "./etc/ringdesk/policy.d/" in listing
    assert " root/root " in listing and "1970" not in listing
    assert dpkg_deb("--ctrl-tarfile", deb) is not None
    control = subprocess.run(
        ["dpkg-deb", "-I", str(deb), "conffiles"], capture_output=True, text=True, check=True
    )
    assert control.stdout.split() == ["/etc/ringdesk/ringdesk.toml"]
    desktop = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True).stdout
    assert b"MimeType=x-scheme-handler/tel;x-scheme-handler/sip;x-scheme-handler/sips;" in desktop
    if shutil.which("desktop-file-validate"):
        entry = Path(__file__).parents[2] / "installer/debian/ringdesk.desktop"
        result = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout


def depends(deb: Path) -> dict[str, str]:
    """``Depends`` of a package: name -> version constraint ("" when none)."""
    field = dpkg_deb("-f", deb, "Depends")
    found = (re.match(r"\s*([\w.+-]+)\s*(?:\((.+)\))?", part) for part in field.split(","))
    return {m.group(1): (m.group(2) or "").strip() for m in found if m}


def elf_files(root: Path) -> list[Path]:
    return [p for p in sorted(root.rglob("*")) if debmod.is_elf(p)]


def test_desktop_package_declares_the_glibc_and_libraries_its_bundle_needs(build: Build) -> None:
    """Every library an ELF file of the bundle needs is in the bundle or in a package of Depends, and
    the newest glibc symbol version it uses is the libc6 it declares (read here with readelf, not the
    build's objdump)."""
    bundle = build.out / "dist" / "ringdesk"
    declared = depends(build.deb("ringdesk"))
    elves = elf_files(bundle)
    bundled = {p.name for p in bundle.rglob("*")}
    versions: set[tuple[int, ...]] = set()
    missing: dict[str, str] = {}
    for start in range(0, len(elves), 100):
        chunk = [str(p) for p in elves[start : start + 100]]
        info = subprocess.run(["readelf", "-dV", *chunk], capture_output=True, text=True, check=False).stdout
        versions |= {tuple(map(int, v.split("."))) for v in re.findall(r"Name: GLIBC_(\d+(?:\.\d+)+)", info)}
        for lib in set(re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", info)) - bundled:
            owner = subprocess.run(["dpkg", "-S", f"*/{lib}"], capture_output=True, text=True, check=False)
            packages = {line.split(":")[0] for line in owner.stdout.splitlines()}
            if not packages & set(declared):
                missing[lib] = ", ".join(sorted(packages)) or "no installed package has it"
    assert missing == {}, f"libraries needed but neither bundled nor in Depends: {missing}"
    newest = ".".join(map(str, max(versions)))
    assert declared["libc6"] == f">= {newest}", declared


def test_desktop_bundle_carries_no_gtk_mypy_or_uvloop(build: Build) -> None:
    """The gtk3 theme plugin is not shipped, so neither is the GTK stack it pulled in; mypy and uvloop are
    never used by the desktop (issue 14: ~20 MB). Each bundled library is needed by something."""
    internal = build.out / "dist" / "ringdesk" / "_internal"
    names = {p.name for p in internal.iterdir()}
    assert not {n for n in names if n.startswith(("libgtk-3", "libgdk-3", "libatk-", "libpango", "libcairo"))}
    assert not names & {"mypy", "uvloop", "ast_serialize"}
    assert "libportaudio.so.2" in names  # loaded by name (ctypes), kept with what it needs
    size = sum(p.stat().st_size for p in internal.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"desktop bundle: {size / 1e6:.0f} MB")


def test_server_package_has_a_verified_systemd_unit(build: Build, tmp_path: Path) -> None:
    deb = build.deb("ringdesk-server")
    dpkg_deb("-x", deb, tmp_path)
    unit = tmp_path / "lib/systemd/system/ringdesk-server.service"
    text = unit.read_text()
    assert "ExecStart=/usr/bin/ringdesk-server serve" in text and "DynamicUser=yes" in text
    conffiles = subprocess.run(
        ["dpkg-deb", "-I", str(deb), "conffiles"], capture_output=True, text=True, check=True
    )
    assert conffiles.stdout.split() == ["/etc/ringdesk/server.toml"]
    if shutil.which("systemd-analyze"):
        # verify the unit as systemd would load it, pointed at the extracted executable
        local = tmp_path / "ringdesk-server.service"
        local.write_text(
            text.replace("/usr/bin/ringdesk-server", str(tmp_path / "opt/ringdesk-server/ringdesk-server"))
        )
        result = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(local)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_debsig_verify_accepts_signed_and_refuses_unsigned_or_tampered(
    build: Build, debsig_trust: tuple[Path, Path], tmp_path: Path
) -> None:
    policies, keyrings = debsig_trust
    for name in ("ringdesk", "ringdesk-server", "ringdesk-archive-keyring"):
        assert debmod.debsig_verify(build.deb(name), policies, keyrings) == 0, name
    unsigned = unsigned_copy(build.deb("ringdesk-server"), tmp_path / "unsigned.deb")
    assert debmod.debsig_verify(unsigned, policies, keyrings) == 10
    tampered = tmp_path / "tampered.deb"
    data = bytearray(build.deb("ringdesk-server").read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    assert debmod.debsig_verify(tampered, policies, keyrings) == 13


def test_package_is_reproducible_and_the_signature_only_adds_a_member(build: Build, tmp_path: Path) -> None:
    """Re-packaging the same bundle gives the same members as the signed package, minus its signature."""
    pkg = debmod.server_package(build.out / "dist" / "ringdesk-server", version(), tmp_path / "stage")
    rebuilt = debmod.build_deb(pkg, tmp_path / "out", "gzip")
    signed = build.deb("ringdesk-server")
    members = subprocess.run(
        ["ar", "t", str(signed)], capture_output=True, text=True, check=True
    ).stdout.split()
    assert members[-1] == "_gpgorigin"
    assert (
        subprocess.run(["ar", "t", str(rebuilt)], capture_output=True, text=True, check=True).stdout.split()
        == members[:-1]
    )
    for member in members[:-1]:
        ours = subprocess.run(["ar", "p", str(rebuilt), member], capture_output=True, check=True).stdout
        theirs = subprocess.run(["ar", "p", str(signed), member], capture_output=True, check=True).stdout
        assert ours == theirs, member
