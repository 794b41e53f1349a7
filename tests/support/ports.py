"""Free-port allocation and "is it up yet?" helpers for tests that run real network peers.

Why this is more than ``bind(("127.0.0.1", 0))``:

* Ports handed out by the kernel for ``bind(0)`` come from the ephemeral range
  (``/proc/sys/net/ipv4/ip_local_port_range``), the same range the kernel uses for outgoing
  connections. A port we picked, released and gave to kamailio/sipp/pjsua a moment later can have
  been grabbed meanwhile by some unrelated ``connect()``. We therefore pick ports *below* the
  ephemeral range, where the kernel never allocates on its own.
* SIP listens on UDP *and* TCP at the same port number: ``kind="both"`` checks both.
* Several pytest processes (other engineers, CI jobs) may run on one machine at the same time, and a
  crashed earlier run may have left a peer holding a port. Every port we return is checked by a
  real bind *without* ``SO_REUSEADDR`` (so a TCP port with connections in TIME_WAIT is refused too)
  and reserved for the lifetime of this process with an ``flock`` on a file in a shared directory,
  so two concurrent test processes never get the same port.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import random
import socket
import ssl
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Literal

PortKind = Literal["udp", "tcp", "both"]
SipTransport = Literal["udp", "tcp", "tls"]

#: Lowest port we hand out (keeps clear of well-known services and the default 5060/5061).
_MIN_PORT = 20000
#: Directory holding one lock file per reserved port, shared by every test process on the machine.
_LOCK_DIR = Path(tempfile.gettempdir()) / "ringdesk-test-ports"

# Lock files kept open (and therefore locked), keyed by port, oldest first. Only the newest
# _MAX_RESERVED stay locked so a long session does not run out of file descriptors: the lock matters
# between picking a port and the peer binding it (and across a peer restart), not for hours.
_reserved: dict[int, IO[bytes]] = {}
_MAX_RESERVED = 200
_rng = random.Random()


def _port_range() -> tuple[int, int]:
    """Return the inclusive range to pick from: ``RINGDESK_TEST_PORTS=lo-hi`` or below the ephemeral range."""
    env = os.environ.get("RINGDESK_TEST_PORTS")
    if env:
        lo_s, _, hi_s = env.partition("-")
        return int(lo_s), int(hi_s)
    hi = 32767
    with contextlib.suppress(OSError, ValueError):
        first = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0]
        hi = int(first) - 1
    if hi - _MIN_PORT < 1000:  # unusual kernel setting: fall back to a fixed, wide-enough range
        return 10000, 19999
    return _MIN_PORT, hi


def _can_bind(port: int, kind: PortKind, host: str, reuse_addr: bool = False) -> bool:
    """Try a real bind of every socket type in ``kind``.

    Without ``reuse_addr`` a TCP port with connections in TIME_WAIT counts as busy (what we want
    when choosing a port); with it, the check matches servers such as kamailio that set
    SO_REUSEADDR and can rebind right after a restart.
    """
    types = {"udp": [socket.SOCK_DGRAM], "tcp": [socket.SOCK_STREAM]}.get(
        kind, [socket.SOCK_DGRAM, socket.SOCK_STREAM]
    )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks: list[socket.socket] = []
    try:
        for stype in types:
            s = socket.socket(family, stype)
            socks.append(s)
            if reuse_addr and stype == socket.SOCK_STREAM:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError:
        return False
    finally:
        for s in socks:
            s.close()
    return True


def _reserve(port: int) -> bool:
    """Take the machine-wide lock for ``port``; False if another live process holds it."""
    if port in _reserved:
        return False
    _LOCK_DIR.mkdir(mode=0o1777, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(_LOCK_DIR, 0o1777)  # shared by every user running tests here
    try:
        fh = open(_LOCK_DIR / f"{port}.lock", "ab")  # noqa: SIM115 - must stay open to keep the lock
    except OSError:
        return False
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        fh.close()
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    _reserved[port] = fh
    while len(_reserved) > _MAX_RESERVED:
        release_port(next(iter(_reserved)))
    return True


def release_port(port: int) -> None:
    """Give a reserved port back (rarely needed: reservations end with the process anyway)."""
    fh = _reserved.pop(port, None)
    if fh is not None:
        fh.close()


def free_port(kind: PortKind = "both", host: str = "127.0.0.1") -> int:
    """Return a port that is currently free for ``kind`` ("udp", "tcp" or "both") on ``host``.

    The port is reserved for this process (never returned twice, never given to a concurrent test
    process) but *not* held open: the caller must bind it itself, which is what child processes
    such as kamailio or sipp need.
    """
    return free_ports(1, kind=kind, host=host)[0]


def free_ports(
    count: int, kind: PortKind = "both", host: str = "127.0.0.1", *, consecutive: bool = False, align: int = 1
) -> list[int]:
    """Return ``count`` free ports; with ``consecutive`` a block ``p, p+1, ...`` (``p % align == 0``).

    Consecutive blocks are for peers that derive ports from a base port, e.g. sipp's ``-mp`` media
    port (RTP on ``mp``, RTCP on ``mp+1``, video on ``mp+2``/``mp+3``).
    """
    lo, hi = _port_range()
    result: list[int] = []
    for _ in range(2000):
        if consecutive:
            start = _rng.randrange(lo, hi - count)
            start -= start % align
            block = list(range(start, start + count))
        else:
            block = [_rng.randrange(lo, hi + 1)]
        if any(p in _reserved or p in result for p in block):
            continue
        if not all(_can_bind(p, kind, host) for p in block):
            continue
        taken: list[int] = []
        for p in block:
            if not _reserve(p):
                break
            taken.append(p)
        if len(taken) != len(block):
            for p in taken:
                release_port(p)
            continue
        # Re-check after locking: another process may have bound it between our check and our lock.
        if not all(_can_bind(p, kind, host) for p in block):
            for p in block:
                release_port(p)
            continue
        result.extend(block)
        if len(result) >= count:
            return result[:count]
    raise RuntimeError(f"no free {kind} port found in {lo}-{hi} on {host}")


def is_port_free(port: int, kind: PortKind = "both", host: str = "127.0.0.1") -> bool:
    """True if ``port`` can be bound right now for ``kind`` (ignores our own reservations)."""
    return _can_bind(port, kind, host)


def _wait(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def wait_port(port: int, host: str = "127.0.0.1", kind: PortKind = "tcp", timeout: float = 5.0) -> bool:
    """Wait until something listens on ``port``: TCP by connecting, UDP by the port being bound.

    UDP has no handshake, so "bound by someone" is the best generic signal; use :func:`wait_sip`
    to know that a SIP peer actually answers.
    """

    def tcp_up() -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False

    def udp_up() -> bool:
        return not _can_bind(port, "udp", host)

    checks = {"tcp": [tcp_up], "udp": [udp_up], "both": [tcp_up, udp_up]}[kind]
    return _wait(lambda: all(c() for c in checks), timeout)


def wait_port_free(
    port: int,
    host: str = "127.0.0.1",
    kind: PortKind = "both",
    timeout: float = 5.0,
    *,
    reuse_addr: bool = True,
) -> bool:
    """Wait until ``port`` can be bound again (after stopping a peer, before restarting it there).

    ``reuse_addr`` (default) ignores TCP TIME_WAIT left by connections the dead peer closed, as
    the restarted peer will bind with SO_REUSEADDR anyway.
    """
    return _wait(lambda: _can_bind(port, kind, host, reuse_addr), timeout)


def build_options(
    host: str,
    port: int,
    transport: SipTransport = "udp",
    *,
    local_host: str = "127.0.0.1",
    local_port: int = 9,
    user: str | None = None,
) -> tuple[bytes, str]:
    """Build a minimal OPTIONS request; returns (bytes, Call-ID) so replies can be matched."""
    call_id = f"{uuid.uuid4().hex}@ringdesk-test"
    branch = f"z9hG4bK{uuid.uuid4().hex[:16]}"
    ruri = f"sip:{user + '@' if user else ''}{host}:{port}"
    tp = transport.upper()
    msg = (
        f"OPTIONS {ruri} SIP/2.0\r\n"
        f"Via: SIP/2.0/{tp} {local_host}:{local_port};branch={branch};rport\r\n"
        f"Max-Forwards: 70\r\n"
        f"From: <sip:probe@{local_host}>;tag={uuid.uuid4().hex[:8]}\r\n"
        f"To: <{ruri}>\r\n"
        f"Call-ID: {call_id}\r\n"
        f"CSeq: 1 OPTIONS\r\n"
        f"Accept: application/sdp\r\n"
        f"Content-Length: 0\r\n\r\n"
    )
    return msg.encode(), call_id


def _status_of(data: bytes, call_id: str) -> int | None:
    text = data.decode("utf-8", "replace")
    if not text.startswith("SIP/2.0 ") or call_id not in text:
        return None
    try:
        return int(text.split(" ", 2)[1])
    except (IndexError, ValueError):
        return None


def sip_options(
    host: str,
    port: int,
    transport: SipTransport = "udp",
    *,
    timeout: float = 1.0,
    ca_file: str | os.PathLike[str] | None = None,
    user: str | None = None,
) -> int | None:
    """Send one OPTIONS over ``transport`` and return the final status code, or None on no answer.

    For "tls" the server certificate is verified against ``ca_file`` (and the host name), so a
    200 here also proves the harness's test CA works.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    deadline = time.monotonic() + timeout
    try:
        if transport == "udp":
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                # connect() so an ICMP port-unreachable fails fast instead of waiting for the timeout
                s.connect((host, port))
                payload, call_id = build_options(
                    host, port, "udp", local_host=s.getsockname()[0], local_port=s.getsockname()[1], user=user
                )
                s.send(payload)
                while (left := deadline - time.monotonic()) > 0:
                    s.settimeout(left)
                    data = s.recv(65535)
                    code = _status_of(data, call_id)
                    if code is not None and code >= 200:
                        return code
            return None
        raw = socket.create_connection((host, port), timeout=timeout)
        sock: socket.socket = raw
        try:
            if transport == "tls":
                ctx = ssl.create_default_context(cafile=os.fspath(ca_file) if ca_file else None)
                sock = ctx.wrap_socket(raw, server_hostname=host)
            payload, call_id = build_options(
                host, port, transport, local_host=host, local_port=sock.getsockname()[1], user=user
            )
            sock.sendall(payload)
            buf = b""
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                chunk = sock.recv(65535)
                if not chunk:
                    break
                buf += chunk
                while b"\r\n\r\n" in buf:  # replies to OPTIONS carry no body worth parsing
                    head, buf = buf.split(b"\r\n\r\n", 1)
                    code = _status_of(head, call_id)
                    if code is not None and code >= 200:
                        return code
            return None
        finally:
            sock.close()
    except (OSError, ssl.SSLError):
        return None


def wait_sip(
    host: str,
    port: int,
    transport: SipTransport = "udp",
    *,
    timeout: float = 5.0,
    expect: int | None = 200,
    ca_file: str | os.PathLike[str] | None = None,
    alive: Callable[[], bool] | None = None,
) -> int | None:
    """Poll with OPTIONS until the peer answers (``expect`` code, or any code if None).

    ``alive`` lets the caller abort early, e.g. when the child process it is waiting for died.
    Returns the last status code seen (None if never answered).
    """
    deadline = time.monotonic() + timeout
    last: int | None = None
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            return last
        last = sip_options(
            host, port, transport, timeout=min(0.5, max(0.05, deadline - time.monotonic())), ca_file=ca_file
        )
        if last is not None and (expect is None or last == expect):
            return last
        time.sleep(0.05)
    return last
