"""The apt repository keeps every published version, so the documented rollback
(``apt-get install ringdesk=<older>``) finds the older one; here with two tiny packages (seconds, no
bundle). ``tests/installer/test_install.py`` rolls back the real package with apt in a Debian root."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest

from installer import deb as debmod
from installer.keys import GpgKey
from installer.repo import build_repo
from tests.installer.signing import GpgRelease, make_gpg_key, stop_gpg_agent


@pytest.fixture
def gpg(tmp_path: Path) -> Iterator[GpgRelease]:
    key = make_gpg_key(tmp_path / "gnupg")
    yield key
    stop_gpg_agent(key)


def tiny_deb(version: str, out: Path) -> Path:
    pkg = debmod.Package("ringdesk", version, "test package", out / "stage" / version)
    pkg.put("/usr/share/doc/ringdesk/VERSION", text=version)
    pkg.fields.update(Section="net")
    return debmod.build_deb(pkg, out / "debs" / version, "gzip")


def packages_index(repo: Path) -> str:
    return gzip.decompress((repo / "dists/stable/main/binary-amd64/Packages.gz").read_bytes()).decode()


def test_a_new_release_keeps_the_previous_versions_in_pool_and_index(gpg: GpgRelease, tmp_path: Path) -> None:
    key = GpgKey(gpg.home, gpg.fingerprint)
    out = tmp_path / "build"
    build_repo([tiny_deb("0.1.0", tmp_path)], key, out)
    repo = build_repo([tiny_deb("0.1.1", tmp_path)], key, out)  # the next release, same output folder
    index = packages_index(repo)
    assert "Version: 0.1.0" in index and "Version: 0.1.1" in index
    assert {p.name for p in (repo / "pool").rglob("*.deb")} == {
        "ringdesk_0.1.0_amd64.deb",
        "ringdesk_0.1.1_amd64.deb",
    }
    # published elsewhere and rebuilt from a fresh checkout: the published folder is the history
    fresh = build_repo([tiny_deb("0.1.2", tmp_path)], key, tmp_path / "fresh", previous=repo)
    assert [v for v in ("0.1.0", "0.1.1", "0.1.2") if f"Version: {v}\n" in packages_index(fresh)] == [
        "0.1.0",
        "0.1.1",
        "0.1.2",
    ]
