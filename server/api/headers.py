"""Security headers on every HTTP response, and ``Cache-Control: no-store`` on tokens.

The API answers JSON to programs, so the headers close what a browser could do with a response it
was tricked into loading: no MIME sniffing, no framing (clickjacking), no referrer, no scripts or
other content at all (``default-src 'none'``). The API documentation page (``/docs``, off by
default) gets a policy that lets it run Swagger UI from this server and nothing else. Anything under
``/auth/`` (token pairs) must never be stored by a browser or a proxy (RFC 6749 section 5.1).
HSTS is sent over HTTPS only (a TLS-terminating proxy sets it for plain-HTTP backends).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
NO_STORE_PREFIXES = ("/auth/",)
DOCS_PREFIX = "/docs"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        docs = path == DOCS_PREFIX or path.startswith(DOCS_PREFIX + "/")
        no_store = path.startswith(NO_STORE_PREFIXES)
        https = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                headers["Content-Security-Policy"] = DOCS_POLICY if docs else API_POLICY
                if no_store:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
                if https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, with_headers)
