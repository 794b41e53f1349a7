"""Run by ``tests/ui/test_server_tls.py`` in a process of its own, so that OpenSSL reads the trust store
the test names in ``SSL_CERT_FILE`` (it does when a context is created; the test process's own
store stays the machine's):

    python -m tests.sync.tls_client HTTPS_URL USER   (the password on stdin)

Logs the desktop's client in to ``HTTPS_URL``; then opens a TLS connection to the same server with
the context of a client made for a plain ``http://`` server (which must refuse it: it loaded no CA at
all). Prints one JSON object: the logged-in user (or the refusal), the CA counts of both clients' TLS
contexts, and what the plain one said.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import sys
from urllib.parse import urlsplit

from app.client.api import ApiClient
from app.client.errors import UntrustedServerError


async def main(url: str, user: str, password: str) -> dict[str, object]:
    result: dict[str, object] = {}
    secure = ApiClient(url, account=user)
    try:
        result["user"] = (await secure.login(user, password)).name
    except UntrustedServerError as exc:
        result["untrusted"] = exc.reason
    finally:
        await secure.aclose()
    result["https_cas"] = secure.tls.cert_store_stats()["x509_ca"]
    plain = ApiClient("http://127.0.0.1:9", account=user)
    await plain.aclose()
    result["http_cas"] = plain.tls.cert_store_stats()["x509_ca"]
    where = urlsplit(url)
    assert where.hostname is not None and where.port is not None
    with socket.create_connection((where.hostname, where.port), timeout=10) as raw:
        try:
            with plain.tls.wrap_socket(raw, server_hostname=where.hostname):
                result["http_context"] = "connected"
        except ssl.SSLCertVerificationError as exc:
            result["http_context"] = f"untrusted: {exc.verify_message}"
    return result


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2], sys.stdin.read().strip()))))
