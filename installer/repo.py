"""A signed apt repository (``apt-ftparchive`` indexes, GPG-signed); clients pin its key with ``Signed-By:``.

The repository's ``InRelease``/``Release.gpg`` are signed with the release key; apt refuses the
repository if the signature or any index hash does not match, and ``Signed-By`` limits trust in that key
to this one source (never ``apt-key``, which trusted a key for every source).

Every version stays: the repository is rebuilt from the packages of the previously published one (its
``pool/``) plus the new ones, and ``Packages`` lists every file in the pool, so ``apt-get install
ringdesk=<older>`` (the documented rollback) finds the older version. (reprepro keeps one version per
package unless ``Limit: 0``, which Debian 12's reprepro 5.3 does not know; apt-ftparchive indexes a pool
as it is.)
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path

from installer.common import run, say
from installer.keys import GpgKey

CODENAME = "stable"
COMPONENT = "main"
ARCHITECTURES = ("amd64",)
RELEASE_FIELDS = {
    "Origin": "ringdesk",
    "Label": "ringdesk",
    "Suite": CODENAME,
    "Codename": CODENAME,
    "Architectures": " ".join(ARCHITECTURES),
    "Components": COMPONENT,
    "Description": "ringdesk operator workstation and server",
}


def build_repo(debs: list[Path], key: GpgKey, out: Path, previous: Path | None = None) -> Path:
    """Make ``out/repo`` holding ``debs`` and every package of ``previous`` (a published repository,
    default ``out/repo`` if it exists), signed by ``key``, with the public key beside it."""
    repo = out / "repo"
    previous = previous if previous is not None else (repo if repo.is_dir() else None)
    with tempfile.TemporaryDirectory(prefix="ringdesk-repo-") as scratch:
        new = {deb.name for deb in debs}  # a rebuilt version replaces its published file
        kept = [deb for deb in _keep_pool(previous, Path(scratch)) if deb.name not in new]
        _build(repo, [*kept, *debs], key)
    say(f"apt repository: {repo} ({len(kept)} earlier packages kept)")
    return repo


def _keep_pool(previous: Path | None, scratch: Path) -> list[Path]:
    """Copies of the previous repository's packages (copied: ``previous`` may be the folder rebuilt)."""
    if previous is None or not (previous / "pool").is_dir():
        return []
    kept = []
    for deb in sorted((previous / "pool").rglob("*.deb")):
        kept.append(scratch / deb.name)
        shutil.copyfile(deb, kept[-1])
    return kept


def _build(repo: Path, debs: list[Path], key: GpgKey) -> None:
    if repo.exists():
        shutil.rmtree(repo)
    for deb in debs:
        name = deb.name.split("_")[0]
        target = repo / "pool" / COMPONENT / name[0] / name / deb.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(deb, target)
    dist = repo / "dists" / CODENAME
    for arch in ARCHITECTURES:
        binary = dist / COMPONENT / f"binary-{arch}"
        binary.mkdir(parents=True)
        # paths in Packages are relative to the repository root, as apt fetches them
        packages = run(["apt-ftparchive", "--arch", arch, "packages", f"pool/{COMPONENT}"], cwd=repo)
        (binary / "Packages").write_text(packages, encoding="utf-8")
        (binary / "Packages.gz").write_bytes(gzip.compress(packages.encode(), mtime=0))
    options = [f"-oAPT::FTPArchive::Release::{field}={value}" for field, value in RELEASE_FIELDS.items()]
    release = run(["apt-ftparchive", *options, "release", "."], cwd=dist)
    (dist / "Release").write_text(release, encoding="utf-8")
    sign = ["gpg", "--batch", "--yes", "--local-user", key.key_id, "--digest-algo", "SHA512"]
    run([*sign, "--clearsign", "--output", dist / "InRelease", dist / "Release"], env=key.env())
    run(
        [*sign, "--armor", "--detach-sign", "--output", dist / "Release.gpg", dist / "Release"], env=key.env()
    )
    (repo / "ringdesk-archive-keyring.gpg").write_bytes(key.public_key())
    (repo / "ringdesk.sources").write_text(
        sources_entry("https://packages.example.com/ringdesk"), encoding="utf-8"
    )


def sources_entry(uri: str, keyring: str = "/usr/share/keyrings/ringdesk-archive-keyring.gpg") -> str:
    """The deb822 ``/etc/apt/sources.list.d/ringdesk.sources`` a client uses."""
    return f"Types: deb\nURIs: {uri}\nSuites: {CODENAME}\nComponents: {COMPONENT}\nSigned-By: {keyring}\n"
