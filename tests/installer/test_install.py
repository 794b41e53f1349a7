"""Install the way a client does, into a throw-away Debian root: the signed apt repository with
``Signed-By``, dpkg enforcing debsig-verify, then run the installed desktop offscreen (including a real
SIP call through ``ringdesk demo --console``), upgrade with an edited conffile, and watch tampering get
refused.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from installer import deb as debmod
from installer.keys import GpgKey
from installer.repo import build_repo, sources_entry
from tests.installer.chroot import debian_rootfs, run_in
from tests.installer.conftest import Build

KEYRING = "/usr/share/keyrings/ringdesk-archive-keyring.gpg"

#: the session build (two PyInstaller bundles, packages, signing) runs inside the first test
pytestmark = pytest.mark.timeout(900)


def install_repo(root: Path, repo: Path, where: str = "/srv/ringdesk-repo") -> None:
    target = root / where.lstrip("/")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(repo, target)


@pytest.fixture(scope="module")
def target(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Debian root set up as docs/deploy.md tells IT, with ringdesk and ringdesk-server installed."""
    if shutil.which("debootstrap") is None or shutil.which("unshare") is None:
        pytest.fail("debootstrap and unshare are needed (tools/system-deps.sh installs them)")
    root = tmp_path_factory.mktemp("target") / "root"
    debian_rootfs(root)
    (root / "etc/apt/sources.list").unlink(missing_ok=True)  # only our repository: no network needed
    install_repo(root, build.out / "repo")
    shutil.copyfile(build.out / "repo/ringdesk-archive-keyring.gpg", root / KEYRING.lstrip("/"))
    (root / "etc/apt/sources.list.d/ringdesk.sources").write_text(sources_entry("file:/srv/ringdesk-repo"))
    run_in(root, "apt-get", "update")
    run_in(root, "apt-get", "install", "-y", "ringdesk-archive-keyring")
    # from here on dpkg refuses any package without a valid signature by a key with a policy
    cfg = root / "etc/dpkg/dpkg.cfg"
    cfg.write_text("".join(line for line in cfg.read_text().splitlines(True) if line.strip() != "no-debsig"))
    run_in(root, "apt-get", "install", "-y", "ringdesk", "ringdesk-server")
    return root


def test_installed_desktop_runs_offscreen(target: Path) -> None:
    assert run_in(target, "ringdesk", "--version").stdout.strip() == "ringdesk 0.1.0"
    selftest = run_in(target, "ringdesk", "--self-test")
    assert "platform=offscreen icon=ok" in selftest.stdout
    assert "sip: pjsua2 2.15" in selftest.stdout
    assert "schema c0001 ok" in selftest.stdout  # the first start can create the local database
    demo = run_in(target, "ringdesk", "demo", "--console", timeout=120)
    assert "call ended: remote hangup" in demo.stdout
    assert (target / "usr/share/applications/ringdesk.desktop").is_file()


def test_installed_server_is_enabled_with_a_private_secret(target: Path) -> None:
    secret = target / "etc/ringdesk/server-secret"
    assert secret.stat().st_mode & 0o777 == 0o600 and len(secret.read_text()) >= 48
    assert (target / "etc/systemd/system/multi-user.target.wants/ringdesk-server.service").is_symlink()
    run_in(target, "ringdesk-server", "migrate", "--db", "sqlite:////tmp/check.sqlite3")
    assert run_in(target, "ringdesk-server", "--version").stdout.startswith("ringdesk-server 0.1.0")


def test_show_config_reads_machine_file_and_policy(target: Path) -> None:
    machine = target / "etc/ringdesk/ringdesk.toml"
    machine.write_text('server_url = "https://it.example"\n' + machine.read_text())
    (target / "etc/ringdesk/policy.d/50-it.toml").write_text('[sip]\ntransport = "tls"\n')
    table = run_in(target, "ringdesk", "--show-config").stdout
    rows = {line.split()[0]: line for line in table.splitlines()[1:]}
    assert "machine (/etc/ringdesk/ringdesk.toml)" in rows["server_url"]
    assert rows["sip.transport"].endswith("policy (/etc/ringdesk/policy.d/50-it.toml) [locked]")


def test_upgrade_keeps_the_admins_conffile_and_rollback_works(
    build: Build, target: Path, tmp_path: Path
) -> None:
    machine = target / "etc/ringdesk/ringdesk.toml"
    machine.write_text('# edited by IT\nlanguage = "en"\n' + machine.read_text())
    edited = machine.read_text()
    pkg = debmod.desktop_package(build.out / "dist/ringdesk", "0.1.1", tmp_path / "stage")
    default = pkg.root / "etc/ringdesk/ringdesk.toml"
    default.write_text(default.read_text() + "# a new default in 0.1.1\n")
    newer = debmod.build_deb(pkg, tmp_path / "debs", "gzip")
    debmod.debsigs_sign(newer, build.gpg.home, build.gpg.fingerprint)
    repo = build_repo(
        [*build.debs.glob("*.deb"), newer], GpgKey(build.gpg.home, build.gpg.fingerprint), tmp_path
    )
    install_repo(target, repo)
    run_in(target, "apt-get", "update")
    run_in(target, "apt-get", "install", "-y", "-o", "Dpkg::Options::=--force-confold", "ringdesk")
    status = run_in(target, "dpkg-query", "-W", "-f=${Version}", "ringdesk").stdout
    assert status == "0.1.1"
    assert machine.read_text() == edited
    assert "a new default in 0.1.1" in (target / "etc/ringdesk/ringdesk.toml.dpkg-dist").read_text()
    rows = run_in(target, "ringdesk", "--show-config").stdout.splitlines()
    assert any(line.startswith("language") and '"en"' in line and "machine" in line for line in rows)

    # the documented rollback: the older version is still in the repository
    policy = run_in(target, "apt-cache", "policy", "ringdesk").stdout
    assert "0.1.1" in policy and "0.1.0" in policy, policy
    run_in(
        target,
        *("apt-get", "install", "-y", "--allow-downgrades", "-o", "Dpkg::Options::=--force-confold"),
        "ringdesk=0.1.0",
    )
    assert run_in(target, "dpkg-query", "-W", "-f=${Version}", "ringdesk").stdout == "0.1.0"
    assert machine.read_text() == edited


def test_tampered_or_unsigned_package_is_refused_by_dpkg(build: Build, target: Path) -> None:
    before = run_in(target, "dpkg-query", "-W", "-f=${Version}", "ringdesk-server").stdout
    good = build.deb("ringdesk-server")
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x01
    (target / "tmp/tampered.deb").write_bytes(bytes(data))
    shutil.copyfile(good, target / "tmp/unsigned.deb")
    subprocess.run(["ar", "d", str(target / "tmp/unsigned.deb"), "_gpgorigin"], check=True)
    for name in ("tampered", "unsigned"):
        result = run_in(target, "dpkg", "-i", f"/tmp/{name}.deb", check=False)
        assert result.returncode != 0, name
        assert "debsig" in (result.stdout + result.stderr).lower(), result.stderr
    assert run_in(target, "dpkg-query", "-W", "-f=${Version}", "ringdesk-server").stdout == before


def test_tampered_repository_or_wrong_key_is_refused_by_apt(
    build: Build, target: Path, tmp_path: Path
) -> None:
    def update_from(repo_dir: str, keyring: str = KEYRING) -> subprocess.CompletedProcess[str]:
        sources = target / "etc/apt/check.sources"
        sources.write_text(sources_entry(f"file:{repo_dir}", keyring))
        return run_in(
            target,
            "apt-get",
            "update",
            "-o",
            "Dir::Etc::sourcelist=/etc/apt/check.sources",
            "-o",
            "Dir::Etc::sourceparts=-",
            "-o",
            "APT::Get::List-Cleanup=0",
            check=False,
        )

    # a changed index: the signed InRelease no longer matches
    install_repo(target, build.out / "repo", "/srv/tampered-index")
    inrelease = target / "srv/tampered-index/dists/stable/InRelease"
    inrelease.write_text(inrelease.read_text().replace("Label: ringdesk", "Label: ringdesk-evil"))
    result = update_from("/srv/tampered-index")
    assert result.returncode != 0
    assert "BADSIG" in result.stdout + result.stderr or "invalid" in result.stdout + result.stderr

    # a swapped package in the pool: apt's hash check fails before dpkg sees it
    install_repo(target, build.out / "repo", "/srv/tampered-pool")
    pool = next((target / "srv/tampered-pool/pool").rglob("ringdesk-server_*.deb"))
    data = bytearray(pool.read_bytes())
    data[len(data) // 2] ^= 0x01
    pool.write_bytes(bytes(data))
    assert update_from("/srv/tampered-pool").returncode == 0
    fetch = run_in(
        target,
        "apt-get",
        "install",
        "-y",
        "--reinstall",
        "-o",
        "Dir::Etc::sourcelist=/etc/apt/check.sources",
        "-o",
        "Dir::Etc::sourceparts=-",
        "ringdesk-server",
        check=False,
    )
    assert fetch.returncode != 0
    assert (
        "Hash Sum mismatch" in fetch.stdout + fetch.stderr or "hash" in (fetch.stdout + fetch.stderr).lower()
    )

    # the right repository with the wrong key pinned
    other = tmp_path / "other-gnupg"
    other.mkdir(mode=0o700)
    env = {"GNUPGHOME": str(other)}
    import os

    subprocess.run(
        ["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "someone else", "ed25519", "sign", "never"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    exported = subprocess.run(
        ["gpg", "--batch", "--export"], env={**os.environ, **env}, check=True, capture_output=True
    ).stdout
    subprocess.run(["gpgconf", "--kill", "all"], env={**os.environ, **env}, check=False)
    (target / "usr/share/keyrings/other.gpg").write_bytes(exported)
    install_repo(target, build.out / "repo", "/srv/wrong-key")  # a fresh URI: no cached lists
    result = update_from("/srv/wrong-key", "/usr/share/keyrings/other.gpg")
    assert result.returncode != 0
    assert "NO_PUBKEY" in result.stdout + result.stderr
    update_from("/srv/ringdesk-repo")  # leave the lists as they were
