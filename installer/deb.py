"""Debian packages: ``ringdesk`` (desktop), ``ringdesk-server`` (systemd service) and
``ringdesk-archive-keyring`` (the keys clients trust), built with ``dpkg-deb`` reproducibly.

No debhelper: the trees are small and staging them here keeps every byte explainable. Files are
owned by root (``--root-owner-group``), mtimes clamped to ``SOURCE_DATE_EPOCH``, and the control
archive lists md5sums and conffiles. ``/etc/ringdesk/*.toml`` are conffiles, so dpkg never replaces an
admin's edited copy on upgrade.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from installer.common import (
    INSTALLER,
    REPO,
    BuildError,
    build_env,
    copy_tree,
    run,
    say,
    source_date_epoch,
    stamp_tree,
)

DEBIAN = INSTALLER / "debian"
MAINTAINER = "ringdesk developers <ringdesk@localhost>"
LONG_DESCRIPTION = "ringdesk: softphone, call cards and scripts for contact centres."

#: Runtime libraries the bundle does not carry (Qt's platform plugins load them from the system; the
#: Wayland platform plugin needs libwayland-client/-cursor/-egl). ``tests/installer/test_deb.py`` checks
#: that every library an ELF file of the bundle needs is in the bundle or in one of these packages.
DESKTOP_DEPENDS = (
    "libegl1, libgl1, libxkbcommon0, libfontconfig1, libdbus-1-3, libxcb-icccm4, libxcb-keysyms1, "
    "libxcb-cursor0, libxcb1, libxkbcommon-x11-0, libportaudio2, libwayland-client0, libwayland-cursor0, "
    "libwayland-egl1, libdrm2"
)


def is_elf(path: Path) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    with path.open("rb") as fh:
        return fh.read(4) == b"\x7fELF"


def glibc_requirement(bundle: Path) -> str:
    """The newest ``GLIBC_x.y`` symbol version any ELF file of ``bundle`` uses, e.g. ``2.36``.

    The bundle carries its libraries but not glibc: built on Debian 12 it needs glibc >= 2.36, and a
    machine with an older one must be refused by dpkg (``Depends: libc6 (>= 2.36)``) rather than fail at
    start with "version `GLIBC_2.36' not found".
    """
    elves = [str(p) for p in sorted(bundle.rglob("*")) if is_elf(p)]
    found: set[tuple[int, ...]] = set()
    for start in range(0, len(elves), 200):
        out = subprocess.run(
            ["objdump", "-T", *elves[start : start + 200]], capture_output=True, text=True, check=False
        ).stdout
        found |= {tuple(map(int, v.split("."))) for v in re.findall(r"\bGLIBC_(\d+(?:\.\d+)+)\b", out)}
    if not found:
        raise BuildError(f"no GLIBC_ symbol versions in {bundle}: is objdump (binutils) installed?")
    return ".".join(map(str, max(found)))


@dataclass
class Package:
    """A package being staged: control fields, files under ``root``, conffiles and maintainer scripts."""

    name: str
    version: str
    description: str
    root: Path
    fields: dict[str, str] = field(default_factory=dict)
    conffiles: list[str] = field(default_factory=list)
    scripts: dict[str, Path] = field(default_factory=dict)

    def put(self, dest: str, source: Path | None = None, text: str | None = None, mode: int = 0o644) -> None:
        """Place one file at absolute path ``dest`` in the package, from a file or a string."""
        target = self.root / dest.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if source is not None:
            shutil.copyfile(source, target)
        else:
            target.write_text(text or "", encoding="utf-8")
        target.chmod(mode)

    def link(self, dest: str, points_to: str) -> None:
        target = self.root / dest.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(points_to)


def new_package(name: str, version: str, description: str, stage: Path) -> Package:
    root = stage / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    pkg = Package(name, version, description, root)
    pkg.put(f"/usr/share/doc/{name}/copyright", REPO / "LICENSE")
    pkg.put(f"/usr/share/doc/{name}/deploy.md", REPO / "docs" / "deploy.md")
    return pkg


def desktop_package(bundle: Path, version: str, stage: Path) -> Package:
    pkg = new_package("ringdesk", version, "contact centre operator workstation with a SIP softphone", stage)
    copy_tree(bundle, pkg.root / "opt" / "ringdesk")
    pkg.link("/usr/bin/ringdesk", "/opt/ringdesk/ringdesk")
    pkg.put("/usr/share/applications/ringdesk.desktop", DEBIAN / "ringdesk.desktop")
    pkg.put("/usr/share/icons/hicolor/scalable/apps/ringdesk.svg", REPO / "resources/icons/ringdesk.svg")
    pkg.put("/etc/ringdesk/ringdesk.toml", DEBIAN / "ringdesk.toml")
    (pkg.root / "etc/ringdesk/policy.d").mkdir(parents=True)
    pkg.put("/usr/share/doc/ringdesk/examples/policy.toml", DEBIAN / "policy-example.toml")
    pkg.conffiles.append("/etc/ringdesk/ringdesk.toml")
    depends = f"libc6 (>= {glibc_requirement(bundle)}), {DESKTOP_DEPENDS}"
    pkg.fields.update(Section="net", Depends=depends, Recommends="debsig-verify")
    return pkg


def server_package(bundle: Path, version: str, stage: Path) -> Package:
    pkg = new_package("ringdesk-server", version, "central server of the ringdesk contact centre", stage)
    copy_tree(bundle, pkg.root / "opt" / "ringdesk-server")
    pkg.link("/usr/bin/ringdesk-server", "/opt/ringdesk-server/ringdesk-server")
    pkg.put("/lib/systemd/system/ringdesk-server.service", DEBIAN / "ringdesk-server.service")
    pkg.put("/etc/ringdesk/server.toml", DEBIAN / "server.toml")
    pkg.conffiles.append("/etc/ringdesk/server.toml")
    for script in ("postinst", "prerm", "postrm"):
        pkg.scripts[script] = DEBIAN / f"server-{script}"
    depends = f"libc6 (>= {glibc_requirement(bundle)}), init-system-helpers (>= 1.50)"
    pkg.fields.update(Section="net", Depends=depends)
    return pkg


def keyring_package(public_key: bytes, key_id: str, version: str, stage: Path) -> Package:
    """Everything a client needs to trust ringdesk: the apt keyring (Signed-By) and the debsig policy."""
    pkg = new_package("ringdesk-archive-keyring", version, "keys that sign ringdesk packages", stage)
    keyring = pkg.root / "usr/share/keyrings/ringdesk-archive-keyring.gpg"
    keyring.parent.mkdir(parents=True)
    keyring.write_bytes(public_key)
    debsig_keyring = pkg.root / f"usr/share/debsig/keyrings/{key_id}/debsig.gpg"
    debsig_keyring.parent.mkdir(parents=True)
    debsig_keyring.write_bytes(public_key)
    pkg.put(f"/etc/debsig/policies/{key_id}/ringdesk.pol", text=debsig_policy(key_id))
    pkg.fields.update(Section="misc", Priority="important", Architecture="all")
    return pkg


def debsig_policy(key_id: str) -> str:
    return (DEBIAN / "debsig.pol.in").read_text(encoding="utf-8").replace("@KEYID@", key_id)


def control_text(pkg: Package) -> str:
    size_kib = sum(p.lstat().st_size for p in pkg.root.rglob("*")) // 1024 + 1
    fields = {
        "Package": pkg.name,
        "Version": pkg.version,
        "Architecture": "amd64",
        "Maintainer": MAINTAINER,
        "Installed-Size": str(size_kib),
        "Priority": "optional",
        **pkg.fields,
        "Description": f"{pkg.description}\n {LONG_DESCRIPTION}",
    }
    return "".join(f"{k}: {v}\n" for k, v in fields.items())


def build_deb(pkg: Package, out: Path, compression: str = "xz") -> Path:
    """Write the control files and run ``dpkg-deb``; same inputs give a byte-identical .deb."""
    epoch = source_date_epoch()
    control = pkg.root / "DEBIAN"
    control.mkdir(exist_ok=True)
    sums = []
    for path in sorted(pkg.root.rglob("*")):
        rel = path.relative_to(pkg.root)
        if rel.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {rel}\n")  # dpkg's format
    (control / "md5sums").write_text("".join(sums), encoding="utf-8")
    if pkg.conffiles:
        (control / "conffiles").write_text("".join(f"{c}\n" for c in pkg.conffiles), encoding="utf-8")
    for name, source in pkg.scripts.items():
        shutil.copyfile(source, control / name)
        (control / name).chmod(0o755)
    (control / "control").write_text(control_text(pkg), encoding="utf-8")
    stamp_tree(pkg.root, epoch)
    out.mkdir(parents=True, exist_ok=True)
    arch = "all" if pkg.fields.get("Architecture") == "all" else "amd64"
    deb = out / f"{pkg.name}_{pkg.version}_{arch}.deb"
    run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", pkg.root, deb],
        env=build_env({"DEB_BUILD_OPTIONS": "", "TAR_OPTIONS": ""}),
    )
    say(f"deb {deb.name}: {deb.stat().st_size / 1e6:.1f} MB")
    return deb


def debsigs_sign(deb: Path, gnupghome: Path, key_id: str) -> None:
    """Add an origin signature (``_gpgorigin``) with the release key; debsig-verify checks it."""
    run(["debsigs", "--sign=origin", "-k", key_id, deb], env=build_env({"GNUPGHOME": str(gnupghome)}))


def debsig_verify(deb: Path, policies: Path, keyrings: Path) -> int:
    """debsig-verify's exit status against a policy tree: 0 good, 10 unsigned, 13 bad signature."""
    import subprocess

    cmd = ["debsig-verify", "--policies-dir", str(policies), "--keyrings-dir", str(keyrings), str(deb)]
    return subprocess.run(cmd, capture_output=True, check=False, env=dict(os.environ)).returncode
