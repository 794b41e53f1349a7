"""The real server behind TLS, as a centre runs it with a certificate from its own CA: a throw-away
CA and a server certificate for 127.0.0.1 made here (``cryptography``), and uvicorn serving the
server's app with them (``--ssl-keyfile``/``--ssl-certfile``) on a seeded SQLite database."""

from __future__ import annotations

import ipaddress
import ssl
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from server.api.main import SETTINGS_ENV, settings_for_workers
from tests.server.live import LiveServer
from tests.sync.server import CHEAP_ARGON2, prepare_database, settings_for


@dataclass(frozen=True)
class Pki:
    """A CA's certificate (what a trust store would hold) and a server's certificate and key it
    signed, as PEM files."""

    ca: Path
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_pki(directory: Path, name: str = "Example Centre Root CA") -> Pki:
    """A CA called ``name`` and a server certificate for ``127.0.0.1`` issued by it, in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC) - timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("ringdesk server"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    pki.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return pki


class TlsServer(LiveServer):
    """The server's app under uvicorn on ``https://127.0.0.1:PORT`` with ``pki``'s certificate, on a
    database migrated and seeded here (every demo user's password is ``tests.sync.server.PASSWORD``)."""

    def __init__(self, pki: Pki, directory: Path) -> None:
        url = f"sqlite:///{directory / 'server.sqlite3'}"
        prepare_database(url)
        settings = settings_for(url).model_copy(update={"recordings_dir": str(directory / "recordings")})
        super().__init__(
            directory / "server.log", env={SETTINGS_ENV: settings_for_workers(settings), **CHEAP_ARGON2}
        )
        self.pki = pki
        self.base_url = f"https://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "server.api.main:app_from_environment",
            "--factory",
            "--ssl-keyfile",
            str(self.pki.key),
            "--ssl-certfile",
            str(self.pki.cert),
            "--log-level",
            "warning",
            *self.args,
        ]

    def health_client(self) -> httpx.Client:
        return httpx.Client(timeout=1, trust_env=False, verify=ssl.create_default_context(cafile=self.pki.ca))
