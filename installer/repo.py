"""A signed apt repository made with reprepro; clients pin its key with ``Signed-By:``.

The repository's ``InRelease``/``Release.gpg`` are signed with the release key; apt refuses the
repository if the signature or any index hash does not match, and ``Signed-By`` limits trust in that key
to this one source (never ``apt-key``, which trusted a key for every source).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from installer.common import run, say
from installer.keys import GpgKey

CODENAME = "stable"
DISTRIBUTIONS = """Origin: ringdesk
Label: ringdesk
Suite: stable
Codename: {codename}
Architectures: amd64
Components: main
Description: ringdesk operator workstation and server
SignWith: {key}
"""


def build_repo(debs: list[Path], key: GpgKey, out: Path) -> Path:
    """Make ``out/repo`` holding ``debs``, signed by ``key``, with the public key beside it."""
    repo = out / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    (repo / "conf").mkdir(parents=True)
    (repo / "conf" / "distributions").write_text(
        DISTRIBUTIONS.format(codename=CODENAME, key=key.key_id), encoding="utf-8"
    )
    (repo / "conf" / "options").write_text("verbose\n", encoding="utf-8")
    for deb in debs:
        run(["reprepro", "--silent", "-b", repo, "includedeb", CODENAME, deb], env=key.env())
    shutil.rmtree(repo / "db")  # reprepro's own state: not for publishing
    shutil.rmtree(repo / "conf")
    (repo / "ringdesk-archive-keyring.gpg").write_bytes(key.public_key())
    (repo / "ringdesk.sources").write_text(
        sources_entry("https://packages.example.com/ringdesk"), encoding="utf-8"
    )
    say(f"apt repository: {repo}")
    return repo


def sources_entry(uri: str, keyring: str = "/usr/share/keyrings/ringdesk-archive-keyring.gpg") -> str:
    """The deb822 ``/etc/apt/sources.list.d/ringdesk.sources`` a client uses."""
    return f"Types: deb\nURIs: {uri}\nSuites: {CODENAME}\nComponents: main\nSigned-By: {keyring}\n"
