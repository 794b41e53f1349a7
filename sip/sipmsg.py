"""Reading what the operator needs out of a raw SIP request: caller number, name and custom headers.

PJSIP hands us the whole message as text; these helpers are pure functions (no pjsua2) so that hostile
input (broken headers, huge values, bytes that are not UTF-8) is tested on its own and can never crash
the engine: anything unreadable degrades to an empty value.
"""

from __future__ import annotations

import re

COMPACT_NAMES = {
    "f": "From",
    "t": "To",
    "i": "Call-ID",
    "m": "Contact",
    "v": "Via",
    "c": "Content-Type",
    "l": "Content-Length",
    "k": "Supported",
    "e": "Content-Encoding",
}
MAX_VALUE_CHARS = 2048
"""Header values longer than this are cut: a 10 kB display name is an attack, not a name."""

_NAME_ADDR = re.compile(r'^\s*(?:"((?:[^"\\]|\\.)*)"|([^<"]*?))\s*<([^>]*)>(.*)$', re.S)


def clean_text(value: str) -> str:
    """Make text safe to show and serialise: no surrogates from invalid UTF-8, no control characters."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    value = "".join(ch if ch >= " " or ch == "\t" else " " for ch in value)
    if len(value) > MAX_VALUE_CHARS:
        value = value[:MAX_VALUE_CHARS] + "…"
    return value.strip()


def parse_headers(message: str) -> list[tuple[str, str]]:
    """Headers of a SIP message in order, with folded lines joined and compact names expanded."""
    head = message.split("\r\n\r\n", 1)[0].split("\n\n", 1)[0]
    lines = head.replace("\r\n", "\n").split("\n")[1:]  # skip the request line
    headers: list[tuple[str, str]] = []
    for line in lines:
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, sep, value = line.partition(":")
        name = name.strip()
        if not sep or not name or " " in name:
            continue
        headers.append((COMPACT_NAMES.get(name.lower(), name), value.strip()))
    return [(name, clean_text(value)) for name, value in headers]


def request_uri(message: str) -> str:
    """The Request-URI of a request (``INVITE sip:1001@10.0.0.5:5060 SIP/2.0`` -> ``sip:1001@...``)."""
    parts = message.split("\r\n", 1)[0].split("\n", 1)[0].split(" ")
    return parts[1] if len(parts) == 3 and parts[2].startswith("SIP/") else ""


def header_values(headers: list[tuple[str, str]], name: str) -> list[str]:
    """All values of one header, case-insensitively, comma-separated values kept together."""
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def split_name_addr(value: str) -> tuple[str, str]:
    """``"Name" <sip:u@h>;tag=x`` -> ``("Name", "sip:u@h")``; a bare URI gives an empty name."""
    match = _NAME_ADDR.match(value)
    if match:
        quoted, plain, uri, _params = match.groups()
        name = quoted if quoted is not None else plain
        return clean_text(name.replace('\\"', '"').replace("\\\\", "\\")), uri.strip()
    return "", value.split(";", 1)[0].strip()


def uri_user(uri: str) -> str:
    """The user part of a SIP or tel URI: the number an operator recognises."""
    uri = uri.strip().strip("<>")
    scheme, _, rest = uri.partition(":")
    if not rest:
        return ""
    if scheme.lower() == "tel":
        return rest.split(";", 1)[0]
    if scheme.lower() not in ("sip", "sips"):
        return ""
    user, at, _host = rest.partition("@")
    return user.split(";", 1)[0] if at else ""


def answer_after(headers: list[tuple[str, str]]) -> float | None:
    """Seconds after which the PBX asks us to answer by itself, or None.

    Understands ``Call-Info: <...>;answer-after=N`` (Broadsoft, Asterisk), ``Alert-Info: <...>;
    info=alert-autoanswer`` (Polycom, Yealink) and ``Answer-Mode: Auto`` (RFC 5373).
    """
    for value in header_values(headers, "Call-Info"):
        match = re.search(r";\s*answer-after\s*=\s*(\d+(?:\.\d+)?)", value, re.I)
        if match:
            return min(float(match.group(1)), 3600.0)
    for value in header_values(headers, "Alert-Info"):
        if re.search(r"info\s*=\s*alert-autoanswer|auto\s*answer", value, re.I):
            return 0.0
    for value in header_values(headers, "Answer-Mode"):
        if value.split(";", 1)[0].strip().lower() == "auto":
            return 0.0
    return None


def x_headers(headers: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Every ``X-`` header in order: CRM ids, queue names and the like set by the PBX."""
    return tuple((name, value) for name, value in headers if name.lower().startswith("x-"))
