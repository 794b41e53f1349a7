"""Whom the desktop trusts when it talks to the server: the TLS settings for a server address, decided
here once for the API client and the live feeds.

* ``https://`` / ``wss://``: the operating system's trust store (:func:`ssl.create_default_context`:
  on Windows the system ROOT and CA stores, elsewhere OpenSSL's default paths, which honour
  ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``), plus the CA file IT may name in ``server_ca_file``. Not
  httpx's default, certifi's bundle: it ignores the company CA that IT installed into the OS store,
  so a server with a certificate from that CA was refused.
* ``http://`` / ``ws://``: no CA is loaded at all (httpx's default loaded certifi's bundle into every
  client, ~1.2 MB and 40-60 ms of CPU on the desktop's start, for TLS that is never used). The
  context trusts nothing, so a redirect or a proxy that takes the client to ``https://`` fails
  closed as an untrusted certificate instead of passing unverified; verification is never off.
"""

from __future__ import annotations

import logging
import ssl

log = logging.getLogger("ringdesk.client.tls")

SECURE_SCHEMES = ("https://", "wss://")


def is_secure(url: str) -> bool:
    """Whether ``url`` is spoken over TLS (``https``, ``wss``)."""
    return url.strip().lower().startswith(SECURE_SCHEMES)


def context_for(url: str, ca_file: str = "") -> ssl.SSLContext:
    """The TLS context for talking to the server at ``url`` (module notes). ``ca_file`` (PEM, one or
    more CA certificates) is trusted besides the OS store; one that cannot be read is logged and
    left out, so the server is then refused as untrusted rather than the desktop failing to start."""
    if not is_secure(url):
        return trust_nothing()
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            log.warning("server_ca_file %s not used: %s", ca_file, exc)
    return context


def trust_nothing() -> ssl.SSLContext:
    """A client context that verifies certificates and host names against no CA at all: any TLS
    connection made with it is refused (and costs nothing to build)."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def certificate_problem(exc: BaseException) -> str | None:
    """OpenSSL's reason when ``exc`` (or what it was raised from: httpx wraps httpcore's error,
    which wraps the :class:`ssl.SSLCertVerificationError`) is a refused server certificate, e.g.
    "unable to get local issuer certificate", "Hostname mismatch..."; ``None`` otherwise."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return str(current.verify_message or current.reason or current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
