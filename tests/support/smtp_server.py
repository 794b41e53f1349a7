"""A real SMTP server for the chain tests: aiosmtpd with STARTTLS required (a self-signed
certificate for 127.0.0.1 made here, handed to ringdesk as its CA) and AUTH required after it.

``received`` holds each message as the server got it; ``distinct()`` counts them by Message-ID (the
de-duplication a mail system does on it). ``on_data`` runs before the server answers ``DATA``: the
kill -9 test kills the ringdesk server there, between its send and its record.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.support.ports import free_port

USER, PASSWORD = "ringdesk", "smtp-Pa55"


@dataclass(frozen=True)
class Mail:
    sender: str
    recipients: tuple[str, ...]
    message_id: str
    subject: str
    body: str
    tls: bool
    authenticated: bool
    raw: bytes = b""
    """The message as it arrived (attachments and all)."""


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own CA) and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ringdesk test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


class _Handler:
    def __init__(self, owner: SmtpServer) -> None:
        self.owner = owner

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        mail = Mail(
            sender=str(envelope.mail_from),
            recipients=tuple(envelope.rcpt_tos),
            message_id=str(parsed["Message-ID"]),
            subject=str(parsed["Subject"]),
            body=body.get_content().strip() if body is not None else "",
            tls=session.ssl is not None,
            authenticated=bool(session.authenticated),
            raw=raw,
        )
        if self.owner.on_data is not None:
            self.owner.on_data(mail)
        with self.owner.lock:
            self.owner.received.append(mail)
        return "250 OK"


def _authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = (
        isinstance(data, LoginPassword) and data.login == USER.encode() and data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535


class SmtpServer:
    def __init__(self, directory: Path) -> None:
        self.port = free_port("tcp")
        self.ca_file, key_file = self_signed(directory)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.ca_file, key_file)
        self.received: list[Mail] = []
        self.lock = threading.Lock()
        self.on_data: Callable[[Mail], None] | None = None
        self.controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            auth_require_tls=True,
            authenticator=_authenticate,
        )

    def settings(self) -> dict[str, Any]:
        """The ringdesk settings that send through this server."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_user": USER,
            "smtp_password": PASSWORD,
            "smtp_ca_file": str(self.ca_file),
            "smtp_from": "offers@ringdesk.test",
        }

    def distinct(self) -> dict[str, Mail]:
        with self.lock:
            return {mail.message_id: mail for mail in self.received}

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Mail]:
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            assert time.monotonic() < deadline, (
                f"the SMTP server got {len(self.received)} of {count} messages"
            )
            time.sleep(0.01)

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.controller.stop()
