"""Is the registrar alive? A tiny OPTIONS ping (UDP) or connection check (TCP/TLS) outside PJSIP.

Probing through pjsua2 (``Account.sendRequest``) ties a 32-second transaction to the account; if the
account is replaced during a failover before that transaction ends, PJSIP asserts and the service
aborts. These probes live on their own sockets, share nothing with PJSIP, and are polled from the
engine loop without blocking: any SIP answer (even 404 or 405) or an accepted connection means alive.
"""

from __future__ import annotations

import errno
import logging
import select
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.telephony.config import Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProbeTarget:
    """Where a registrar listens, resolved once."""

    host: str
    port: int
    transport: Transport


def probe_target(uri: str, transport: Transport) -> ProbeTarget:
    """Host and port of a registrar URI such as ``sip:pbx.example:5080;transport=tcp``."""
    rest = uri.split(":", 1)[1] if ":" in uri else uri
    hostport = rest.split(";", 1)[0].split("@")[-1]
    if "transport=tls" in uri.lower() or uri.lower().startswith("sips:"):
        transport = Transport.TLS
    elif "transport=tcp" in uri.lower():
        transport = Transport.TCP
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit():
        host, port = hostport, ("5061" if transport is Transport.TLS else "5060")
    return ProbeTarget(host.strip("[]"), int(port), transport)


class RegistrarProber:
    """Sends probes and reports answers through ``on_alive(key)``; call :meth:`poll` every loop turn."""

    def __init__(self, on_alive: Callable[[object], None]) -> None:
        self._on_alive = on_alive
        self._udp: socket.socket | None = None
        self._pending_udp: dict[str, object] = {}  # Call-ID -> key
        self._pending_tcp: dict[socket.socket, object] = {}

    def probe(self, key: object, target: ProbeTarget) -> None:
        """Start one probe; an answer later calls ``on_alive(key)``, silence calls nothing."""
        try:
            if target.transport is Transport.UDP:
                self._send_options(key, target)
            else:
                self._connect(key, target)
        except OSError as exc:
            log.info("probe of %s:%d failed at once: %s", target.host, target.port, exc)

    def poll(self) -> None:
        """Collect answers that have arrived (never blocks)."""
        if self._udp is not None:
            self._read_udp()
        if self._pending_tcp:
            self._check_connects()

    def close(self) -> None:
        for sock in self._pending_tcp:
            sock.close()
        self._pending_tcp.clear()
        if self._udp is not None:
            self._udp.close()
            self._udp = None

    def _send_options(self, key: object, target: ProbeTarget) -> None:
        if self._udp is None:
            self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self._udp.bind(("0.0.0.0", 0))
            self._udp.setblocking(False)
        local_port = self._udp.getsockname()[1]
        call_id = uuid.uuid4().hex
        if len(self._pending_udp) > 64:  # answers that never came: forget the oldest
            self._pending_udp.pop(next(iter(self._pending_udp)))
        self._pending_udp[call_id] = key
        request = (
            f"OPTIONS sip:{target.host}:{target.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local_port};rport;branch=z9hG4bK{uuid.uuid4().hex[:16]}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:probe@ringdesk.invalid>;tag={uuid.uuid4().hex[:8]}\r\n"
            f"To: <sip:{target.host}:{target.port}>\r\n"
            f"Call-ID: {call_id}\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "User-Agent: ringdesk-probe\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        self._udp.sendto(request.encode(), (target.host, target.port))

    def _read_udp(self) -> None:
        assert self._udp is not None
        while True:
            try:
                data = self._udp.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # e.g. ICMP port unreachable reported on the socket: not an answer
                continue
            if not data.startswith(b"SIP/2.0 "):
                continue
            for line in data.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() in (b"call-id", b"i"):
                    key = self._pending_udp.pop(value.strip().decode(errors="replace"), None)
                    if key is not None:
                        self._on_alive(key)
                    break

    def _connect(self, key: object, target: ProbeTarget) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex((target.host, target.port))
        if code not in (0, errno.EINPROGRESS):
            sock.close()
            return
        self._pending_tcp[sock] = key

    def _check_connects(self) -> None:
        _, writable, _ = select.select([], list(self._pending_tcp), [], 0)
        for sock in writable:
            key = self._pending_tcp.pop(sock)
            ok = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
            sock.close()
            if ok:
                self._on_alive(key)
