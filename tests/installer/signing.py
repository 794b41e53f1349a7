"""Throw-away signing material for the installer tests: a GPG release key, a code-signing CA, and an
RFC 3161 time-stamping authority answering on loopback through ``openssl ts``.

Nothing here is used by the build itself: the build only sees paths and a key id, exactly as it would
with production keys kept outside the repository.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def sh(*cmd: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False, env=env, cwd=cwd, timeout=120
    )
    assert result.returncode == 0, f"{cmd}: {result.stdout}{result.stderr}"
    return result.stdout


@dataclass(frozen=True)
class GpgRelease:
    home: Path
    fingerprint: str

    def env(self) -> dict[str, str]:
        return {**os.environ, "GNUPGHOME": str(self.home)}


def make_gpg_key(home: Path, name: str = "ringdesk test release") -> GpgRelease:
    home.mkdir(mode=0o700, parents=True)
    env = {**os.environ, "GNUPGHOME": str(home)}
    sh(
        "gpg",
        "--batch",
        "--passphrase",
        "",
        "--quick-gen-key",
        f"{name} <release@ringdesk.test>",
        "ed25519",
        "sign",
        "never",
        env=env,
    )
    out = sh("gpg", "--batch", "--with-colons", "--list-secret-keys", env=env)
    fingerprint = next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))
    return GpgRelease(home, fingerprint)


def stop_gpg_agent(key: GpgRelease) -> None:
    """Stop the agent gpg started for this throw-away home (by its home, not by name)."""
    subprocess.run(["gpgconf", "--kill", "all"], env=key.env(), capture_output=True, check=False)


@dataclass(frozen=True)
class CodeSigningCA:
    """A root CA, a code-signing certificate and a TSA certificate it issued, and an unrelated root."""

    root: Path
    cert_chain: Path
    key: Path
    tsa_cert: Path
    tsa_key: Path
    other_root: Path


def _openssl_ext(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def make_codesigning_ca(d: Path) -> CodeSigningCA:
    d.mkdir(parents=True)

    def root_ca(name: str) -> tuple[Path, Path]:
        key, cert = d / f"{name}.key", d / f"{name}.pem"
        sh(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "30",
            "-subj",
            f"/CN={name}",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        )
        return key, cert

    def issue(name: str, ext: str, ca_key: Path, ca_cert: Path) -> tuple[Path, Path]:
        key, csr, cert = d / f"{name}.key", d / f"{name}.csr", d / f"{name}.pem"
        sh(
            "openssl",
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            csr,
            "-subj",
            f"/CN={name}",
        )
        sh(
            "openssl",
            "x509",
            "-req",
            "-in",
            csr,
            "-CA",
            ca_cert,
            "-CAkey",
            ca_key,
            "-CAcreateserial",
            "-out",
            cert,
            "-days",
            "30",
            "-extfile",
            _openssl_ext(d / f"{name}.ext", ext),
        )
        return key, cert

    root_key, root = root_ca("ringdesk test root")
    sign_key, sign_cert = issue(
        "ringdesk test code signing",
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n",
        root_key,
        root,
    )
    tsa_key, tsa_cert = issue(
        "ringdesk test tsa",
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n",
        root_key,
        root,
    )
    chain = d / "codesign-chain.pem"
    chain.write_text(sign_cert.read_text() + root.read_text())
    _other_key, other = root_ca("someone else's root")
    return CodeSigningCA(root, chain, sign_key, tsa_cert, tsa_key, other)


TSA_CONFIG = """
[tsa]
default_tsa = ringdesk_test_tsa
[ringdesk_test_tsa]
dir = {dir}
serial = $dir/tsa-serial
signer_cert = {cert}
signer_key = {key}
certs = {cert}
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@contextmanager
def timestamp_authority(ca: CodeSigningCA, workdir: Path) -> Iterator[str]:
    """An RFC 3161 TSA on 127.0.0.1: each request is answered by ``openssl ts -reply``. Yields its URL."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tsa-serial").write_text("01\n")
    config = workdir / "tsa.cnf"
    config.write_text(TSA_CONFIG.format(dir=workdir, cert=ca.tsa_cert, key=ca.tsa_key))
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                query, reply = workdir / "query.tsq", workdir / "reply.tsr"
                query.write_bytes(body)
                subprocess.run(
                    [
                        "openssl",
                        "ts",
                        "-reply",
                        "-config",
                        str(config),
                        "-queryfile",
                        str(query),
                        "-out",
                        str(reply),
                    ],
                    capture_output=True,
                    check=True,
                    timeout=30,
                )
                data = reply.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
