"""A throw-away Debian root to install the packages into, with real apt and dpkg inside it.

The base is a ``debootstrap --variant=minbase`` of the host's Debian release with the desktop's runtime
libraries and debsig-verify already in it, cached as a tarball (about 30 s to make, a second to unpack),
so the tests need no network once the cache exists. Commands run through ``unshare`` in a private mount
and PID namespace with its own /proc: nothing is mounted on the host and nothing outlives the command.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from installer.deb import DESKTOP_DEPENDS

EXTRA = ("debsig-verify",)
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def _host_release() -> tuple[str, str]:
    """(suite, mirror) of the host, so the chroot matches the system the tests run on."""
    fields = dict(
        line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line
    )
    suite = fields.get("VERSION_CODENAME", "bookworm").strip('"') or "bookworm"
    mirror = "http://deb.debian.org/debian"
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    if sources.is_file():
        for line in sources.read_text().splitlines():
            if line.startswith("URIs:"):
                mirror = line.split()[1]
                break
    return suite, mirror


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "ringdesk-tests"


def debian_rootfs(dest: Path) -> None:
    """Unpack the cached base system into ``dest``, making it first if needed."""
    suite, mirror = _host_release()
    include = sorted({p.strip() for p in DESKTOP_DEPENDS.split(",")} | set(EXTRA))
    digest = hashlib.sha256(f"{suite} {mirror} {include}".encode()).hexdigest()[:12]
    tarball = cache_dir() / f"rootfs-{suite}-{digest}.tar"
    if not tarball.is_file():
        tarball.parent.mkdir(parents=True, exist_ok=True)
        work = tarball.parent / f"rootfs-{digest}.tmp"
        shutil.rmtree(work, ignore_errors=True)
        result = subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(include)}", suite, str(work), mirror],
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        assert result.returncode == 0, f"debootstrap failed (network to {mirror}?):\n{result.stdout[-3000:]}"
        partial = tarball.with_suffix(".partial")
        subprocess.run(["tar", "-C", str(work), "-cf", str(partial), "."], check=True)
        partial.replace(tarball)
        shutil.rmtree(work)
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-C", str(dest), "-xf", str(tarball)], check=True)


def run_in(
    root: Path, *cmd: str, check: bool = True, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` inside ``root`` with a clean environment (plus ``env``), Qt offscreen."""
    environment = [
        f"PATH={PATH}",
        "HOME=/root",
        "LANG=C.UTF-8",
        "QT_QPA_PLATFORM=offscreen",
        "DEBIAN_FRONTEND=noninteractive",
        *(f"{k}={v}" for k, v in env.items()),
    ]
    argv = [
        "unshare",
        "--mount",
        "--pid",
        "--fork",
        f"--mount-proc={root / 'proc'}",
        "chroot",
        str(root),
        "/usr/bin/env",
        "-i",
        *environment,
        *cmd,
    ]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=timeout)
    if check:
        assert result.returncode == 0, (
            f"{' '.join(cmd)} -> {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result
