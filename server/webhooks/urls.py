"""Which webhook URLs the server may post to (SSRF: a webhook is the server making requests an
admin chose, from inside the centre's network).

Refused, unless the host is listed in ``webhook_allowed_hosts`` (exactly as written in the URL, or
the address it resolves to):

* anything but ``http://`` and ``https://``; user names or passwords in the URL (they would end up in
  logs; a receiver checks the signature instead);
* a host that resolves to a loopback (``127.0.0.0/8``, ``::1``), link-local (``169.254.0.0/16``,
  which holds the clouds' metadata service ``169.254.169.254``, and ``fe80::/10``), unspecified,
  multicast or reserved address, or the other well-known metadata addresses (``fd00:ec2::254``,
  ``100.100.100.200``);
* an address of this machine (its host name's addresses and the address ``serve`` listens on): the
  server's own API must not be called by itself with an admin's forged requests.

Private networks (``10/8``, ``172.16/12``, ``192.168/16``) are allowed: a centre's own CRM usually
lives there. The check runs when a URL is registered and again before every attempt (DNS may have
changed since); what is left is the moment between that look-up and the connection's own (see
docs/integrations.md, "SSRF").
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]

METADATA = frozenset(ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"))


class BadWebhookUrl(ValueError):
    """The URL may not be used; the message says why and what to do."""


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise BadWebhookUrl(f"the host {host!r} does not resolve: {exc}") from None
    return sorted({str(info[4][0]) for info in infos})


def own_addresses(listen_host: str) -> frozenset[Address]:
    """This machine's addresses as far as cheaply known: its host name's and the listen address."""
    found: set[Address] = set()
    for name in {socket.gethostname(), socket.getfqdn(), listen_host}:
        try:
            found.update(ipaddress.ip_address(a.split("%")[0]) for a in resolve(name))
        except (BadWebhookUrl, ValueError):
            continue
    return frozenset(a for a in found if not a.is_unspecified)


def allowed_hosts(setting: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in setting.split(",") if h.strip())


def _why_refused(address: Address, own: Iterable[Address]) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _why_refused(address.ipv4_mapped, own)  # ::ffff:127.0.0.1 is 127.0.0.1
    if address in METADATA:
        return "a cloud metadata service"
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "not a unicast address"
    if address in own:
        return "an address of this server"
    return None


def check_url(
    url: str,
    *,
    allowed: frozenset[str],
    own: frozenset[Address],
    resolver: Resolver = resolve,
) -> str:
    """``url`` if the server may post to it, else :class:`BadWebhookUrl` saying why."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        raise BadWebhookUrl(f"not a URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise BadWebhookUrl(f"only http:// and https:// URLs can receive webhooks, not {parts.scheme!r}")
    host = (parts.hostname or "").lower()
    if not host:
        raise BadWebhookUrl("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise BadWebhookUrl("no user name or password in the URL: check the Ringdesk-Signature instead")
    if host in allowed:
        return url.strip()
    for text in resolver(host):
        address = ipaddress.ip_address(text.split("%")[0])
        if str(address) in allowed:
            continue
        why = _why_refused(address, own)
        if why is not None:
            shown = f"{host} ({address})" if host != str(address) else host
            raise BadWebhookUrl(
                f"{shown} is {why}: webhooks may not be sent there (SSRF protection); "
                "an admin may list the host in the server setting webhook_allowed_hosts"
            )
    return url.strip()
