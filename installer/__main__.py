"""``python -m installer``: build (and sign) every installer; ``make installer`` runs ``all``.

    python -m installer all [--out build/installer] [--unsigned] [--gpg-home DIR --gpg-key FPR]
    python -m installer bundle|debs|msi ... [--test-signing] [--previous-repo DIR]

Signing keys come from the environment (see :mod:`installer.keys`) or the flags. Without keys the build
stops, unless ``--unsigned`` says that unsigned artefacts are wanted (development only): a release
must never be unsigned by accident. The MSI built here wraps a stand-in payload: it is a test build,
named so, and never release-signed; ``--test-signing`` signs it with a *test* certificate to exercise
the signing path (the real MSI comes from the Windows workflow).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from installer.bundle import build_bundle
from installer.common import REPO, BuildError, say, version
from installer.deb import (
    build_deb,
    debsigs_sign,
    desktop_package,
    keyring_package,
    server_package,
)
from installer.keys import GpgKey, codesigning_key, gpg_key
from installer.msi import build_msi
from installer.repo import build_repo


def build_debs(out: Path, gpg: GpgKey | None, compression: str, reuse_bundles: bool) -> list[Path]:
    """Both bundles, the three packages, each signed with debsigs when a key is given."""
    dist = out / "dist"
    bundles = {}
    wanted = []
    for name in ("ringdesk", "ringdesk-server"):
        if reuse_bundles and (dist / name / name).is_file():
            bundles[name] = dist / name
        else:
            wanted.append(name)
    # PyInstaller's analysis runs on one core: the two bundles build side by side (separate work dirs)
    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, folder in zip(wanted, pool.map(lambda n: build_bundle(n, out), wanted), strict=True):
            bundles[name] = folder
    stage, ver = out / "stage", version()
    pkgs = [
        desktop_package(bundles["ringdesk"], ver, stage),
        server_package(bundles["ringdesk-server"], ver, stage),
    ]
    if gpg is not None:
        pkgs.append(keyring_package(gpg.public_key(), gpg.long_id(), ver, stage))
    debs = [build_deb(pkg, out / "debs", compression) for pkg in pkgs]
    if gpg is not None:
        for deb in debs:
            debsigs_sign(deb, gpg.home, gpg.key_id)
    return debs


def write_checksums(out: Path, files: list[Path], gpg: GpgKey | None) -> Path:
    """``SHA256SUMS`` of every artefact, detached-signed (``SHA256SUMS.asc``) for IT to verify downloads."""
    from installer.common import run

    sums = out / "SHA256SUMS"
    lines = [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.relative_to(out)}\n" for f in files]
    sums.write_text("".join(lines), encoding="utf-8")
    if gpg is not None:
        asc = out / "SHA256SUMS.asc"
        asc.unlink(missing_ok=True)
        run(
            ["gpg", "--batch", "--yes", "--local-user", gpg.key_id, "--armor", "--detach-sign", sums],
            env=gpg.env(),
        )
    return sums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer", description=__doc__.split("\n")[0])
    parser.add_argument("target", choices=["all", "bundle", "debs", "msi"])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "installer")
    parser.add_argument("--unsigned", action="store_true", help="allow building without signing keys")
    parser.add_argument("--gpg-home", help="GnuPG home with the release key (else RINGDESK_GPG_HOME)")
    parser.add_argument("--gpg-key", help="release key fingerprint (else RINGDESK_GPG_KEY)")
    parser.add_argument("--deb-compression", default="xz", choices=["xz", "gzip", "zstd", "none"])
    parser.add_argument("--reuse-bundles", action="store_true", help="package existing bundles in OUT/dist")
    parser.add_argument(
        "--previous-repo",
        type=Path,
        help="the published apt repository whose packages stay in the new one (default: OUT/repo)",
    )
    parser.add_argument(
        "--test-signing",
        action="store_true",
        help="sign the stand-in (TEST) MSI with RINGDESK_CODESIGN_*, which must be a test certificate",
    )
    args = parser.parse_args(argv)
    out: Path = args.out.resolve()
    started = time.monotonic()
    try:
        gpg, codesign = gpg_key(args.gpg_home, args.gpg_key), codesigning_key()
        need_gpg = args.target in ("all", "debs") and gpg is None
        # the stand-in MSI is a test build: signed only on request, and only by a test certificate
        need_codesign = args.target in ("all", "msi") and args.test_signing and codesign is None
        if not args.unsigned and (need_gpg or need_codesign):
            wanted = [
                *(["RINGDESK_GPG_HOME/RINGDESK_GPG_KEY (packages, repository)"] if need_gpg else []),
                *(["RINGDESK_CODESIGN_CERT/RINGDESK_CODESIGN_KEY (test MSI)"] if need_codesign else []),
            ]
            raise BuildError(
                f"no signing keys: set {' and '.join(wanted)}, or pass --unsigned for a development build"
            )
        artefacts: list[Path] = []
        if args.target == "bundle":
            build_bundle("ringdesk", out)
        if args.target in ("all", "debs"):
            debs = build_debs(out, gpg, args.deb_compression, args.reuse_bundles)
            artefacts += debs
            if gpg is not None:
                repo = build_repo(debs, gpg, out, args.previous_repo)
                artefacts += sorted(p for p in repo.rglob("*") if p.is_file())
        if args.target in ("all", "msi"):
            if codesign is not None and not args.test_signing:
                say("the stand-in MSI is a test build: left unsigned (the release key never signs it)")
            key = codesign if args.test_signing else None
            artefacts.append(build_msi(out, version(), key, test_signing=args.test_signing))
        if artefacts:
            write_checksums(out, artefacts, gpg)
    except BuildError as exc:
        print(f"installer: {exc}", file=sys.stderr)
        return 1
    say(f"done in {time.monotonic() - started:.0f} s: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
